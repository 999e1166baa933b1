import type { SignatureField } from "../pdf/signatures.ts";
import type { SignatureReport } from "../report.ts";
import { renderSignatureVi } from "../render-vi.ts";
import type { FileContext } from "../context.ts";
import { structure } from "./structure.ts";
import { integrity } from "./integrity.ts";
import { signer } from "./signer.ts";
import { signatureTimestamp } from "./timestamp.ts";
import { signingTime } from "./signing-time.ts";
import { chain } from "./chain.ts";
import { validity } from "./validity.ts";
import { revocation } from "./revocation.ts";
import { modificationsAfter } from "./changes.ts";
import { newReport, pickIndication, type SignatureState, type Stage } from "./state.ts";

/**
 * One signature's verification, stage by stage (ETSI EN 319 102-1's building blocks):
 * format and changes after → integrity → signer → time-stamp → signing time → path →
 * validity → revocation. Each stage returns findings; the indication is the worst of them.
 */
export const STAGES: readonly Stage[] = [structure, integrity, signer, signatureTimestamp, signingTime, chain, validity, revocation];

function finish(s: SignatureState): SignatureReport {
  Object.assign(s.report, pickIndication(s.report.findings));
  s.report.message = renderSignatureVi(s.report);
  return s.report;
}

export async function verifySignature(ctx: FileContext, sig: SignatureField, stages: readonly Stage[] = STAGES): Promise<SignatureReport> {
  const s: SignatureState = { ctx, sig, report: newReport(sig), pool: [] };
  for (const stage of stages) {
    s.report.findings.push(...(await stage(s)));
    if (s.stop) break;
  }
  return finish(s);
}

/** A signature whose data the libraries could not read (a malformed certificate extension, say): it fails, the rest of the file does not. */
export function unreadableSignature(ctx: FileContext, sig: SignatureField, e: unknown): SignatureReport {
  const report = newReport(sig);
  report.modifiedAfter = "disallowed";
  try {
    if (sig.signedRevision) {
      const m = modificationsAfter(ctx, sig);
      report.modifiedAfter = sig.removed ? "disallowed" : m.modifiedAfter;
      report.changes = { allowed: m.allowed, disallowed: m.disallowed };
    }
  } catch {
    // keep "disallowed": the changes could not be judged
  }
  report.findings.push({
    code: "UNREADABLE",
    indication: "TOTAL_FAILED",
    subIndication: "FORMAT_FAILURE",
    detail: `signature data could not be read: ${(e as Error)?.message ?? String(e)}`,
  });
  return finish({ ctx, sig, report, pool: [] });
}
