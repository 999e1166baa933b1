import { pdfEquals } from "../../pdf/objects.ts";
import type { DiffRule } from "../context.ts";

/** The trailer may change /Size, /Prev, /ID, /Info, the stream keys; never the catalog or the encryption. */
export const trailerRule: DiffRule = {
  name: "trailer",
  apply(ctx) {
    for (const k of ["Root", "Encrypt"]) {
      if (!pdfEquals(ctx.old.trailer.get(k), ctx.cur.trailer.get(k))) ctx.violate(this.name, `the trailer's /${k} changed: the document was replaced`);
    }
  },
};
