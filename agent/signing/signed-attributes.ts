import * as asn1js from "asn1js";

const CONTENT_TYPE = "1.2.840.113549.1.9.3";
const MESSAGE_DIGEST = "1.2.840.113549.1.9.4";

/**
 * The agent signs CMS signed attributes only — a DER SET OF Attribute with content-type and
 * message-digest (RFC 5652 §5.3) — never arbitrary bytes a page sends, so that a signature
 * it makes cannot serve another protocol. Returns why not, or undefined when it is one.
 */
export function signedAttributesProblem(der: Uint8Array): string | undefined {
  if (der[0] !== 0x31) return "not a DER SET";
  const parsed = asn1js.fromBER(new Uint8Array(der));
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Set)) return "not a DER SET";
  if (parsed.offset !== der.length) return "trailing bytes after the SET";
  const types = new Set<string>();
  for (const attr of parsed.result.valueBlock.value) {
    if (!(attr instanceof asn1js.Sequence)) return "an attribute is not a SEQUENCE";
    const [type, values] = attr.valueBlock.value;
    if (!(type instanceof asn1js.ObjectIdentifier) || !(values instanceof asn1js.Set)) return "an attribute is not { OID, SET }";
    const oid = type.valueBlock.toString();
    if (types.has(oid)) return `attribute ${oid} twice`;
    types.add(oid);
    if (oid === MESSAGE_DIGEST) {
      const v = values.valueBlock.value;
      if (v.length !== 1 || !(v[0] instanceof asn1js.OctetString) || v[0].valueBlock.valueHexView.length < 20)
        return "message-digest is not one OCTET STRING of a digest";
    }
  }
  if (!types.has(CONTENT_TYPE)) return "no content-type attribute";
  if (!types.has(MESSAGE_DIGEST)) return "no message-digest attribute";
  return undefined;
}
