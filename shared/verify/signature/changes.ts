import { PdfSyntaxError } from "../pdf/parser.ts";
import { analyseUpdate, LEVEL_ORDER, type ModificationLevel, type UpdateAnalysis } from "../diff/index.ts";
import type { SignatureField } from "../pdf/signatures.ts";
import type { ModifiedAfter } from "../report.ts";
import type { FileContext } from "../context.ts";

/** Difference analysis of revision `from` → `from + 1`, once per file. */
export function updateAnalysis(ctx: FileContext, from: number): UpdateAnalysis {
  let u = ctx.updates.get(from);
  if (!u) {
    try {
      u = analyseUpdate(ctx.file.view(from), ctx.file.view(from + 1));
    } catch (e) {
      if (!(e instanceof PdfSyntaxError)) throw e;
      u = {
        fromRevision: from,
        toRevision: from + 1,
        level: "OTHER",
        cleared: [],
        disallowed: [{ rule: "reader", what: `the update could not be read: ${e.message}` }],
      };
    }
    ctx.updates.set(from, u);
  }
  return u;
}

/** The most a certification signature's DocMDP /P lets later updates do (ISO 32000-1 §12.8.2.2, table 254). */
const DOCMDP_MAX: Record<number, ModificationLevel> = { 1: "LTA_UPDATES", 2: "FORM_FILLING", 3: "ANNOTATIONS" };

/** Every update after the signed revision, judged: what was allowed and what was not (English). */
export function modificationsAfter(ctx: FileContext, sig: SignatureField): { modifiedAfter: ModifiedAfter; allowed: string[]; disallowed: string[] } {
  const allowed: string[] = [];
  const disallowed: string[] = [];
  const k = sig.signedRevision!.index;
  const revs = ctx.file.revisions;
  for (let i = k; i < revs.length - 1; i++) {
    const u = updateAnalysis(ctx, i);
    const certs = ctx.certification.filter((c) => c.revision <= i);
    for (const c of u.cleared) if (c.level !== "NONE") allowed.push(`revision ${i + 1}: ${c.what}`);
    // Form filling is allowed only where a certification signature before it permits it.
    if (u.cleared.some((c) => c.rule === "form-fill") && !certs.some((c) => c.p >= 2)) {
      disallowed.push(`revision ${i + 1}: form field values changed, and no certification signature permits form filling`);
    }
    // Annotations (comments) are allowed only where a certification signature with P=3 permits them.
    if (u.cleared.some((c) => c.level === "ANNOTATIONS") && !certs.some((c) => c.p >= 3)) {
      disallowed.push(`revision ${i + 1}: annotations added or changed, and no certification signature permits them`);
    }
    for (const d of u.disallowed) disallowed.push(`revision ${i + 1}: ${d.what}`);
    for (const cert of certs) {
      if (LEVEL_ORDER.indexOf(u.level) > LEVEL_ORDER.indexOf(DOCMDP_MAX[cert.p]!) && u.level !== "OTHER") {
        disallowed.push(`revision ${i + 1}: DocMDP P=${cert.p} of the certification signature forbids this change`);
      }
    }
  }
  if (ctx.file.trailingObjects)
    disallowed.push(
      `${ctx.file.trailingBytes} bytes after the last revision are not part of any revision and define objects (a reader that repairs the file would show them)`,
    );
  const modifiedAfter: ModifiedAfter = disallowed.length > 0 ? "disallowed" : k < revs.length - 1 ? "allowed" : "none";
  return { modifiedAfter, allowed: [...new Set(allowed)], disallowed: [...new Set(disallowed)] };
}
