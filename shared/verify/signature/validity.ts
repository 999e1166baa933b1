import type { Finding } from "../report.ts";
import { finding, type Stage } from "./state.ts";

/** The signer's certificate at the judged time, and now (expiry without a proof of existence is decided after revocation). */
export const validity: Stage = (s) => {
  const leaf = s.leaf!;
  const T = s.judgedAt!;
  const out: Finding[] = [];
  if (T < leaf.notBefore)
    out.push(
      finding(
        s.poe ? "TOTAL_FAILED" : "INDETERMINATE",
        "NOT_YET_VALID",
        "NOT_YET_VALID",
        `the certificate is valid from ${leaf.notBefore.toISOString()}, signing time ${T.toISOString()}`,
      ),
    );
  else if (T > leaf.notAfter) {
    if (s.poe) out.push(finding("TOTAL_FAILED", "EXPIRED", "EXPIRED", `the certificate expired ${leaf.notAfter.toISOString()}, before the timestamp`));
    else {
      s.leafOutOfBoundsNow = true;
      s.expiredAtClaimedTime = true;
    }
  } else if (!s.poe && s.ctx.now > leaf.notAfter) s.leafOutOfBoundsNow = true;
  return out;
};
