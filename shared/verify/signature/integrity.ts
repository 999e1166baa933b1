import type * as asn1js from "asn1js";
import { CmsFormatError, concat, parseSignedData, verifySignerInfo, verifyTimestampToken, type SignerInfoCheck } from "../../pki/cms-verify.ts";
import { bytesEqual } from "../pdf/objects.ts";
import type { Finding } from "../report.ts";
import { finding, note, type SignatureState, type Stage } from "./state.ts";

/** The bytes of an OCTET STRING, joined when BER wrote it in pieces (constructed). */
function octets(e: asn1js.OctetString): Uint8Array {
  if (!e.idBlock.isConstructed) return new Uint8Array(e.valueBlock.valueHexView);
  return concat(e.valueBlock.value.map((v) => new Uint8Array((v as asn1js.OctetString).valueBlock.valueHexView)));
}

/** The CMS of a signature (or the token of a document time-stamp) against the signed bytes. */
async function checkCms(s: SignatureState, out: Finding[]): Promise<SignerInfoCheck> {
  const { sig, report, ctx } = s;
  const cms = sig.contents!;
  const signed = s.signed!;
  if (sig.kind === "document-timestamp") {
    const ts = await verifyTimestampToken(cms, signed, ctx.crypto);
    if (!ts.imprintOk)
      out.push(finding("TOTAL_FAILED", "HASH_FAILURE", "TIMESTAMP_IMPRINT", "the document timestamp's imprint does not match the signed bytes"));
    s.poe = ts.genTime;
    report.signingTimeSource = "timestamp";
    return ts.signature;
  }
  const sd = parseSignedData(cms);
  if (sig.subFilter === "adbe.pkcs7.sha1") {
    // The old Adobe form: the CMS encapsulates the SHA-1 of the signed bytes as its content.
    const e = sd.encapContentInfo.eContent;
    const inner = e ? octets(e) : new Uint8Array();
    const sha1 = await signed.digest("SHA-1");
    if (!bytesEqual(inner, sha1)) out.push(finding("TOTAL_FAILED", "HASH_FAILURE", "SHA1_CONTENT", "the encapsulated SHA-1 does not match the signed bytes"));
    report.weakAlgorithms.push("SHA-1 (adbe.pkcs7.sha1)");
    return verifySignerInfo(sd, inner, ctx.crypto);
  }
  if (sd.encapContentInfo.eContent) out.push(finding("TOTAL_FAILED", "FORMAT_FAILURE", "NOT_DETACHED", "a detached signature carries encapsulated content"));
  return verifySignerInfo(sd, signed, ctx.crypto);
}

/** Integrity: the digest of the signed bytes and the signature value (FORMAT_FAILURE when the CMS cannot be read at all). */
export const integrity: Stage = async (s) => {
  const out: Finding[] = [];
  let check: SignerInfoCheck;
  try {
    check = await checkCms(s, out);
  } catch (e) {
    if (!(e instanceof CmsFormatError || e instanceof Error)) throw e;
    // A CMS that does not decode is a broken signature, whatever its algorithms would have been.
    out.push(finding("TOTAL_FAILED", "FORMAT_FAILURE", "CMS", `the signature value is not a readable CMS SignedData: ${e.message}`));
    s.stop = true;
    return out;
  }
  s.check = check;
  s.signerCert = check.signerCertificate;
  const { report, sig } = s;
  report.digestAlgorithm = check.digestAlgorithm;
  report.signatureAlgorithm = check.signatureAlgorithm?.name;
  for (const p of check.problems) out.push(note("CMS_NOTE", p));
  if (!check.digestAlgorithm || !check.signatureAlgorithm)
    out.push(finding("TOTAL_FAILED", "FORMAT_FAILURE", "ALGORITHM", "unsupported digest or signature algorithm"));
  if (check.messageDigestOk === false)
    out.push(finding("TOTAL_FAILED", "HASH_FAILURE", "MESSAGE_DIGEST", "the message-digest attribute does not match the signed bytes"));
  if (!check.signerCertificate) {
    out.push(finding("INDETERMINATE", "NO_SIGNING_CERTIFICATE_FOUND", "NO_SIGNER_CERT", "the signer's certificate is not in the signature"));
    s.stop = true;
    return out;
  }
  if (check.signatureOk === false)
    out.push(finding("TOTAL_FAILED", "SIG_CRYPTO_FAILURE", "SIGNATURE", "the signature value does not verify with the signer's public key"));
  if (check.hasSignedAttributes && !check.contentTypeOk)
    out.push(finding("INDETERMINATE", "SIG_CONSTRAINTS_FAILURE", "CONTENT_TYPE", "content-type attribute missing or wrong"));
  if (check.signingCertificate === "mismatch")
    out.push(finding("INDETERMINATE", "NO_SIGNING_CERTIFICATE_FOUND", "SIGNING_CERTIFICATE", "the signing-certificate attribute names another certificate"));
  if (check.signingCertificate === "absent" && sig.subFilter === "ETSI.CAdES.detached")
    out.push(finding("INDETERMINATE", "SIG_CONSTRAINTS_FAILURE", "SIGNING_CERTIFICATE_ABSENT", "a CAdES signature without signing-certificate(-v2)"));
  if (check.digestAlgorithm === "SHA-1") report.weakAlgorithms.push("SHA-1");
  if (check.signatureAlgorithm?.hash === "SHA-1" && check.digestAlgorithm !== "SHA-1") report.weakAlgorithms.push("SHA-1 (signature)");
  return out;
};
