import { derOf, verifyTimestampToken } from "../../pki/cms-verify.ts";
import { findCertificationPath } from "../../pki/path.ts";
import { certificateOf, x509 } from "../../pki/x509.ts";
import { isoVietnam } from "../../time/index.ts";
import { displayName, poolWith, toX509 } from "./signer.ts";
import type { Stage } from "./state.ts";

const TIMESTAMP_EKU = "1.3.6.1.5.5.7.3.8";

/** A signature time-stamp (PAdES B-T): when trusted, a proof that the signature existed at genTime. */
export const signatureTimestamp: Stage = async (s) => {
  const { report, ctx, check } = s;
  const token = check!.timestampTokens[0];
  if (!token) return [];
  try {
    const ts = await verifyTimestampToken(token, check!.signatureValue, ctx.crypto);
    const problems = [...ts.problems];
    if (!ts.imprintOk) problems.push("imprint does not match the signature value");
    if (ts.signature.signatureOk !== true || ts.signature.messageDigestOk === false) problems.push("the timestamp's own signature does not verify");
    let trusted = false;
    let tsaName: string | undefined;
    if (ts.tsaCertificate && ts.genTime) {
      const tsa = certificateOf(derOf(ts.tsaCertificate));
      tsaName = displayName(tsa);
      const tsPool = await poolWith(
        s,
        tsa,
        ts.signature.certificates.map((x) => toX509(derOf(x))).filter((x): x is x509.X509Certificate => !!x),
      );
      const path = await findCertificationPath(tsa, tsPool, ctx.options.trustAnchors, ts.genTime, ctx.crypto);
      const eku = tsa.getExtension(x509.ExtendedKeyUsageExtension);
      if (!path) problems.push("the timestamp authority is not trusted");
      else if (path.problems.length > 0) problems.push(`the timestamp authority's path is not valid: ${path.problems.map((p) => p.detail).join("; ")}`);
      if (eku && !eku.usages.includes(TIMESTAMP_EKU as x509.ExtendedKeyUsageType)) problems.push("the TSA certificate is not for timestamping");
      trusted = problems.length === 0;
    } else problems.push("no TSA certificate or time in the token");
    report.timestamp = { genTime: ts.genTime ? isoVietnam(ts.genTime) : "", trusted, tsa: tsaName, problems };
    if (trusted) s.poe = ts.genTime;
  } catch (e) {
    report.timestamp = { genTime: "", trusted: false, problems: [`unreadable timestamp token: ${(e as Error).message}`] };
  }
  return [];
};
