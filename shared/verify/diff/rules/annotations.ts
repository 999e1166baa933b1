import { isVisibleAnnotation, rectOf, type DiffRule } from "../context.ts";

// Interactive annotations that act rather than comment are not part of "annotations" in the
// DocMDP sense here: a new link or widget that is not a signature falls through to disallowed.
const NOT_COMMENTS = new Set(["Widget", "Link", "Movie", "Screen", "Sound", "RichMedia", "3D"]);

/**
 * New comment annotations (sticky notes, highlights, stamps, …): level ANNOTATIONS, which
 * only a certification signature with DocMDP P=3 permits (ISO 32000-1 §12.8.2.2). One that
 * lies over text of the signed page is refused in every case: it could hide or change what
 * was signed, on any page.
 */
export const annotationsRule: DiffRule = {
  name: "annotations",
  apply(ctx) {
    for (const a of ctx.newAnnotations) {
      if (ctx.newSignatureWidgets.has(a.ref.num)) continue;
      const d = ctx.cur.dict(a.ref);
      const subtype = d?.name("Subtype");
      if (!d || !subtype || NOT_COMMENTS.has(subtype) || !ctx.fresh(a.ref.num)) continue;
      const rect = rectOf(ctx.cur, d);
      if (isVisibleAnnotation(ctx.cur, d) && subtype !== "Popup" && rect && ctx.coversSignedText(a.page, rect)) {
        ctx.violate(this.name, `a new /${subtype} annotation (object ${a.ref.num}) lies over text of the signed page ${a.page}`, a.ref.num);
        continue;
      }
      ctx.clear(a.ref.num, this.name, `/${subtype} annotation added`, "ANNOTATIONS");
      ctx.clearFreshSubtree(d.get("AP"), this.name, `appearance of a /${subtype} annotation`, "ANNOTATIONS");
      ctx.clearFreshSubtree(d.get("Popup"), this.name, `pop-up of a /${subtype} annotation`, "ANNOTATIONS");
      ctx.clearFreshSubtree(d.get("IRT"), this.name, `reply of a /${subtype} annotation`, "ANNOTATIONS");
    }
  },
};
