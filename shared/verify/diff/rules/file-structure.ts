import { PdfStream, dictOf } from "../../pdf/objects.ts";
import type { DiffRule } from "../context.ts";

/** Cross-reference and object streams, and new objects nothing refers to: file structure only. */
export const fileStructureRule: DiffRule = {
  name: "file-structure",
  apply(ctx) {
    const reach = ctx.reachableNow();
    for (const n of ctx.changed) {
      if (!ctx.fresh(n)) continue;
      const v = ctx.cur.get(n);
      const t = dictOf(v)?.name("Type");
      if (v instanceof PdfStream && (t === "XRef" || t === "ObjStm")) ctx.clear(n, this.name, `/${t} stream`, "NONE");
      else if (!reach.has(n)) ctx.clear(n, this.name, "unreferenced new object", "NONE");
    }
  },
};
