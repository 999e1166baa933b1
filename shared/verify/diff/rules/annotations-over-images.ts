import { isVisibleAnnotation, rectOf, type DiffRule } from "../context.ts";

/**
 * A new annotation drawn over an image of the signed page is refused, whatever the
 * permissions: on a scanned document the signed words are pixels, and a white box or a
 * stamp with new words over them changes what the reader sees as surely as over text (the
 * text-based check in `annotations` cannot see them). Pop-ups (drawn by the viewer, outside
 * the page) and new signatures' widgets are judged elsewhere — a later signature on a scan
 * necessarily sits on the image (a copy's text block, a seal), and `signature-fields` rules on it.
 */
export const annotationsOverImagesRule: DiffRule = {
  name: "annotations-over-images",
  apply(ctx) {
    for (const a of ctx.newAnnotations) {
      if (ctx.newSignatureWidgets.has(a.ref.num)) continue;
      const d = ctx.cur.dict(a.ref);
      const subtype = d?.name("Subtype");
      if (!d || subtype === "Popup" || !isVisibleAnnotation(ctx.cur, d)) continue;
      const rect = rectOf(ctx.cur, d);
      if (rect && ctx.coversSignedImage(a.page, rect)) {
        ctx.violate(
          this.name,
          `a new /${subtype ?? "?"} annotation (object ${a.ref.num}) lies over an image of the signed page ${a.page} (a scanned page's content)`,
          a.ref.num,
        );
      }
    }
  },
};
