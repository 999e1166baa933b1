import { PdfDict, PdfRef, PdfStream, changedKeys, collectRefs, pdfEquals } from "../../pdf/objects.ts";
import type { DiffContext, DiffRule } from "../context.ts";

const FILLABLE = new Set(["Tx", "Ch", "Btn"]);

function fieldType(ctx: DiffContext, d: PdfDict): string | undefined {
  return d.name("FT") ?? ctx.old.dict(d.get("Parent"))?.name("FT");
}

/** Object numbers of the appearance streams a widget's /AP names (all states). */
function appearanceStreams(ctx: DiffContext, d: PdfDict): number[] {
  const refs: PdfRef[] = [];
  const ap = ctx.old.dict(d.get("AP"));
  for (const v of ap?.map.values() ?? []) {
    if (v instanceof PdfRef && ctx.old.get(v.num) instanceof PdfStream) refs.push(v);
    else collectRefs(ctx.old.dict(v) ?? null, refs);
  }
  return refs.map((r) => r.num);
}

/**
 * Filling in an existing form field (text, choice, button): its value and appearance — a new
 * appearance object, or the existing appearance stream rewritten in place. Cleared at
 * FORM_FILLING; only a certification signature that permits form filling (DocMDP P=2 or 3)
 * makes it allowed (changes.ts), otherwise it is the shadow "replace" attack.
 */
export const formFillRule: DiffRule = {
  name: "form-fill",
  apply(ctx) {
    const modified = new Set(ctx.modified);
    for (const n of ctx.modified) {
      const a = ctx.old.get(n);
      const b = ctx.cur.get(n);
      if (!(a instanceof PdfDict) || !(b instanceof PdfDict)) continue;
      const ft = fieldType(ctx, a);
      if (!ft || !FILLABLE.has(ft)) continue;
      const keys = changedKeys(a, b);
      if (keys.length === 0 || !keys.every((k) => k === "V" || k === "AP" || k === "AS")) continue;
      if (b.name("FT") !== a.name("FT") || !pdfEquals(a.get("Rect"), b.get("Rect"))) continue;
      ctx.clear(n, this.name, `form field ${n} filled in`, "FORM_FILLING");
      ctx.clearFreshSubtree(b.get("AP"), this.name, `appearance of form field ${n}`, "FORM_FILLING");
      ctx.clearFreshSubtree(b.get("V"), this.name, `value of form field ${n}`, "FORM_FILLING");
    }
    // An existing appearance stream of a fillable widget rewritten in place (same object
    // number, new content): the widget still names it, at the same rectangle.
    for (const w of fillableWidgets(ctx)) {
      for (const s of appearanceStreams(ctx, w.old)) {
        if (!modified.has(s) || !(ctx.cur.get(s) instanceof PdfStream)) continue;
        if (!pdfEquals(w.old.get("Rect"), w.cur.get("Rect"))) continue;
        ctx.clear(s, this.name, `appearance of form field ${w.num} rewritten`, "FORM_FILLING");
        ctx.clearFreshSubtree((ctx.cur.get(s) as PdfStream).dict.get("Resources"), this.name, `appearance of form field ${w.num}`, "FORM_FILLING");
      }
    }
  },
};

/** Widgets of fillable fields as both revisions have them (the field dictionary or its kids). */
function fillableWidgets(ctx: DiffContext): { num: number; old: PdfDict; cur: PdfDict }[] {
  const out: { num: number; old: PdfDict; cur: PdfDict }[] = [];
  const seen = new Set<number>();
  const walk = (v: unknown, depth: number) => {
    if (!(v instanceof PdfRef) || seen.has(v.num) || depth > 16 || seen.size > 10_000) return;
    seen.add(v.num);
    const a = ctx.old.dict(v);
    const b = ctx.cur.dict(v);
    if (!a || !b) return;
    const kids = ctx.old.array(a.get("Kids"));
    if (kids) for (const k of kids) walk(k, depth + 1);
    const ft = fieldType(ctx, a);
    if (ft && FILLABLE.has(ft) && a.has("AP")) out.push({ num: v.num, old: a, cur: b });
  };
  for (const f of ctx.old.array(ctx.old.dict(ctx.old.catalog()?.get("AcroForm"))?.get("Fields")) ?? []) walk(f, 0);
  return out;
}
