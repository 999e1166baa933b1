import type { DiffRule } from "../context.ts";

/** Objects written again with the same content (some writers re-save unchanged objects; numbers compared as numbers). */
export const unchangedObjectsRule: DiffRule = {
  name: "unchanged-objects",
  apply(ctx) {
    const modified = new Set(ctx.modified);
    for (const n of ctx.changed) {
      if (!modified.has(n) && ctx.old.get(n) !== undefined) ctx.clear(n, this.name, "object rewritten unchanged", "NONE");
    }
  },
};
