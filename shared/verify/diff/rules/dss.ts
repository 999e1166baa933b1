import type { DiffRule } from "../context.ts";

/** Long-term validation data (PAdES DSS, VRI): certificates, CRLs, OCSP responses, their timestamps — not shown by any page. */
export const dssRule: DiffRule = {
  name: "dss",
  apply(ctx) {
    const newDss = ctx.cur.catalog()?.get("DSS");
    if (newDss === undefined) return;
    const oldDss = ctx.old.catalog()?.get("DSS");
    const oldDssReach = oldDss === undefined ? new Set<number>() : ctx.old.reach([oldDss]).reachable;
    const shown = ctx.pageReachNow();
    const changed = ctx.changed;
    for (const n of ctx.cur.reach([newDss]).reachable) {
      if (!changed.has(n) || shown.has(n)) continue;
      if (ctx.fresh(n) || oldDssReach.has(n)) ctx.clear(n, this.name, "validation data (DSS)", "LTA_UPDATES");
    }
  },
};
