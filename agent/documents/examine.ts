import * as asn1js from "asn1js";
import { createHash } from "node:crypto";

const MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
const latin1 = new TextDecoder("latin1");

export interface ExaminedRevision {
  /** SHA-256 of the two byte ranges, hex: computed here, never taken from the caller. */
  sha256: string;
  byteRange: [number, number, number, number];
}

/** The message-digest attribute of DER signed attributes (checked to be well formed before). */
export function messageDigestOf(signedAttributes: Uint8Array): Uint8Array | undefined {
  const parsed = asn1js.fromBER(new Uint8Array(signedAttributes));
  if (!(parsed.result instanceof asn1js.Set)) return undefined;
  for (const attr of parsed.result.valueBlock.value) {
    const [type, values] = (attr as asn1js.Sequence).valueBlock.value;
    if (type instanceof asn1js.ObjectIdentifier && type.valueBlock.toString() === MESSAGE_DIGEST && values instanceof asn1js.Set) {
      const v = values.valueBlock.value[0];
      if (v instanceof asn1js.OctetString) return new Uint8Array(v.valueBlock.valueHexView);
    }
  }
  return undefined;
}

/**
 * The unsigned signature of a prepared revision: a /ByteRange [0 a b c] that covers the whole
 * file except one /Contents hex string still all zeros. Among several (earlier signatures are
 * filled, so never match), the last such one is the signature being made.
 */
export function findOpenByteRange(pdf: Uint8Array): [number, number, number, number] | undefined {
  const text = latin1.decode(pdf);
  const re = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;
  let found: [number, number, number, number] | undefined;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const r = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] as [number, number, number, number];
    if (r[0] !== 0 || r[2] <= r[1] || r[2] + r[3] !== pdf.length) continue;
    if (pdf[r[1]] !== 0x3c || pdf[r[2] - 1] !== 0x3e) continue; // < … >
    let zeros = true;
    for (let i = r[1] + 1; i < r[2] - 1 && zeros; i++) zeros = pdf[i] === 0x30;
    if (zeros) found = r;
  }
  return found;
}

/**
 * What you see is what you sign: the digest the token will sign (inside the signed
 * attributes) must be the digest of the bytes shown. Returns the computed digest, or why not.
 */
export function examinePreparedRevision(pdf: Uint8Array, signedAttributes: Uint8Array): ExaminedRevision | { problem: string; problemVi: string } {
  const byteRange = findOpenByteRange(pdf);
  if (!byteRange)
    return {
      problem: "no unsigned signature field (/ByteRange over the whole file with an empty /Contents)",
      problemVi: "tệp PDF không có chỗ chữ ký đã chuẩn bị để ký",
    };
  const h = createHash("sha256");
  h.update(pdf.subarray(0, byteRange[1]));
  h.update(pdf.subarray(byteRange[2], byteRange[2] + byteRange[3]));
  const computed = h.digest();
  const claimed = messageDigestOf(signedAttributes);
  if (!claimed || claimed.length !== computed.length || !computed.equals(claimed)) {
    return {
      problem: "the signed attributes' message-digest is not the SHA-256 of the PDF's byte ranges",
      problemVi: "dữ liệu cần ký không khớp với tệp PDF được gửi kèm (mã băm khác)",
    };
  }
  return { sha256: computed.toString("hex"), byteRange };
}
