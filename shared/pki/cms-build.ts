import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import type { DigestAlgorithmName, SignatureAlgorithmName } from "../sign/signer.ts";

/** Object identifiers used to build PAdES baseline CMS signatures. */
export const OID = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingCertificateV2: "1.2.840.113549.1.9.16.2.47",
  signatureTimeStampToken: "1.2.840.113549.1.9.16.2.14",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  mgf1: "1.2.840.113549.1.1.8",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  ecdsaWithSha512: "1.2.840.10045.4.3.4",
} as const;

export function digestOid(d: DigestAlgorithmName): string {
  return d === "SHA-256" ? OID.sha256 : d === "SHA-384" ? OID.sha384 : OID.sha512;
}

function toArrayBuffer(u: Uint8Array): ArrayBuffer {
  return u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
}

export async function digest(alg: DigestAlgorithmName, data: Uint8Array | Uint8Array[], crypto: Crypto = globalThis.crypto): Promise<Uint8Array> {
  if (Array.isArray(data)) {
    const total = data.reduce((n, d) => n + d.length, 0);
    const joined = new Uint8Array(total);
    let o = 0;
    for (const d of data) {
      joined.set(d, o);
      o += d.length;
    }
    data = joined;
  }
  return new Uint8Array(await crypto.subtle.digest(alg, data as BufferSource));
}

function certificateOf(der: Uint8Array): pkijs.Certificate {
  return pkijs.Certificate.fromBER(toArrayBuffer(der));
}

/**
 * signing-certificate-v2 (RFC 5035): binds the signature to the signer's certificate.
 * pkijs has no class for it, so it is encoded here with asn1js. The hash algorithm is
 * omitted when it is SHA-256 (its DEFAULT), as DER requires.
 */
function signingCertificateV2(certDer: Uint8Array, certHash: Uint8Array, alg: DigestAlgorithmName): asn1js.Sequence {
  const cert = certificateOf(certDer);
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })] }),
      cert.serialNumber,
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({
    value: [
      ...(alg === "SHA-256" ? [] : [new pkijs.AlgorithmIdentifier({ algorithmId: digestOid(alg) }).toSchema()]),
      new asn1js.OctetString({ valueHex: toArrayBuffer(certHash) }),
      issuerSerial,
    ],
  });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

export interface PreparedSignerInfo {
  /** DER of the signed attributes as a SET OF (tag 0x31): what the Signer signs. */
  signedAttributesDer: Uint8Array;
  signerInfo: pkijs.SignerInfo;
}

/**
 * Builds the signed attributes of a PAdES baseline B-B signature: content-type,
 * message-digest and signing-certificate-v2 — and no signing-time, which PAdES forbids
 * (the claimed time is the signature dictionary's /M).
 */
export async function prepareSignerInfo(options: {
  documentDigest: Uint8Array;
  certificate: Uint8Array;
  digestAlgorithm: DigestAlgorithmName;
  signatureAlgorithm: SignatureAlgorithmName;
  crypto?: Crypto;
}): Promise<PreparedSignerInfo> {
  const { documentDigest, certificate, digestAlgorithm } = options;
  const crypto = options.crypto ?? globalThis.crypto;
  const certHash = await digest(digestAlgorithm, certificate, crypto);
  const attributes = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: toArrayBuffer(documentDigest) })] }),
    new pkijs.Attribute({ type: OID.signingCertificateV2, values: [signingCertificateV2(certificate, certHash, digestAlgorithm)] }),
  ];
  // DER orders a SET OF by the encodings of its elements.
  const encoded = attributes.map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER(false)) }));
  encoded.sort((x, y) => compareBytes(x.der, y.der));
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: encoded.map((e) => e.a) });
  const tagged = new Uint8Array(signedAttrs.toSchema().toBER(false));
  const signedAttributesDer = tagged.slice();
  signedAttributesDer[0] = 0x31;
  const cert = certificateOf(certificate);
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: digestOid(digestAlgorithm), algorithmParams: new asn1js.Null() }),
    signatureAlgorithm: signatureAlgorithmIdentifier(options.signatureAlgorithm, digestAlgorithm),
    signedAttrs,
  });
  return { signedAttributesDer, signerInfo };
}

function signatureAlgorithmIdentifier(sig: SignatureAlgorithmName, d: DigestAlgorithmName): pkijs.AlgorithmIdentifier {
  if (sig === "RSASSA-PKCS1-v1_5") return new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() });
  if (sig === "ECDSA")
    return new pkijs.AlgorithmIdentifier({ algorithmId: d === "SHA-256" ? OID.ecdsaWithSha256 : d === "SHA-384" ? OID.ecdsaWithSha384 : OID.ecdsaWithSha512 });
  const hashAlg = new pkijs.AlgorithmIdentifier({ algorithmId: digestOid(d), algorithmParams: new asn1js.Null() });
  const params = new pkijs.RSASSAPSSParams({
    hashAlgorithm: hashAlg,
    maskGenAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.mgf1, algorithmParams: hashAlg.toSchema() }),
    saltLength: d === "SHA-256" ? 32 : d === "SHA-384" ? 48 : 64,
  });
  return new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsassaPss, algorithmParams: params.toSchema() });
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Wraps a signed SignerInfo into a detached CMS ContentInfo(SignedData), DER. */
export function assembleSignedData(options: {
  prepared: PreparedSignerInfo;
  signature: Uint8Array;
  certificates: Uint8Array[];
  digestAlgorithm: DigestAlgorithmName;
  /** RFC 3161 TimeStampToken (a ContentInfo, DER) over the signature value, for B-T. */
  timestampToken?: Uint8Array;
}): Uint8Array {
  const { signerInfo } = options.prepared;
  signerInfo.signature = new asn1js.OctetString({ valueHex: toArrayBuffer(options.signature) });
  if (options.timestampToken) {
    const token = asn1js.fromBER(toArrayBuffer(options.timestampToken));
    signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
      type: 1,
      attributes: [new pkijs.Attribute({ type: OID.signatureTimeStampToken, values: [token.result] })],
    });
  }
  const seen = new Set<string>();
  const certs: pkijs.Certificate[] = [];
  for (const der of options.certificates) {
    const key = Array.from(der.subarray(0, 64)).join(",") + der.length;
    if (seen.has(key)) continue;
    seen.add(key);
    certs.push(certificateOf(der));
  }
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: digestOid(options.digestAlgorithm), algorithmParams: new asn1js.Null() })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: certs,
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}
