import { PdfDict, PdfRef, changedKeys, pdfEquals } from "../../pdf/objects.ts";
import { refsOf, type DiffContext, type DiffRule } from "../context.ts";

// /DA may be added (signing tools do when they create the form), never changed: a viewer that
// draws fields without appearances would draw the existing ones differently.
const ACROFORM_KEYS = new Set(["Fields", "SigFlags", "DR"]);

/** Whether the form dictionary only appended fields (none dropped), set SigFlags, added /DA or default resources. */
export function acroFormChangeAllowed(ctx: DiffContext, a: PdfDict | undefined, b: PdfDict | undefined): boolean {
  if (!b) return a === undefined;
  const keys = a ? changedKeys(a, b) : [...b.map.keys()];
  const daAdded = (k: string) => k === "DA" && (a === undefined || !a.has("DA"));
  if (keys.some((k) => !ACROFORM_KEYS.has(k) && !daAdded(k) && !(k === "NeedAppearances" && b.get(k) !== true))) return false;
  const oldFields = a ? refsOf(ctx.old, a.get("Fields")) : [];
  const newNums = new Set(refsOf(ctx.cur, b.get("Fields")).map((r) => r.num));
  if (!oldFields.every((r) => newNums.has(r.num))) return false;
  // Default resources may gain entries (fonts for a new appearance); existing ones stay.
  if (a && keys.includes("DR")) {
    const dra = ctx.old.dict(a.get("DR"));
    const drb = ctx.cur.dict(b.get("DR"));
    if (dra && !drb) return false;
    for (const [cat, v] of dra?.map ?? []) {
      const ca = ctx.old.dict(v);
      const cb = ctx.cur.dict(drb!.get(cat));
      if (!ca) continue;
      if (!cb) return false;
      for (const [name, res] of ca.map) if (!pdfEquals(res, cb.get(name))) return false;
    }
  }
  return true;
}

/** The form dictionary may append fields (never drop one), set SigFlags, add default resources. */
export const acroFormRule: DiffRule = {
  name: "acroform",
  apply(ctx) {
    const oldAf = ctx.old.catalog()?.get("AcroForm");
    const newAf = ctx.cur.catalog()?.get("AcroForm");
    const a = ctx.old.dict(oldAf);
    const b = ctx.cur.dict(newAf);
    if (a && !b) return ctx.violate(this.name, "the form dictionary was removed");
    if (!b) return;
    const modified = new Set(ctx.modified);
    const nums = [newAf, b.get("Fields")].filter((x): x is PdfRef => x instanceof PdfRef).map((r) => r.num);
    const touched = nums.filter((n) => modified.has(n));
    const directChange = !(newAf instanceof PdfRef) && (a === undefined || changedKeys(a, b).length > 0);
    if (touched.length === 0 && !directChange) return;
    if (!acroFormChangeAllowed(ctx, a, b)) {
      for (const n of touched) ctx.violate(this.name, "the form dictionary changed in a way that is not allowed", n);
      if (touched.length === 0) ctx.violate(this.name, "the form dictionary changed in a way that is not allowed");
      return;
    }
    for (const n of touched) ctx.clear(n, this.name, "form dictionary: fields appended", "FORM_FILLING");
    // Fresh objects of the default resources (fonts for new appearances).
    ctx.clearFreshSubtree(b.get("DR"), this.name, "form default resources", "FORM_FILLING");
  },
};
