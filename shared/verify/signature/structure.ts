import { derElementLength } from "../../pki/cms-verify.ts";
import { SignedRanges } from "../hash.ts";
import { modificationsAfter } from "./changes.ts";
import { finding, note, type Stage } from "./state.ts";

const SUPPORTED_SUBFILTERS = ["adbe.pkcs7.detached", "ETSI.CAdES.detached", "ETSI.RFC3161", "adbe.pkcs7.sha1"];

/** The signature's place in the file: /ByteRange and /Contents as the structure checks found them, and what changed after it. */
export const structure: Stage = (s) => {
  const { sig, report, ctx } = s;
  const out = sig.formatProblems.map((p) => finding("TOTAL_FAILED", "FORMAT_FAILURE", "BYTE_RANGE", p));
  if (sig.signedRevision) {
    const m = modificationsAfter(ctx, sig);
    report.modifiedAfter = m.modifiedAfter;
    report.changes = { allowed: m.allowed, disallowed: m.disallowed };
  } else report.modifiedAfter = "disallowed";
  if (sig.removed) {
    report.modifiedAfter = "disallowed";
    report.changes.disallowed.push("the signature was removed from the document by a later revision");
  }
  if (!sig.contents || !sig.byteRange) {
    s.stop = true;
    return out;
  }
  if (!sig.subFilter || !SUPPORTED_SUBFILTERS.includes(sig.subFilter)) {
    out.push(finding("TOTAL_FAILED", "FORMAT_FAILURE", "SUBFILTER", `unsupported /SubFilter ${sig.subFilter ?? "(none)"}`));
    s.stop = true;
    return out;
  }
  const derLen = derElementLength(sig.contents);
  if (derLen < 0 || derLen > sig.contents.length) {
    out.push(finding("TOTAL_FAILED", "FORMAT_FAILURE", "CMS_LENGTH", "/Contents does not hold a complete DER element"));
    s.stop = true;
    return out;
  }
  if (sig.contents.subarray(derLen).some((x) => x !== 0))
    out.push(note("CONTENTS_TRAILING_DATA", "non-zero bytes after the CMS in /Contents (not signed, ignored)"));
  sig.contents = sig.contents.subarray(0, derLen);
  const [a, b, c, d] = sig.byteRange;
  s.signed = new SignedRanges(
    ctx.file.source,
    [
      [a, b],
      [c, d],
    ],
    ctx.hash,
    ctx.prefixes,
  );
  return out;
};
