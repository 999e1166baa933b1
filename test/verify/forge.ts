/**
 * Signed revisions written by hand, for the classes of documents other tools make and the
 * attacks built on them: any objects in the update (a visible widget, a page rewritten,
 * a DSS), and a CMS made to order (plain-format ECDSA, adbe.pkcs7.sha1, signed attributes
 * out of DER order, a broken CMS). Base documents come from `buildPdf` (catalog 1, pages 2,
 * page 3, content 4, font 5).
 */
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { assembleSignedData, prepareSignerInfo } from "../../shared/pki/cms-build.ts";
import { appendUpdate, der, lastTrailer, type Identity } from "./corpus.ts";

export type CmsMaker = (signed: Uint8Array) => Promise<Uint8Array>;

export interface UpdateObject {
  num: number;
  body: string;
}

/**
 * Appends an update holding `objects(S)` — S is the number of the new signature dictionary —
 * writes the signature dictionary with a /ByteRange over the whole new revision, and fills
 * /Contents with `cms(signedBytes)`.
 */
export async function signUpdate(
  pdf: Uint8Array,
  objects: (sig: number, next: number) => UpdateObject[],
  cms: CmsMaker,
  o: { subFilter?: string; type?: "Sig" | "DocTimeStamp"; extra?: string } = {},
): Promise<Uint8Array> {
  const { size } = lastTrailer(pdf);
  const S = size;
  const placeholder = "0".repeat(16384);
  const sigBody = `<< /Type /${o.type ?? "Sig"} /Filter /Adobe.PPKLite /SubFilter /${o.subFilter ?? "adbe.pkcs7.detached"} ${o.extra ?? ""} /M (D:${new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z) /ByteRange [0 0000000000 0000000000 0000000000] /Contents <${placeholder}> >>`;
  const withPlaceholder = appendUpdate(pdf, [{ num: S, body: sigBody }, ...objects(S, S + 1)]);
  const text = Buffer.from(withPlaceholder).toString("latin1");
  const b = text.lastIndexOf(`<${placeholder}>`);
  const c = b + placeholder.length + 2;
  const d = text.length - c;
  const br = `/ByteRange [0 ${String(b).padStart(10, "0")} ${String(c).padStart(10, "0")} ${String(d).padStart(10, "0")}]`;
  const bytes = new Uint8Array(Buffer.from(text.replace("/ByteRange [0 0000000000 0000000000 0000000000]", br), "latin1"));
  const signed = new Uint8Array(b + (bytes.length - c));
  signed.set(bytes.subarray(0, b));
  signed.set(bytes.subarray(c), b);
  const hex = Buffer.from(await cms(signed))
    .toString("hex")
    .toUpperCase()
    .padEnd(placeholder.length, "0");
  bytes.set(Buffer.from(hex, "latin1"), b + 1);
  return bytes;
}

const PLAIN_ECDSA: Record<string, string> = {
  "SHA-256": "0.4.0.127.0.7.1.1.4.1.3",
  "SHA-384": "0.4.0.127.0.7.1.1.4.1.4",
  "SHA-512": "0.4.0.127.0.7.1.1.4.1.5",
};

async function signWith(id: Identity, data: Uint8Array, hash: string): Promise<Uint8Array> {
  const alg =
    id.algorithm === "ECDSA" ? { name: "ECDSA", hash } : id.algorithm === "RSA-PSS" ? { name: "RSA-PSS", saltLength: 32 } : { name: "RSASSA-PKCS1-v1_5" };
  return new Uint8Array(await crypto.subtle.sign(alg, id.privateKey, data as BufferSource));
}

export interface CmsOptions {
  /** ECDSA value as r || s with the BSI TR-03111 ecdsa-plain-SHA256 OID (WebCrypto gives r || s). */
  plainEcdsa?: boolean;
  /** Signed attributes written (and signed) in an order that is not DER's. */
  nonDerAttributes?: boolean;
  /** Only the signer's certificate in the CMS (as real government documents do). */
  leafOnly?: boolean;
  /**
   * The CMS's revocation set [1] as one signing tool writes it: a CRL that pkijs cannot read
   * (a SEQUENCE that is not a CertificateList) and an OCSP response as other revocation info
   * (RFC 5940), in BER with indefinite lengths on the outer structures.
   */
  oddRevocationSet?: boolean;
}

/** Constructed elements down to `depth` re-encoded with indefinite lengths (BER), as some Java tools write a CMS. */
export function indefiniteLengths(der: Uint8Array, depth = 3): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < der.length) {
    const tagStart = i;
    const constructed = (der[i]! & 0x20) !== 0;
    if ((der[i++]! & 0x1f) === 0x1f) while (der[i++]! & 0x80);
    const tag = der.subarray(tagStart, i);
    let len = der[i++]!;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + der[i++]!;
    }
    const body = der.subarray(i, i + len);
    i += len;
    if (constructed && depth > 0) out.push(...tag, 0x80, ...indefiniteLengths(body, depth - 1), 0, 0);
    else out.push(...der.subarray(tagStart, i));
  }
  return new Uint8Array(out);
}

function withOddRevocationSet(cms: Uint8Array): Uint8Array {
  const sd = pkijs.ContentInfo.fromBER(cms.slice().buffer).content as asn1js.Sequence;
  const items = sd.valueBlock.value;
  const ocsp = new asn1js.Sequence({ value: [new asn1js.Enumerated({ value: 1 })] }); // an OCSPResponse (malformedRequest): its shape is what counts here
  const set = new asn1js.Constructed({
    idBlock: { tagClass: 3, tagNumber: 1 },
    value: [
      new asn1js.Sequence({ value: [new asn1js.Integer({ value: 1 }), new asn1js.Utf8String({ value: "not a CRL" })] }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [new asn1js.ObjectIdentifier({ value: "1.3.6.1.5.5.7.16.2" }), ocsp] }),
    ],
  });
  items.splice(items.length - 1, 0, set);
  const ci = new asn1js.Sequence({
    value: [new asn1js.ObjectIdentifier({ value: "1.2.840.113549.1.7.2" }), new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [sd] })],
  });
  return indefiniteLengths(new Uint8Array(ci.toBER(false)), 2);
}

/** A detached CAdES-style CMS over the signed bytes (SHA-256). */
export function detachedCms(id: Identity, o: CmsOptions = {}): CmsMaker {
  return async (signed) => {
    const documentDigest = new Uint8Array(await crypto.subtle.digest("SHA-256", signed as BufferSource));
    const prepared = await prepareSignerInfo({
      documentDigest,
      certificate: der(id.certificate),
      digestAlgorithm: "SHA-256",
      signatureAlgorithm: id.algorithm === "ECDSA" ? "ECDSA" : id.algorithm,
    });
    let toSign = prepared.signedAttributesDer;
    if (o.nonDerAttributes) {
      // The same attributes, written in reverse (a SET OF out of DER order), signed as written.
      const attrs = [...prepared.signerInfo.signedAttrs!.attributes].reverse();
      prepared.signerInfo.signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: attrs });
      toSign = new Uint8Array(prepared.signerInfo.signedAttrs.toSchema().toBER(false));
      toSign[0] = 0x31;
    }
    if (o.plainEcdsa) prepared.signerInfo.signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: PLAIN_ECDSA["SHA-256"]! });
    const signature = await signWith(id, toSign, "SHA-256");
    const cms = assembleSignedData({
      prepared,
      signature,
      certificates: o.leafOnly ? [der(id.certificate)] : [der(id.certificate), ...id.chain],
      digestAlgorithm: "SHA-256",
    });
    return o.oddRevocationSet ? withOddRevocationSet(cms) : cms;
  };
}

/**
 * The old Adobe form adbe.pkcs7.sha1: the CMS encapsulates the SHA-1 of the signed bytes as
 * its content, and signs that content (here with SHA-256 signed attributes).
 */
export function sha1EncapsulatingCms(id: Identity, tamper = false): CmsMaker {
  return async (signed) => {
    const sha1 = new Uint8Array(await crypto.subtle.digest("SHA-1", signed as BufferSource));
    if (tamper) sha1[0]! ^= 1;
    const contentDigest = new Uint8Array(await crypto.subtle.digest("SHA-256", sha1 as BufferSource));
    const prepared = await prepareSignerInfo({
      documentDigest: contentDigest,
      certificate: der(id.certificate),
      digestAlgorithm: "SHA-256",
      signatureAlgorithm: "RSASSA-PKCS1-v1_5",
    });
    const signature = await signWith(id, prepared.signedAttributesDer, "SHA-256");
    const detached = assembleSignedData({ prepared, signature, certificates: [der(id.certificate), ...id.chain], digestAlgorithm: "SHA-256" });
    // Put the digest in as eContent.
    const ci = pkijs.ContentInfo.fromBER(detached.slice().buffer);
    const sd = new pkijs.SignedData({ schema: ci.content });
    sd.encapContentInfo = new pkijs.EncapsulatedContentInfo({
      eContentType: "1.2.840.113549.1.7.1",
      eContent: new asn1js.OctetString({ valueHex: sha1.slice().buffer }),
    });
    return new Uint8Array(new pkijs.ContentInfo({ contentType: "1.2.840.113549.1.7.2", content: sd.toSchema(true) }).toSchema().toBER(false));
  };
}

/** Bytes that start like a DER SEQUENCE of the right length but are not a CMS. */
export function garbageCms(): CmsMaker {
  return async () => {
    const body = new Uint8Array(600).fill(0x41);
    return new Uint8Array([0x30, 0x82, 0x02, 0x58, ...body]);
  };
}

/** A stream object body with a correct /Length. */
export function streamBody(content: string, dict = ""): string {
  return `<< ${dict} /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}\nendstream`;
}
