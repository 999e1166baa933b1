import { PdfRef, changedKeys } from "../../pdf/objects.ts";
import { maxLevel, type DiffRule, type ModificationLevel } from "../context.ts";
import { acroFormChangeAllowed } from "./acroform.ts";

// /Version: writers raise it when they add features (e.g. 1.7 for PAdES); it changes no page.
const CATALOG_KEYS: Record<string, ModificationLevel> = {
  AcroForm: "FORM_FILLING",
  DSS: "LTA_UPDATES",
  Extensions: "LTA_UPDATES",
  Metadata: "LTA_UPDATES",
  Version: "LTA_UPDATES",
};

/** The catalog may gain or change /AcroForm, /DSS, /Extensions (ESIC), /Metadata, /Version: nothing else. */
export const catalogRule: DiffRule = {
  name: "catalog",
  apply(ctx) {
    const root = ctx.cur.trailer.get("Root");
    if (!(root instanceof PdfRef) || !ctx.modified.includes(root.num)) return;
    const a = ctx.old.dict(root);
    const b = ctx.cur.dict(root);
    if (!a || !b) return ctx.violate(this.name, "the catalog became unreadable", root.num);
    const keys = changedKeys(a, b);
    const bad = keys.filter((k) => !(k in CATALOG_KEYS));
    if (bad.length > 0) return ctx.violate(this.name, `the catalog changed: /${bad.join(", /")}`, root.num);
    if (keys.includes("AcroForm") && !(b.get("AcroForm") instanceof PdfRef)) {
      // A direct AcroForm dictionary: judged here with the same rule as an indirect one.
      if (!acroFormChangeAllowed(ctx, ctx.old.dict(a.get("AcroForm")), ctx.cur.dict(b.get("AcroForm"))))
        return ctx.violate(this.name, "the form dictionary changed in a way that is not allowed", root.num);
    }
    let level: ModificationLevel = "NONE";
    for (const k of keys) level = maxLevel(level, CATALOG_KEYS[k]!);
    ctx.clear(root.num, this.name, `catalog: /${keys.join(", /")} updated`, level);
    // The developer extensions dictionary (ESIC) written as a new object: declarations, not drawn.
    if (keys.includes("Extensions")) ctx.clearFreshSubtree(b.get("Extensions"), this.name, "developer extensions declared", "LTA_UPDATES");
  },
};
