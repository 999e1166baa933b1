import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { bytesKey } from "./x509.ts";

/**
 * Checks one CMS SignedData signer (RFC 5652) the way a PAdES verifier must: message-digest
 * and content-type attributes, signing-certificate(-v2) binding, and the signature itself
 * with WebCrypto (RSA PKCS#1 v1.5, RSA-PSS, ECDSA). Isomorphic: only WebCrypto and pkijs.
 */

export const CMS_OID = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  tstInfo: "1.2.840.113549.1.9.16.1.4",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingTime: "1.2.840.113549.1.9.5",
  signingCertificate: "1.2.840.113549.1.9.16.2.12",
  signingCertificateV2: "1.2.840.113549.1.9.16.2.47",
  signatureTimeStampToken: "1.2.840.113549.1.9.16.2.14",
  revocationInfoArchival: "1.2.840.113583.1.1.8",
} as const;

export type DigestName = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";

const DIGEST_BY_OID: Record<string, DigestName> = {
  "1.3.14.3.2.26": "SHA-1",
  "2.16.840.1.101.3.4.2.1": "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
};

const SIG_ALGS: Record<string, { name: "RSASSA-PKCS1-v1_5" | "RSA-PSS" | "ECDSA"; hash?: DigestName; plain?: true }> = {
  // BSI TR-03111 ecdsa-plain-SHA*: the value is r || s, not a DER SEQUENCE.
  "0.4.0.127.0.7.1.1.4.1.1": { name: "ECDSA", hash: "SHA-1", plain: true },
  "0.4.0.127.0.7.1.1.4.1.3": { name: "ECDSA", hash: "SHA-256", plain: true },
  "0.4.0.127.0.7.1.1.4.1.4": { name: "ECDSA", hash: "SHA-384", plain: true },
  "0.4.0.127.0.7.1.1.4.1.5": { name: "ECDSA", hash: "SHA-512", plain: true },
  "1.2.840.113549.1.1.1": { name: "RSASSA-PKCS1-v1_5" },
  "1.2.840.113549.1.1.5": { name: "RSASSA-PKCS1-v1_5", hash: "SHA-1" },
  "1.2.840.113549.1.1.11": { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
  "1.2.840.113549.1.1.12": { name: "RSASSA-PKCS1-v1_5", hash: "SHA-384" },
  "1.2.840.113549.1.1.13": { name: "RSASSA-PKCS1-v1_5", hash: "SHA-512" },
  "1.2.840.113549.1.1.10": { name: "RSA-PSS" },
  "1.2.840.10045.2.1": { name: "ECDSA" },
  "1.2.840.10045.4.1": { name: "ECDSA", hash: "SHA-1" },
  "1.2.840.10045.4.3.2": { name: "ECDSA", hash: "SHA-256" },
  "1.2.840.10045.4.3.3": { name: "ECDSA", hash: "SHA-384" },
  "1.2.840.10045.4.3.4": { name: "ECDSA", hash: "SHA-512" },
};

const CURVES: Record<string, { name: string; size: number }> = {
  "1.2.840.10045.3.1.7": { name: "P-256", size: 32 },
  "1.3.132.0.34": { name: "P-384", size: 48 },
  "1.3.132.0.35": { name: "P-521", size: 66 },
};

export class CmsFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CmsFormatError";
  }
}

export function toArrayBuffer(u: Uint8Array): ArrayBuffer {
  return u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Length of the BER element at the start of `der` (header + content; indefinite lengths
 * as NSS writes them included), or -1. /Contents is zero-padded after it.
 */
export function derElementLength(der: Uint8Array): number {
  if (der.length < 2 || der[0] !== 0x30) return -1;
  // Definite length (DER): read it from the header, no need to parse the whole element.
  const l0 = der[1]!;
  if (l0 < 0x80) return 2 + l0;
  if (l0 !== 0x80) {
    const n = l0 & 0x7f;
    if (n > 4 || der.length < 2 + n) return -1;
    let len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[2 + i]!;
    return 2 + n + len;
  }
  // Indefinite length (BER, as NSS writes it): find the end by parsing.
  try {
    const asn = asn1js.fromBER(toArrayBuffer(der));
    return asn.offset === -1 ? -1 : asn.offset;
  } catch {
    return -1;
  }
}

export function parseSignedData(der: Uint8Array): pkijs.SignedData {
  // The certificates and revocation data are most of a CMS's bytes: cut out at the byte level
  // (a DER ContentInfo), they are never parsed by asn1js at all; the certificates come from a
  // per-process cache (the same signers and CAs recur in every document). BER with
  // indefinite lengths takes the general path below.
  const split = splitSignedData(der);
  let ci: pkijs.ContentInfo;
  try {
    // The split remainder is a fresh buffer (no copy needed), and none of its OCTET or BIT
    // STRINGs (the signature value, the message digest, an encapsulated TSTInfo, read by
    // this module itself) is to be parsed as ASN.1 on speculation: asn1js tries by default,
    // a tenth of its time here. The general path keeps asn1js's defaults.
    const asn = split ? asn1js.fromBER(split.rest, { parseEmbedded: false, copyInput: false }) : asn1js.fromBER(toArrayBuffer(der));
    if (asn.offset === -1) throw new Error(asn.result.error);
    ci = new pkijs.ContentInfo({ schema: asn.result });
  } catch (e) {
    throw new CmsFormatError(`not a CMS ContentInfo: ${(e as Error).message}`);
  }
  if (ci.contentType !== CMS_OID.signedData) throw new CmsFormatError(`CMS content type ${ci.contentType} is not SignedData`);
  const raw = split ? split.certificates : takeCertificates(ci.content as asn1js.Sequence);
  // Revocation data likewise: one CRL that pkijs cannot read (an unusual extension, a
  // non-DER encoding some signing tools write) made the whole signature unreadable, where
  // the reference validator reads the signature and ignores that CRL.
  const revocation = split ? revocationOf(split.revocation) : takeRevocationInfo(ci.content as asn1js.Sequence);
  let sd: pkijs.SignedData;
  try {
    sd = signedDataOf(ci.content as asn1js.Sequence) ?? new pkijs.SignedData({ schema: ci.content });
  } catch (e) {
    throw new CmsFormatError(`malformed SignedData: ${(e as Error).message}`);
  }
  if (raw) {
    sd.certificates = raw.flatMap((d) => {
      const c = pkijsCertificateOf(d);
      return c ? [c] : [];
    });
  }
  if (revocation) {
    const crls: pkijs.CertificateRevocationList[] = [];
    let unreadable = 0;
    for (const d of revocation.crls) {
      try {
        const c = pkijs.CertificateRevocationList.fromBER(d.slice());
        rawDer.set(c, d.slice());
        crls.push(c);
      } catch {
        unreadable++;
      }
    }
    sd.crls = crls;
    embeddedRevocation.set(sd, { ocspResponses: revocation.ocspResponses, unreadable });
  }
  return sd;
}

/**
 * The SignedData read from its four remaining parts (version, digest algorithms, content,
 * signer infos) once certificates and revocation data are out: pkijs's own SignedData schema
 * builds templates for every certificate choice (attribute certificates and all) at each call,
 * which was most of the time spent on a CMS. Undefined when the parts are not shaped so.
 */
function signedDataOf(content: asn1js.Sequence): pkijs.SignedData | undefined {
  const parts = content?.valueBlock?.value;
  if (!Array.isArray(parts) || parts.length !== 4) return undefined;
  const [version, digestAlgorithms, encap, signerInfos] = parts;
  if (
    !(version instanceof asn1js.Integer) ||
    !(digestAlgorithms instanceof asn1js.Set) ||
    !(encap instanceof asn1js.Sequence) ||
    !(signerInfos instanceof asn1js.Set)
  )
    return undefined;
  return new pkijs.SignedData({
    version: version.valueBlock.valueDec,
    digestAlgorithms: digestAlgorithms.valueBlock.value.map((a) => new pkijs.AlgorithmIdentifier({ schema: a })),
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ schema: encap }),
    signerInfos: signerInfos.valueBlock.value.map((si) => signerInfoOf(si) ?? new pkijs.SignerInfo({ schema: si })),
  });
}

const isTagged = (b: asn1js.AsnType | undefined, tagNumber: number): b is asn1js.Constructed =>
  b instanceof asn1js.BaseBlock && b.idBlock.tagClass === 3 && b.idBlock.tagNumber === tagNumber && b.idBlock.isConstructed;

/**
 * A SignerInfo read part by part (RFC 5652 §5.3: version, sid as issuer and serial, digest
 * algorithm, [0] signed attributes, signature algorithm, signature, [1] unsigned attributes),
 * each part by pkijs's own class: pkijs's SignerInfo schema is built anew and matched at every
 * call, a third of the time a letter's signature took to read. Undefined for any other shape
 * (a subject key identifier as sid, attributes missing or misplaced): pkijs then reads it whole.
 */
function signerInfoOf(si: asn1js.AsnType): pkijs.SignerInfo | undefined {
  if (!(si instanceof asn1js.Sequence)) return undefined;
  const parts = [...si.valueBlock.value];
  const [version, sid, digestAlgorithm] = parts.splice(0, 3);
  const signedAttrs = isTagged(parts[0], 0) ? parts.shift() : undefined;
  const [signatureAlgorithm, signature, unsignedAttrs, ...extra] = parts;
  if (
    !(version instanceof asn1js.Integer) ||
    !(sid instanceof asn1js.Sequence) ||
    !(digestAlgorithm instanceof asn1js.Sequence) ||
    !signedAttrs ||
    !(signatureAlgorithm instanceof asn1js.Sequence) ||
    !(signature instanceof asn1js.OctetString) ||
    (unsignedAttrs !== undefined && !isTagged(unsignedAttrs, 1)) ||
    extra.length > 0
  )
    return undefined;
  return new pkijs.SignerInfo({
    version: version.valueBlock.valueDec,
    sid: new pkijs.IssuerAndSerialNumber({ schema: sid }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ schema: digestAlgorithm }),
    signedAttrs: attributesOf(signedAttrs, 0) ?? new pkijs.SignedAndUnsignedAttributes({ type: 0, schema: signedAttrs }),
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ schema: signatureAlgorithm }),
    signature,
    ...(unsignedAttrs ? { unsignedAttrs: attributesOf(unsignedAttrs, 1) ?? new pkijs.SignedAndUnsignedAttributes({ type: 1, schema: unsignedAttrs }) } : {}),
  });
}

/**
 * The [0] signed or [1] unsigned attributes read attribute by attribute (each a SEQUENCE of its
 * type and a non-empty SET of values), as pkijs's schema reads them, without building that schema
 * for every attribute of every signature. `encodedValue` is what the signature covers: the same
 * bytes with the SET tag (RFC 5652 §5.4), as pkijs sets it. Undefined for any other shape, or
 * for none at all: pkijs then reads (or refuses) the set itself.
 */
function attributesOf(tagged: asn1js.AsnType, type: 0 | 1): pkijs.SignedAndUnsignedAttributes | undefined {
  if (!(tagged instanceof asn1js.Constructed)) return undefined;
  const items = tagged.valueBlock.value;
  if (items.length === 0) return undefined;
  const attributes: pkijs.Attribute[] = [];
  for (const item of items) {
    if (!(item instanceof asn1js.Sequence) || item.valueBlock.value.length !== 2) return undefined;
    const [oid, values] = item.valueBlock.value;
    if (!(oid instanceof asn1js.ObjectIdentifier) || !(values instanceof asn1js.Set) || values.valueBlock.value.length === 0) return undefined;
    attributes.push(new pkijs.Attribute({ type: oid.valueBlock.toString(), values: values.valueBlock.value }));
  }
  const encoded = new Uint8Array(tagged.valueBeforeDecodeView);
  encoded[0] = 0x31;
  return new pkijs.SignedAndUnsignedAttributes({ type, attributes, encodedValue: encoded.buffer });
}

interface Tlv {
  tag: number;
  start: number;
  bodyStart: number;
  end: number;
}

/** One DER element at `at` (single-byte tag, definite length), or undefined. */
function tlvAt(b: Uint8Array, at: number, limit = b.length): Tlv | undefined {
  if (at + 2 > limit) return undefined;
  const tag = b[at]!;
  if ((tag & 0x1f) === 0x1f) return undefined;
  let len = b[at + 1]!;
  let bodyStart = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || bodyStart + n > limit) return undefined; // 0: indefinite (BER)
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + b[bodyStart + k]!;
    bodyStart += n;
  }
  const end = bodyStart + len;
  return end <= limit ? { tag, start: at, bodyStart, end } : undefined;
}

function children(b: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  for (let at = parent.bodyStart; at < parent.end; ) {
    const t = tlvAt(b, at, parent.end);
    if (!t) return undefined;
    out.push(t);
    at = t.end;
  }
  return out;
}

function derHeader(tag: number, length: number): number[] {
  if (length < 0x80) return [tag, length];
  const bytes: number[] = [];
  for (let l = length; l > 0; l = Math.floor(l / 256)) bytes.unshift(l % 256);
  return [tag, 0x80 | bytes.length, ...bytes];
}

/**
 * A DER ContentInfo { OID, [0] SignedData } taken apart without parsing: the SignedData
 * without its [0] certificates and [1] revocation set (`rest`, a whole ContentInfo again),
 * the DER of each certificate, and the revocation set's bytes. Undefined when the bytes are
 * not shaped so (BER, another content type): the caller parses them whole.
 */
function splitSignedData(der: Uint8Array): { rest: Uint8Array; certificates: Uint8Array[] | undefined; revocation: Uint8Array | undefined } | undefined {
  const ci = tlvAt(der, 0);
  if (!ci || ci.tag !== 0x30) return undefined;
  const [oid, explicit] = children(der, ci) ?? [];
  if (!oid || oid.tag !== 0x06 || !explicit || explicit.tag !== 0xa0) return undefined;
  const sd = tlvAt(der, explicit.bodyStart, explicit.end);
  if (!sd || sd.tag !== 0x30 || sd.end !== explicit.end) return undefined;
  const parts = children(der, sd);
  if (!parts) return undefined;
  let certificates: Uint8Array[] | undefined;
  let revocation: Uint8Array | undefined;
  const kept: Tlv[] = [];
  for (const p of parts) {
    if (p.tag === 0xa0 && !certificates) {
      const elements = children(der, p);
      if (!elements) return undefined;
      // CertificateChoices: only the plain certificate (a SEQUENCE) is used; attribute and other certificates are skipped.
      certificates = elements.filter((e) => e.tag === 0x30).map((e) => der.subarray(e.start, e.end));
    } else if (p.tag === 0xa1 && !revocation) revocation = der.subarray(p.start, p.end);
    else kept.push(p);
  }
  const body = kept.reduce((n, p) => n + p.end - p.start, 0);
  const sdHeader = derHeader(0x30, body);
  const expHeader = derHeader(0xa0, sdHeader.length + body);
  const oidBytes = der.subarray(oid.start, oid.end);
  const ciHeader = derHeader(0x30, oidBytes.length + expHeader.length + sdHeader.length + body);
  const rest = new Uint8Array(ciHeader.length + oidBytes.length + expHeader.length + sdHeader.length + body);
  let o = 0;
  for (const piece of [ciHeader, oidBytes, expHeader, sdHeader]) {
    rest.set(piece, o);
    o += piece.length;
  }
  for (const p of kept) {
    rest.set(der.subarray(p.start, p.end), o);
    o += p.end - p.start;
  }
  return { rest, certificates, revocation };
}

/** The revocation set [1] cut out by splitSignedData, read as takeRevocationInfo reads it. */
function revocationOf(element: Uint8Array | undefined): { crls: Uint8Array[]; ocspResponses: Uint8Array[] } | undefined {
  if (!element) return undefined;
  const asn = asn1js.fromBER(toArrayBuffer(element));
  if (asn.offset === -1) return { crls: [], ocspResponses: [] };
  return takeRevocationInfo(new asn1js.Sequence({ value: [asn.result] }));
}

const ID_RI_OCSP_RESPONSE = "1.3.6.1.5.5.7.16.2";
/** What the CMS's own revocation set held besides the CRLs pkijs read: OCSP responses (RFC 5940), CRLs it could not read. */
const embeddedRevocation = new WeakMap<pkijs.SignedData, { ocspResponses: Uint8Array[]; unreadable: number }>();

/**
 * Removes the [1] revocation set from a SignedData's ASN.1: the DER of each CRL, and the OCSP
 * responses given as "other revocation info" (RFC 5940 id-ri-ocsp-response).
 */
function takeRevocationInfo(signedData: asn1js.Sequence): { crls: Uint8Array[]; ocspResponses: Uint8Array[] } | undefined {
  const items = signedData?.valueBlock?.value;
  if (!Array.isArray(items)) return undefined;
  const i = items.findIndex((b) => b.idBlock.tagClass === 3 && b.idBlock.tagNumber === 1);
  if (i < 0) return undefined;
  const crls: Uint8Array[] = [];
  const ocspResponses: Uint8Array[] = [];
  for (const e of (items[i] as asn1js.Constructed).valueBlock?.value ?? []) {
    const view = e.valueBeforeDecodeView;
    if (e.idBlock.tagClass === 1 && e.idBlock.tagNumber === 16 && view?.length) crls.push(new Uint8Array(view));
    else if (e.idBlock.tagClass === 3 && e.idBlock.tagNumber === 1) {
      const [format, info] = (e as asn1js.Constructed).valueBlock?.value ?? [];
      if (format instanceof asn1js.ObjectIdentifier && format.valueBlock.toString() === ID_RI_OCSP_RESPONSE && info?.valueBeforeDecodeView?.length)
        ocspResponses.push(new Uint8Array(info.valueBeforeDecodeView));
    }
  }
  items.splice(i, 1);
  return { crls, ocspResponses };
}

/** Removes the [0] certificates set from a SignedData's ASN.1 and returns the DER of each X.509 certificate in it. */
function takeCertificates(signedData: asn1js.Sequence): Uint8Array[] | undefined {
  const items = signedData?.valueBlock?.value;
  if (!Array.isArray(items)) return undefined;
  const i = items.findIndex((b) => b.idBlock.tagClass === 3 && b.idBlock.tagNumber === 0);
  if (i < 0) return undefined;
  const elements = (items[i] as asn1js.Constructed).valueBlock?.value ?? [];
  const out: Uint8Array[] = [];
  for (const e of elements) {
    // CertificateChoices: only the plain certificate (a SEQUENCE) is used; attribute and other certificates are skipped.
    if (e.idBlock.tagClass !== 1 || e.idBlock.tagNumber !== 16) continue;
    const view = e.valueBeforeDecodeView;
    if (view && view.length > 0) out.push(new Uint8Array(view));
  }
  items.splice(i, 1);
  return out;
}

// Parsed certificates by DER, once per process (bounded); derOf() returns the bytes they
// came from instead of encoding them again.
const MAX_CACHED_CERTIFICATES = 4096;
const pkijsCertificates = new Map<string, pkijs.Certificate | null>();
const rawDer = new WeakMap<object, Uint8Array<ArrayBuffer>>();

function pkijsCertificateOf(der: Uint8Array): pkijs.Certificate | undefined {
  const key = bytesKey(der);
  let c = pkijsCertificates.get(key);
  if (c === undefined) {
    try {
      // Without asn1js's speculative parsing of OCTET and BIT STRING contents: pkijs parses the
      // extension values and the public key it reads itself.
      const asn = asn1js.fromBER(der.slice(), { parseEmbedded: false, copyInput: false });
      if (asn.offset === -1) throw new Error(asn.result.error);
      c = new pkijs.Certificate({ schema: asn.result });
      rawDer.set(c, der.slice());
    } catch {
      c = null;
    }
    if (pkijsCertificates.size >= MAX_CACHED_CERTIFICATES) pkijsCertificates.clear();
    pkijsCertificates.set(key, c);
  }
  return c ?? undefined;
}

export function certificatesOf(sd: pkijs.SignedData): pkijs.Certificate[] {
  return (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
}

export function derOf(o: { toSchema(): asn1js.AsnType }): Uint8Array<ArrayBuffer> {
  return rawDer.get(o) ?? new Uint8Array(o.toSchema().toBER(false));
}

/** Names equal as DER bytes (the usual case, and cheap), else as pkijs compares them (string preparation of each value). */
function sameIssuer(a: pkijs.RelativeDistinguishedNames, b: pkijs.RelativeDistinguishedNames): boolean {
  const x = a.valueBeforeDecode;
  const y = b.valueBeforeDecode;
  if (x.byteLength > 0 && bytesEqual(new Uint8Array(x), new Uint8Array(y))) return true;
  return a.isEqual(b);
}

/** The signer's certificate: by issuer and serial, or by subject key identifier. */
export function findSignerCertificate(sd: pkijs.SignedData, si: pkijs.SignerInfo): pkijs.Certificate | undefined {
  const certs = certificatesOf(sd);
  const sid = si.sid;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return certs.find((c) => c.serialNumber.isEqual(sid.serialNumber) && sameIssuer(c.issuer, sid.issuer));
  }
  if (sid instanceof asn1js.Primitive || sid instanceof asn1js.Constructed) {
    const skid = new Uint8Array((sid as asn1js.Primitive).valueBlock.valueHexView ?? new Uint8Array());
    return certs.find((c) => {
      const ext = c.extensions?.find((e) => e.extnID === "2.5.29.14");
      const v = ext?.parsedValue as asn1js.OctetString | undefined;
      return v ? bytesEqual(new Uint8Array(v.valueBlock.valueHexView), skid) : false;
    });
  }
  return undefined;
}

function attr(si: pkijs.SignerInfo, oid: string, unsigned = false): pkijs.Attribute[] {
  const set = unsigned ? si.unsignedAttrs : si.signedAttrs;
  return (set?.attributes ?? []).filter((a) => a.type === oid);
}

function timeOf(v: asn1js.AsnType | undefined): Date | undefined {
  if (v instanceof asn1js.UTCTime || v instanceof asn1js.GeneralizedTime) return v.toDate();
  return undefined;
}

export interface SignatureAlgorithmInfo {
  name: "RSASSA-PKCS1-v1_5" | "RSA-PSS" | "ECDSA";
  hash: DigestName;
  saltLength?: number;
  /** ECDSA value as r || s (BSI TR-03111 plain format) instead of DER. */
  plain?: boolean;
}

export function signatureAlgorithmOf(si: pkijs.SignerInfo, digest: DigestName): SignatureAlgorithmInfo | undefined {
  const oid = si.signatureAlgorithm.algorithmId;
  const base = SIG_ALGS[oid];
  if (!base) return undefined;
  if (base.name === "RSA-PSS") {
    try {
      const params = new pkijs.RSASSAPSSParams({ schema: si.signatureAlgorithm.algorithmParams });
      const hash = DIGEST_BY_OID[params.hashAlgorithm.algorithmId] ?? "SHA-1";
      return { name: "RSA-PSS", hash, saltLength: params.saltLength };
    } catch {
      return undefined;
    }
  }
  return { name: base.name, hash: base.hash ?? digest, ...(base.plain ? { plain: true } : {}) };
}

// Public keys imported once per process and algorithm (the same signers and CAs recur).
const importedKeys = new WeakMap<Crypto, Map<string, CryptoKey>>();

async function importVerifyKey(crypto: Crypto, spki: Uint8Array, alg: RsaHashedImportParams | EcKeyImportParams): Promise<CryptoKey> {
  let m = importedKeys.get(crypto);
  if (!m) importedKeys.set(crypto, (m = new Map()));
  const key = `${JSON.stringify(alg)}|${bytesKey(spki)}`;
  let k = m.get(key);
  if (!k) {
    k = await crypto.subtle.importKey("spki", toArrayBuffer(spki), alg, false, ["verify"]);
    if (m.size >= 1024) m.clear();
    m.set(key, k);
  }
  return k;
}

/** Verifies a raw signature with a certificate's public key. */
export async function verifyWithCertificate(
  cert: pkijs.Certificate,
  alg: SignatureAlgorithmInfo,
  data: Uint8Array,
  signature: Uint8Array,
  crypto: Crypto = globalThis.crypto,
): Promise<boolean> {
  const spki = derOf(cert.subjectPublicKeyInfo);
  const keyAlgOid = cert.subjectPublicKeyInfo.algorithm.algorithmId;
  if (alg.name === "ECDSA") {
    if (keyAlgOid !== "1.2.840.10045.2.1") return false;
    const curveOid = (cert.subjectPublicKeyInfo.algorithm.algorithmParams as asn1js.ObjectIdentifier | undefined)?.valueBlock?.toString();
    const curve = curveOid ? CURVES[curveOid] : undefined;
    if (!curve) return false;
    const key = await importVerifyKey(crypto, spki, { name: "ECDSA", namedCurve: curve.name });
    let raw: ArrayBuffer;
    if (alg.plain) {
      if (signature.length !== 2 * curve.size) return false;
      return crypto.subtle.verify({ name: "ECDSA", hash: alg.hash }, key, toArrayBuffer(signature), toArrayBuffer(data));
    }
    try {
      const asn = asn1js.fromBER(toArrayBuffer(signature));
      if (asn.offset === -1) return false;
      raw = pkijs.createECDSASignatureFromCMS(asn.result, curve.size);
    } catch {
      return false;
    }
    return crypto.subtle.verify({ name: "ECDSA", hash: alg.hash }, key, raw, toArrayBuffer(data));
  }
  if (keyAlgOid !== "1.2.840.113549.1.1.1" && keyAlgOid !== "1.2.840.113549.1.1.10") return false;
  // An RSA-PSS key (id-RSASSA-PSS SPKI) is imported through its rsaEncryption form.
  const spkiForImport =
    keyAlgOid === "1.2.840.113549.1.1.10"
      ? derOf(
          new pkijs.PublicKeyInfo({
            algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: "1.2.840.113549.1.1.1", algorithmParams: new asn1js.Null() }),
            subjectPublicKey: cert.subjectPublicKeyInfo.subjectPublicKey,
          }),
        )
      : spki;
  const key = await importVerifyKey(crypto, spkiForImport, { name: alg.name, hash: alg.hash });
  const params = alg.name === "RSA-PSS" ? { name: "RSA-PSS", saltLength: alg.saltLength ?? 20 } : { name: alg.name };
  return crypto.subtle.verify(params, key, toArrayBuffer(signature), toArrayBuffer(data));
}

export type SigningCertificateBinding = "v2" | "v1" | "absent" | "mismatch";

export interface SignerInfoCheck {
  signerInfo: pkijs.SignerInfo;
  signerCertificate?: pkijs.Certificate;
  certificates: pkijs.Certificate[];
  digestAlgorithm?: DigestName;
  signatureAlgorithm?: SignatureAlgorithmInfo;
  hasSignedAttributes: boolean;
  contentTypeOk: boolean;
  /** undefined when it could not be computed (e.g. unsupported digest). */
  messageDigestOk?: boolean;
  signatureOk?: boolean;
  signingCertificate: SigningCertificateBinding;
  signingTime?: Date;
  signatureValue: Uint8Array;
  timestampTokens: Uint8Array[];
  /** CRLs embedded in the SignedData and in Adobe's revocation-info-archival attribute. */
  crls: Uint8Array[];
  ocspResponses: Uint8Array[];
  problems: string[];
}

// A certificate's digest, once per certificate object and algorithm (the same signers recur in every document).
const certificateDigests = new WeakMap<object, Map<DigestName, Uint8Array>>();
async function certificateDigest(cert: pkijs.Certificate, hash: DigestName, crypto: Crypto): Promise<Uint8Array> {
  let m = certificateDigests.get(cert);
  if (!m) certificateDigests.set(cert, (m = new Map()));
  let d = m.get(hash);
  if (!d) m.set(hash, (d = new Uint8Array(await crypto.subtle.digest(hash, toArrayBuffer(derOf(cert))))));
  return d;
}

/** ESS signing-certificate(-v2): does it name this certificate? */
async function checkSigningCertificateAttr(si: pkijs.SignerInfo, cert: pkijs.Certificate | undefined, crypto: Crypto): Promise<SigningCertificateBinding> {
  const v2 = attr(si, CMS_OID.signingCertificateV2);
  const v1 = attr(si, CMS_OID.signingCertificate);
  const which = v2.length > 0 ? "v2" : v1.length > 0 ? "v1" : "absent";
  if (which === "absent") return "absent";
  if (!cert) return "mismatch";
  try {
    const value = (which === "v2" ? v2 : v1)[0]!.values[0] as asn1js.Sequence;
    const certs = value.valueBlock.value[0] as asn1js.Sequence;
    const first = certs.valueBlock.value[0] as asn1js.Sequence;
    const parts = first.valueBlock.value;
    let i = 0;
    let hash: DigestName = which === "v2" ? "SHA-256" : "SHA-1";
    if (which === "v2" && parts[0] instanceof asn1js.Sequence) {
      const algId = new pkijs.AlgorithmIdentifier({ schema: parts[0] });
      const h = DIGEST_BY_OID[algId.algorithmId];
      if (!h) return "mismatch";
      hash = h;
      i = 1;
    }
    const certHash = new Uint8Array((parts[i] as asn1js.OctetString).valueBlock.valueHexView);
    const actual = await certificateDigest(cert, hash, crypto);
    if (!bytesEqual(certHash, actual)) return "mismatch";
    const issuerSerial = parts[i + 1] as asn1js.Sequence | undefined;
    if (issuerSerial) {
      const serial = issuerSerial.valueBlock.value[1] as asn1js.Integer;
      if (serial && !serial.isEqual(cert.serialNumber)) return "mismatch";
    }
    return which;
  } catch {
    return "mismatch";
  }
}

/**
 * Signed content that is not held in one buffer (the byte ranges of a PDF): its digests are
 * computed incrementally by the caller.
 */
export interface SignedContent {
  digest(algorithm: DigestName): Promise<Uint8Array>;
  /** The content in one buffer, for a signature without signed attributes. */
  bytes(): Uint8Array;
}

/**
 * The SET OF attributes in DER order (RFC 5652 §5.4: the signature is over the DER
 * encoding; X.690 §11.6 sorts a SET OF by the encodings of its elements). A signer that
 * wrote them in another order signed other bytes than the DER a verifier must compute,
 * so such a signature fails, as the reference validators report.
 */
export function derOrderedSet(encoded: Uint8Array): Uint8Array {
  const header = (at: number): [number, number] | undefined => {
    const l0 = encoded[at + 1];
    if (l0 === undefined) return undefined;
    if (l0 < 0x80) return [2, l0];
    const n = l0 & 0x7f;
    if (n === 0 || n > 4) return undefined;
    let len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (encoded[at + 2 + i] ?? 0);
    return [2 + n, len];
  };
  const outer = header(0);
  if (!outer || (encoded[0]! & 0x1f) === 0x1f) return encoded;
  const [hl, total] = outer;
  if (hl + total !== encoded.length) return encoded;
  const items: Uint8Array[] = [];
  for (let at = hl; at < encoded.length; ) {
    const h = header(at);
    if (!h || (encoded[at]! & 0x1f) === 0x1f || at + h[0] + h[1] > encoded.length) return encoded;
    items.push(encoded.subarray(at, at + h[0] + h[1]));
    at += h[0] + h[1];
  }
  items.sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
  return concat([encoded.subarray(0, hl), ...items]);
}

/**
 * Verifies the (first) signer of a SignedData over `content` (the detached signed bytes,
 * or the encapsulated content).
 */
export async function verifySignerInfo(
  sd: pkijs.SignedData,
  content: Uint8Array | SignedContent,
  crypto: Crypto = globalThis.crypto,
  digestCache = new Map<string, Uint8Array>(),
): Promise<SignerInfoCheck> {
  const problems: string[] = [];
  if (sd.signerInfos.length !== 1) problems.push(`SignedData has ${sd.signerInfos.length} signers; the first is checked`);
  const si = sd.signerInfos[0];
  if (!si) throw new CmsFormatError("SignedData has no signer");
  const certificates = certificatesOf(sd);
  const signerCertificate = findSignerCertificate(sd, si);
  const digestAlgorithm = DIGEST_BY_OID[si.digestAlgorithm.algorithmId];
  const signatureValue = new Uint8Array(si.signature.valueBlock.valueHexView);
  const signatureAlgorithm = digestAlgorithm ? signatureAlgorithmOf(si, digestAlgorithm) : undefined;
  const hasSignedAttributes = (si.signedAttrs?.attributes.length ?? 0) > 0;
  const crls: Uint8Array[] = [];
  const ocspResponses: Uint8Array[] = [];
  for (const c of sd.crls ?? []) if (c instanceof pkijs.CertificateRevocationList) crls.push(derOf(c));
  const embedded = embeddedRevocation.get(sd);
  if (embedded) {
    ocspResponses.push(...embedded.ocspResponses);
    if (embedded.unreadable > 0) problems.push(`${embedded.unreadable} CRL(s) in the CMS could not be read and were ignored`);
  }
  const digestOf = async (h: DigestName) => {
    let d = digestCache.get(h);
    if (!d) {
      d = content instanceof Uint8Array ? new Uint8Array(await crypto.subtle.digest(h, content as Uint8Array<ArrayBuffer>)) : await content.digest(h);
      digestCache.set(h, d);
    }
    return d;
  };

  let contentTypeOk = true;
  let messageDigestOk: boolean | undefined;
  let signingTime: Date | undefined;
  let dataToVerify: Uint8Array;
  if (hasSignedAttributes) {
    const ct = attr(si, CMS_OID.contentType);
    const eType = sd.encapContentInfo.eContentType;
    const ctValue = ct[0]?.values[0] as asn1js.ObjectIdentifier | undefined;
    contentTypeOk = ct.length === 1 && ctValue instanceof asn1js.ObjectIdentifier && ctValue.valueBlock.toString() === eType;
    if (!contentTypeOk) problems.push("content-type attribute missing or not matching the encapsulated content type");
    const md = attr(si, CMS_OID.messageDigest);
    const mdValue = md[0]?.values[0];
    if (md.length !== 1 || !(mdValue instanceof asn1js.OctetString)) {
      messageDigestOk = false;
      problems.push("message-digest attribute missing");
    } else if (digestAlgorithm) {
      messageDigestOk = bytesEqual(new Uint8Array(mdValue.valueBlock.valueHexView), await digestOf(digestAlgorithm));
    }
    const st = attr(si, CMS_OID.signingTime);
    signingTime = timeOf(st[0]?.values[0]);
    for (const a of attr(si, CMS_OID.revocationInfoArchival)) {
      // RevocationInfoArchival ::= SEQUENCE { crl [0] EXPLICIT SEQUENCE OF CRLs, ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse, ... }
      try {
        for (const tagged of (a.values[0] as asn1js.Sequence).valueBlock.value) {
          const inner = (tagged as asn1js.Constructed).valueBlock.value[0] as asn1js.Sequence;
          const tag = tagged.idBlock.tagNumber;
          for (const item of inner.valueBlock.value) (tag === 0 ? crls : tag === 1 ? ocspResponses : []).push(new Uint8Array(item.toBER(false)));
        }
      } catch {
        problems.push("unreadable revocation-info-archival attribute");
      }
    }
    dataToVerify = derOrderedSet(new Uint8Array(si.signedAttrs!.encodedValue));
  } else {
    // No signed attributes: the signature is over the content itself.
    dataToVerify = content instanceof Uint8Array ? content : content.bytes();
    messageDigestOk = undefined;
  }
  const signingCertificate = await checkSigningCertificateAttr(si, signerCertificate, crypto);
  let signatureOk: boolean | undefined;
  if (signerCertificate && signatureAlgorithm) {
    try {
      signatureOk = await verifyWithCertificate(signerCertificate, signatureAlgorithm, dataToVerify, signatureValue, crypto);
    } catch (e) {
      problems.push(`signature could not be checked: ${(e as Error).message}`);
      signatureOk = false;
    }
  }
  if (!digestAlgorithm) problems.push(`unsupported digest algorithm ${si.digestAlgorithm.algorithmId}`);
  if (digestAlgorithm && !signatureAlgorithm) problems.push(`unsupported signature algorithm ${si.signatureAlgorithm.algorithmId}`);
  const timestampTokens = attr(si, CMS_OID.signatureTimeStampToken, true).flatMap((a) => a.values.map((v) => new Uint8Array(v.toBER(false))));
  return {
    signerInfo: si,
    signerCertificate,
    certificates,
    digestAlgorithm,
    signatureAlgorithm,
    hasSignedAttributes,
    contentTypeOk,
    messageDigestOk,
    signatureOk,
    signingCertificate,
    signingTime,
    signatureValue,
    timestampTokens,
    crls,
    ocspResponses,
    problems,
  };
}

export interface TimestampCheck {
  genTime?: Date;
  imprintOk: boolean;
  signature: SignerInfoCheck;
  /** The token's TSA certificate, to be path-validated by the caller. */
  tsaCertificate?: pkijs.Certificate;
  problems: string[];
}

/** An RFC 3161 token over `imprintedData` (the signature value for a signature timestamp, the byte range for a document timestamp). */
export async function verifyTimestampToken(
  token: Uint8Array,
  imprintedData: Uint8Array | SignedContent,
  crypto: Crypto = globalThis.crypto,
): Promise<TimestampCheck> {
  const sd = parseSignedData(token);
  const problems: string[] = [];
  if (sd.encapContentInfo.eContentType !== CMS_OID.tstInfo) throw new CmsFormatError("timestamp token does not carry TSTInfo");
  const eContent = sd.encapContentInfo.eContent;
  if (!eContent) throw new CmsFormatError("timestamp token without content");
  // The eContent may be constructed (chunked) in BER: join its pieces.
  const content = eContent.idBlock.isConstructed
    ? concat(eContent.valueBlock.value.map((v) => new Uint8Array((v as asn1js.OctetString).valueBlock.valueHexView)))
    : new Uint8Array(eContent.valueBlock.valueHexView);
  const asn = asn1js.fromBER(toArrayBuffer(content));
  if (asn.offset === -1) throw new CmsFormatError("unreadable TSTInfo");
  const tst = new pkijs.TSTInfo({ schema: asn.result });
  const signature = await verifySignerInfo(sd, content, crypto);
  const h = DIGEST_BY_OID[tst.messageImprint.hashAlgorithm.algorithmId];
  let imprintOk = false;
  if (h) {
    const d = imprintedData instanceof Uint8Array ? new Uint8Array(await crypto.subtle.digest(h, toArrayBuffer(imprintedData))) : await imprintedData.digest(h);
    imprintOk = bytesEqual(d, new Uint8Array(tst.messageImprint.hashedMessage.valueBlock.valueHexView));
  } else problems.push("unsupported timestamp imprint algorithm");
  return { genTime: tst.genTime, imprintOk, signature, tsaCertificate: signature.signerCertificate, problems };
}

export function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
