import { isoVietnam, looksLikeLocalTimeAsUtc, parsePdfDate } from "../../time/index.ts";
import type { Finding } from "../report.ts";
import { finding, note, type Stage } from "./state.ts";

/**
 * The time the certificate is judged at: proven (a trusted time-stamp), else claimed (/M,
 * else the CMS signingTime), else now. Some Vietnamese signing tools write the local time
 * into signingTime tagged as UTC (7 hours ahead): recognised and noted, never "corrected"
 * into the time-stamp, and not called a contradiction.
 */
export const signingTime: Stage = (s) => {
  const { report, sig, ctx, check } = s;
  const out: Finding[] = [];
  const claimedM = parsePdfDate(sig.m);
  const cmsTime = check!.signingTime;
  const claimed = claimedM ?? cmsTime;
  if (claimed) report.claimedSigningTime = isoVietnam(claimed);
  const tsTime = s.poe;
  if (cmsTime && ((tsTime && looksLikeLocalTimeAsUtc(cmsTime, tsTime)) || (!tsTime && claimedM && looksLikeLocalTimeAsUtc(cmsTime, claimedM)))) {
    out.push(
      note(
        "SIGNING_TIME_LOCAL_AS_UTC",
        `the CMS signingTime ${cmsTime.toISOString()} is the Vietnam local time written as UTC (7 hours ahead of ${tsTime ? "the time-stamp" : "/M"}); a known quirk of some signing tools, not a contradiction`,
      ),
    );
  }
  if (tsTime) {
    s.judgedAt = tsTime;
    report.signingTimeSource = "timestamp";
  } else if (claimed) {
    s.judgedAt = claimed;
    report.signingTimeSource = claimedM ? "claimed-M" : "claimed-signingTime";
  } else {
    s.judgedAt = ctx.now;
    report.signingTimeSource = "validation-time";
  }
  report.signingTime = isoVietnam(s.judgedAt);
  if (report.weakAlgorithms.some((w) => w.startsWith("SHA-1")) && sig.kind === "signature") {
    out.push(finding("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE", "WEAK_DIGEST", "SHA-1 is no longer acceptable for signatures"));
  }
  return out;
};
