import { X509Certificate } from "node:crypto";
import { DOMParser } from "@xmldom/xmldom";
import { SignedXml } from "xml-crypto";

/**
 * The XML Signature over an edXML package (QCVN 102:2016 signs the package; the standard's own
 * text was not available, so the choices follow XML-DSig 1.1 as the public implementations use
 * it): one enveloped signature whose single Reference has URI="" — the whole document, envelope
 * and attachments — with the enveloped-signature and exclusive C14N transforms, SHA-256 and
 * RSA-SHA256, the signer's certificate in KeyInfo, placed as the last child of edXMLHeader.
 * xml-crypto does the canonicalisation and the cryptography; here is only the edXML profile
 * (where the signature goes, and that a verified signature covers the whole package).
 */
const DSIG = "http://www.w3.org/2000/09/xmldsig#";
const EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

export interface EdxmlSigningKey {
  /** PKCS#8 PEM of the QLVB system's key. */
  privateKeyPem: string;
  /** The system's certificate, PEM. */
  certificatePem: string;
}

export function signEdxml(xml: string, key: EdxmlSigningKey): string {
  if (/<(?:\w+:)?Signature\b[^>]*xmlns(?::\w+)?="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#"/.test(xml)) throw new Error("edXML package is already signed");
  const sig = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: key.certificatePem,
    signatureAlgorithm: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    canonicalizationAlgorithm: EXC_C14N,
  });
  sig.addReference({ xpath: "/*", transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: "http://www.w3.org/2001/04/xmlenc#sha256", isEmptyUri: true });
  sig.computeSignature(xml, { location: { reference: "//*[local-name(.)='edXMLHeader']", action: "append" } });
  return sig.getSignedXml();
}

export type EdxmlSignatureCheck =
  | { signed: false }
  | { signed: true; valid: true; signer: string; certificatePem: string }
  | { signed: true; valid: false; reason: string; reasonVi: string };

/**
 * Checks the package's XML Signature, if it has one: exactly one signature, whose one reference
 * is the whole document (URI=""), cryptographically valid with the certificate it carries.
 * Whether that certificate belongs to a trusted QLVB system is the caller's judgement.
 */
export function verifyEdxmlSignature(xml: string): EdxmlSignatureCheck {
  const doc = new DOMParser().parseFromString(xml, "text/xml");
  const sigs = Array.from(doc.getElementsByTagNameNS(DSIG, "Signature"));
  if (sigs.length === 0) return { signed: false };
  const fail = (reason: string, reasonVi: string): EdxmlSignatureCheck => ({ signed: true, valid: false, reason, reasonVi });
  if (sigs.length > 1) return fail("more than one XML Signature", "gói có nhiều hơn một chữ ký XML");
  const parent = sigs[0]!.parentNode as { localName?: string } | null;
  if (parent?.localName !== "edXMLHeader") return fail("the XML Signature is not in edXMLHeader", "chữ ký XML không nằm trong edXMLHeader");
  const sig = new SignedXml({ getCertFromKeyInfo: SignedXml.getCertFromKeyInfo });
  sig.loadSignature(sigs[0]! as unknown as Node);
  const refs = sig.getReferences();
  if (refs.length !== 1 || (refs[0]!.uri ?? "") !== "")
    return fail("the XML Signature does not cover the whole package (Reference URI must be empty)", "chữ ký XML không bao trùm toàn bộ gói");
  let ok = false;
  try {
    ok = sig.checkSignature(xml);
  } catch (e) {
    return fail(`XML Signature check failed: ${(e as Error).message}`, "chữ ký XML không đúng: gói đã bị thay đổi sau khi ký");
  }
  if (!ok) return fail("XML Signature check failed", "chữ ký XML không đúng: gói đã bị thay đổi sau khi ký");
  const b64 = (sigs[0]!.getElementsByTagNameNS(DSIG, "X509Certificate")[0]?.textContent ?? "").replace(/\s+/g, "");
  const pem = `-----BEGIN CERTIFICATE-----\n${(b64.match(/.{1,64}/g) ?? []).join("\n")}\n-----END CERTIFICATE-----\n`;
  let signer = "";
  try {
    signer = new X509Certificate(pem).subject.replace(/\n/g, ", ");
  } catch {
    return fail("the XML Signature carries no readable certificate", "chữ ký XML không kèm chứng thư đọc được");
  }
  return { signed: true, valid: true, signer, certificatePem: pem };
}
