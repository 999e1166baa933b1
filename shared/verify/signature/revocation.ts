import { checkRevocation, type RevocationStatus } from "../../pki/revocation.ts";
import type { x509 } from "../../pki/x509.ts";
import { isoVietnam } from "../../time/index.ts";
import type { Finding, RevocationReport, SubIndication } from "../report.ts";
import { finding, type Stage } from "./state.ts";

function revocationReport(cert: x509.X509Certificate, r: RevocationStatus): RevocationReport {
  return {
    certificate: cert.subject,
    status: r.status,
    source: r.source,
    url: r.url,
    thisUpdate: r.thisUpdate ? isoVietnam(r.thisUpdate) : undefined,
    nextUpdate: r.nextUpdate ? isoVietnam(r.nextUpdate) : undefined,
    fresh: r.fresh,
    revocationDate: r.revocationDate ? isoVietnam(r.revocationDate) : undefined,
    reason: r.reason,
    notes: r.notes,
  };
}

/** Revocation of every certificate of the path but the anchor; then an expired signer's certificate without proof of existence. */
export const revocation: Stage = async (s) => {
  const { ctx, report, check } = s;
  const T = s.judgedAt!;
  const out: Finding[] = [];
  const requireRevocation = ctx.options.requireRevocation !== false;
  if (s.path) {
    const certs = s.path.certificates;
    for (let i = 0; i < certs.length - 1; i++) {
      const cert = certs[i]!;
      // Freshness is judged against a proven time only: a claimed time could be backdated to
      // make an old CRL look recent enough, so without a timestamp the data must be current.
      const r = await checkRevocation(cert, certs[i + 1]!, s.poe ?? ctx.now, {
        given: ctx.options.crls ?? [],
        embeddedCrls: [...check!.crls, ...ctx.dss.crls],
        embeddedOcsp: [...check!.ocspResponses, ...ctx.dss.ocsps],
        cache: ctx.options.crlCache,
        fetch: ctx.options.fetch,
        now: ctx.now,
        crypto: ctx.crypto,
      });
      report.revocation.push(revocationReport(cert, r));
      if (i === 0) s.leafStatus = r;
      const who = i === 0 ? "the signer's certificate" : `CA certificate ${cert.subject}`;
      if (r.status === "revoked") {
        const at = r.revocationDate ?? new Date(0);
        if (at <= T) out.push(finding("TOTAL_FAILED", "REVOKED", "REVOKED", `${who} was revoked on ${at.toISOString()}, before the signing time`));
        else if (!s.poe)
          out.push(
            finding(
              "INDETERMINATE",
              i === 0 ? "REVOKED_NO_POE" : "REVOKED_CA_NO_POE",
              "REVOKED_LATER",
              `${who} was revoked on ${at.toISOString()}, after the claimed signing time, with no proof of that time`,
            ),
          );
      } else if (r.status === "unknown") {
        if (requireRevocation)
          out.push(
            finding("INDETERMINATE", "TRY_LATER", "NO_REVOCATION_DATA", `no revocation data for ${who}${r.notes.length ? ` (${r.notes.join("; ")})` : ""}`),
          );
      } else if (!r.fresh && requireRevocation) {
        out.push(
          finding(
            "INDETERMINATE",
            "TRY_LATER",
            "STALE_REVOCATION_DATA",
            `the revocation data for ${who} is out of date (next update ${r.nextUpdate?.toISOString() ?? "?"})`,
          ),
        );
      }
    }
  }
  if (s.leafOutOfBoundsNow) {
    // A CRL that no longer lists an expired certificate proves nothing about a time after its expiry.
    const sub: SubIndication = s.leafStatus?.status === "good" && !s.expiredAtClaimedTime ? "OUT_OF_BOUNDS_NOT_REVOKED" : "OUT_OF_BOUNDS_NO_POE";
    out.push(
      finding(
        "INDETERMINATE",
        sub,
        "OUT_OF_BOUNDS",
        `the certificate expired ${s.leaf!.notAfter.toISOString()} and no timestamp proves the signature existed before`,
      ),
    );
  }
  return out;
};
