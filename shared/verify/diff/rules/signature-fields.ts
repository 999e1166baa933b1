import { PdfDict, PdfRef, changedKeys } from "../../pdf/objects.ts";
import { isSignatureDict, isVisibleAnnotation, rectOf, refsOf, type DiffRule } from "../context.ts";

/**
 * New signature fields (and document time-stamps): the field, its widget(s) and their
 * appearance streams, and the signature dictionary. A new signature's appearance is judged
 * like any other overlay: it may not lie over text of the signed page (the Sneaky Signature
 * Attack signs a white box and new words over the body). A new EMPTY signature field must be
 * invisible. An existing empty signature field may be signed (it gains /V and an appearance).
 */
export const signatureFieldRule: DiffRule = {
  name: "signature-fields",
  apply(ctx) {
    const candidates = new Map<number, PdfRef>();
    for (const f of ctx.newFields) candidates.set(f.num, f);
    for (const a of ctx.newAnnotations) if (ctx.newSignatureWidgets.has(a.ref.num)) candidates.set(a.ref.num, a.ref);
    for (const ref of candidates.values()) {
      let d = ctx.cur.dict(ref);
      // A widget listed on a page whose field (its /Parent) holds the value.
      const parentRef = d?.get("Parent");
      if (d && !d.has("FT") && parentRef instanceof PdfRef && !candidates.has(parentRef.num) && ctx.fresh(parentRef.num)) d = ctx.cur.dict(parentRef) ?? d;
      if (!ctx.fresh(ref.num)) {
        ctx.violate(this.name, `field ${ref.num} reuses an object of the signed revision`, ref.num);
        continue;
      }
      if (!d || d.name("FT") !== "Sig") {
        if (ctx.newFields.some((f) => f.num === ref.num)) ctx.violate(this.name, `a new form field that is not a signature field (object ${ref.num})`, ref.num);
        continue;
      }
      const v = d.get("V");
      const signed = v !== undefined && v !== null;
      if (signed && (!(v instanceof PdfRef) || !ctx.fresh(v.num) || !isSignatureDict(ctx.cur.dict(v)))) {
        ctx.violate(this.name, `new signature field ${ref.num} has a value that is not a new signature dictionary`, ref.num);
        continue;
      }
      ctx.clear(ref.num, this.name, signed ? "new signature field" : "new empty signature field", "FORM_FILLING");
      if (parentRef instanceof PdfRef && ctx.fresh(parentRef.num)) ctx.clear(parentRef.num, this.name, "new signature field", "FORM_FILLING");
      if (signed) ctx.clearFreshSubtree(v, this.name, "new signature dictionary", "FORM_FILLING");
      const own = ctx.cur.dict(ref)!;
      const widgets: PdfRef[] = own.name("Subtype") === "Widget" || own.has("Rect") ? [ref] : refsOf(ctx.cur, own.get("Kids"));
      for (const w of widgets) {
        const wd = ctx.cur.dict(w);
        if (!wd) continue;
        if (w.num !== ref.num) {
          if (!ctx.fresh(w.num)) {
            ctx.violate(this.name, `widget ${w.num} reuses an object of the signed revision`, w.num);
            continue;
          }
          ctx.clear(w.num, this.name, "new signature widget", "FORM_FILLING");
        }
        if (isVisibleAnnotation(ctx.cur, wd)) {
          if (!signed) {
            ctx.violate(this.name, `a new unsigned signature field draws on the page (object ${w.num})`, w.num);
            continue;
          }
          const page = ctx.pageOf(w);
          const rect = rectOf(ctx.cur, wd);
          if (page !== undefined && rect && ctx.coversSignedText(page, rect) && !ctx.sealsEarlierSignature(page, rect)) {
            ctx.violate(
              this.name,
              `the appearance of a new signature (object ${w.num}) lies over text of the signed page: a signature may not paint over signed content`,
              w.num,
            );
            continue;
          }
        }
        ctx.clearFreshSubtree(wd.get("AP"), this.name, "appearance of a new signature", "FORM_FILLING");
        ctx.clearFreshSubtree(wd.get("MK"), this.name, "appearance of a new signature", "FORM_FILLING");
      }
    }
    // Existing empty signature fields being signed.
    for (const n of ctx.modified) {
      const a = ctx.old.get(n);
      const b = ctx.cur.get(n);
      if (!(a instanceof PdfDict) || !(b instanceof PdfDict) || a.name("FT") !== "Sig") continue;
      const wasSigned = a.get("V") !== undefined && a.get("V") !== null;
      if (wasSigned) {
        ctx.violate(this.name, `a signed signature field was changed (object ${n})`, n);
        continue;
      }
      const keys = changedKeys(a, b);
      const v = b.get("V");
      if (
        keys.every((k) => k === "V" || k === "AP" || k === "AS" || k === "StructParent") &&
        v instanceof PdfRef &&
        ctx.fresh(v.num) &&
        isSignatureDict(ctx.cur.dict(v))
      ) {
        ctx.clear(n, this.name, "an empty signature field was signed", "FORM_FILLING");
        ctx.clearFreshSubtree(v, this.name, "new signature dictionary", "FORM_FILLING");
        ctx.clearFreshSubtree(b.get("AP"), this.name, "appearance of a new signature", "FORM_FILLING");
      }
    }
  },
};
