import { findCertificationPath, weakSignatureAlgorithm } from "../../pki/path.ts";
import { fetchIssuers } from "../../pki/aia.ts";
import { knownGovernmentCa, hex } from "../../trust/index.ts";
import { isoVietnam } from "../../time/index.ts";
import type { x509 } from "../../pki/x509.ts";
import type { Finding } from "../report.ts";
import { finding, note, type Stage } from "./state.ts";
import { poolWith } from "./signer.ts";

/**
 * Weak signature algorithms on the certificates of a path (the anchor's own self-signature
 * aside): on a bundled government CA certificate (the G1 generation, SHA-1) a note — the
 * policy accepts it as a known government root — on any other, a listed weakness.
 */
export function pathAlgorithms(certs: x509.X509Certificate[]): { notes: Finding[]; weak: string[] } {
  const notes: Finding[] = [];
  const weak: string[] = [];
  for (let i = 0; i < certs.length - 1; i++) {
    const alg = weakSignatureAlgorithm(certs[i]!);
    if (!alg) continue;
    const gov = knownGovernmentCa(certs[i]!);
    if (gov)
      notes.push(note("GOVERNMENT_CA_SHA1", `${alg} on the ${gov.generation} government CA certificate "${gov.name}": accepted, a known government root`));
    else weak.push(`${alg} (${certs[i]!.subject})`);
  }
  return { notes, weak };
}

/**
 * The certification path from the signer to a trust anchor at the judged time: from the
 * CMS, the DSS, the caller's cache and the bundled government sub-CAs; online, also from the
 * certificates' caIssuers URLs (AIA). SHA-1 signatures on the G1 government CA certificates
 * are accepted (a known government root) and noted; other weak ones are listed.
 */
// Fingerprints once per certificate object (the same CAs recur in every signature).
const fingerprints = new WeakMap<object, string>();
async function fingerprint(cert: { rawData: ArrayBuffer }, crypto: Crypto): Promise<string> {
  let f = fingerprints.get(cert);
  if (f === undefined) fingerprints.set(cert, (f = hex(await crypto.subtle.digest("SHA-256", cert.rawData))));
  return f;
}

export const chain: Stage = async (s) => {
  const { report, ctx } = s;
  const leaf = s.leaf!;
  const T = s.judgedAt!;
  const out: Finding[] = [];
  let path = await findCertificationPath(leaf, s.pool, ctx.options.trustAnchors, T, ctx.crypto);
  if (!path && ctx.options.fetch) {
    const fetched = await fetchIssuers(leaf, ctx.options.fetch);
    if (fetched.certificates.length > 0)
      path = await findCertificationPath(leaf, await poolWith(s, leaf, fetched.certificates), ctx.options.trustAnchors, T, ctx.crypto);
    for (const n of fetched.notes) out.push(note("AIA_NOTE", n));
  }
  s.path = path;
  if (path && path.problems.every((p) => p.index === 0) && ctx.options.onIntermediate) {
    for (const c of path.certificates.slice(1, -1)) ctx.options.onIntermediate(c);
  }
  if (!path) {
    out.push(finding("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND", "NO_CHAIN", "no certification path to a trust anchor"));
    return out;
  }
  const certs = path.certificates;
  for (const cert of certs)
    report.chain.push({
      subject: cert.subject,
      issuer: cert.issuer,
      notAfter: isoVietnam(cert.notAfter),
      sha256: await fingerprint(cert, ctx.crypto),
    });
  const algorithms = pathAlgorithms(certs);
  out.push(...algorithms.notes);
  report.weakAlgorithms.push(...algorithms.weak);
  for (const p of path.problems) {
    if (p.index === 0 && (p.code === "EXPIRED" || p.code === "NOT_YET_VALID")) continue; // judged by the validity stage
    if (p.code === "EXPIRED" || p.code === "NOT_YET_VALID")
      out.push(finding("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE", `CA_${p.code}`, `${p.subject}: ${p.detail}`));
    else out.push(finding("INDETERMINATE", "CHAIN_CONSTRAINTS_FAILURE", p.code, `${p.subject}: ${p.detail}`));
  }
  return out;
};
