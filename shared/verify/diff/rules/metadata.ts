import { PdfDict, PdfRef, PdfStream } from "../../pdf/objects.ts";
import type { DiffRule } from "../context.ts";

/** Document information and XMP metadata: not shown on any page. */
export const metadataRule: DiffRule = {
  name: "metadata",
  apply(ctx) {
    const shown = ctx.pageReachNow();
    const info = ctx.cur.trailer.get("Info");
    const oldInfo = ctx.old.trailer.get("Info");
    if (info instanceof PdfRef && ctx.changed.has(info.num) && !shown.has(info.num)) {
      const d = ctx.cur.get(info.num);
      if (d instanceof PdfDict && (ctx.fresh(info.num) || (oldInfo instanceof PdfRef && oldInfo.num === info.num))) {
        ctx.clear(info.num, this.name, "document information updated", "LTA_UPDATES");
        ctx.clearFreshSubtree(d, this.name, "document information updated", "LTA_UPDATES");
      }
    }
    const md = ctx.cur.catalog()?.get("Metadata");
    const oldMd = ctx.old.catalog()?.get("Metadata");
    if (md instanceof PdfRef && ctx.changed.has(md.num) && !shown.has(md.num)) {
      const s = ctx.cur.get(md.num);
      if (s instanceof PdfStream && s.dict.name("Type") === "Metadata" && (ctx.fresh(md.num) || (oldMd instanceof PdfRef && oldMd.num === md.num))) {
        ctx.clear(md.num, this.name, "XMP metadata updated", "LTA_UPDATES");
      }
    }
  },
};
