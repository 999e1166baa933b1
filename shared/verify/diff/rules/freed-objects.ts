import type { DiffRule } from "../context.ts";

/** Freed objects: harmless only when nothing refers to them any more. */
export const freedObjectsRule: DiffRule = {
  name: "freed-objects",
  apply(ctx) {
    const reach = ctx.reachableNow();
    for (const n of ctx.changed) {
      if (ctx.old.get(n) === undefined || ctx.cur.get(n) !== undefined) continue;
      if (reach.has(n)) ctx.violate(this.name, `object ${n} was deleted but is still referred to`, n);
      else ctx.clear(n, this.name, "object deleted", "NONE");
    }
  },
};
