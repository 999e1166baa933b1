import type { DiffRule } from "../context.ts";

/**
 * Tagged-PDF logical structure (/StructTreeRoot, its elements and parent tree): Acrobat adds
 * a new signature's widget there when it signs a tagged PDF. Structure is not drawn; objects
 * that any page uses are never cleared here.
 */
export const structureTreeRule: DiffRule = {
  name: "structure-tree",
  apply(ctx) {
    const now = ctx.cur.catalog()?.get("StructTreeRoot");
    const before = ctx.old.catalog()?.get("StructTreeRoot");
    if (now === undefined || before === undefined) return;
    const shown = ctx.pageReachNow();
    const oldReach = ctx.old.reach([before]).reachable;
    for (const n of ctx.cur.reach([now]).reachable) {
      if (!ctx.changed.has(n) || shown.has(n)) continue;
      if (ctx.fresh(n) || oldReach.has(n)) ctx.clear(n, this.name, "tagged-PDF structure updated", "FORM_FILLING");
    }
  },
};
