import { PdfRef, changedKeys, type PdfValue } from "../../pdf/objects.ts";
import { samePdfContent } from "../compare.ts";
import type { DiffContext, DiffRule } from "../context.ts";

/**
 * A page may change only by appending annotations to its /Annots: the widgets of new
 * signatures (level FORM_FILLING), other new annotations (level ANNOTATIONS, judged by the
 * annotations rule). Tools that rewrite the page to do so may re-print its other entries
 * (poppler re-prints /MediaBox reals, others write a direct value as an object): those are
 * compared by content, numbers as numbers.
 */
export const pageAnnotsRule: DiffRule = {
  name: "page-annots",
  apply(ctx) {
    for (const p of ctx.changedPages) {
      const keys = changedKeys(p.old, p.cur).filter((k) => k === "Annots" || !samePdfContent(ctx.old, p.old.get(k), ctx.cur, p.cur.get(k)));
      if (keys.length !== 1 || keys[0] !== "Annots") continue;
      const oa = p.old.get("Annots") === undefined ? [] : ctx.old.array(p.old.get("Annots"));
      const nb = ctx.cur.array(p.cur.get("Annots"));
      if (!oa || !nb) continue;
      const level = appendedLevel(ctx, oa, nb);
      if (!level) continue;
      ctx.clear(p.num, this.name, level === "FORM_FILLING" ? "signature widget added to a page's annotations" : "annotation added to a page", level);
      const ar = p.cur.get("Annots");
      if (ar instanceof PdfRef && ctx.fresh(ar.num)) ctx.clear(ar.num, this.name, "new annotations array", level);
    }
    // An indirect /Annots array rewritten in place.
    for (const n of ctx.modified) {
      const a = ctx.old.get(n);
      const b = ctx.cur.get(n);
      if (!Array.isArray(a) || !Array.isArray(b)) continue;
      const level = appendedLevel(ctx, a, b);
      if (level) ctx.clear(n, this.name, "annotation added to a page's annotations", level);
    }
  },
};

/** FORM_FILLING when only new signature widgets were appended, ANNOTATIONS when other annotations too, undefined when anything was removed or reordered away. */
function appendedLevel(ctx: DiffContext, a: PdfValue[], b: PdfValue[]): "FORM_FILLING" | "ANNOTATIONS" | undefined {
  const oldNums = a.filter((x): x is PdfRef => x instanceof PdfRef).map((r) => r.num);
  const newRefs = b.filter((x): x is PdfRef => x instanceof PdfRef);
  if (newRefs.length !== b.length || oldNums.length !== a.length) return undefined;
  const newNums = new Set(newRefs.map((r) => r.num));
  if (!oldNums.every((x) => newNums.has(x))) return undefined;
  const oldSet = new Set(oldNums);
  const added = newRefs.filter((r) => !oldSet.has(r.num));
  if (added.some((r) => !ctx.fresh(r.num))) return undefined;
  return added.every((r) => ctx.newSignatureWidgets.has(r.num)) ? "FORM_FILLING" : "ANNOTATIONS";
}
