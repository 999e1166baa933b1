import { PdfDict, PdfRef, PdfStream, changedKeys, collectRefs, dictOf, pdfEquals, type PdfValue } from "../pdf/objects.ts";
import type { RevisionView } from "../pdf/document.ts";

/**
 * Difference analysis between two consecutive revisions, as a whitelist (after pyHanko's
 * diff_analysis): every object whose cross-reference entry changed is "pending"; each
 * small named rule below clears the objects it recognises as a harmless kind of update;
 * whatever no rule clears is a disallowed change. New page content, new pages, replaced
 * objects, changed annotations — and every attack that hides one of those — fall through.
 */

/** Ordered: a higher level allows more. */
export type ModificationLevel = "NONE" | "LTA_UPDATES" | "FORM_FILLING" | "ANNOTATIONS" | "OTHER";
export const LEVEL_ORDER: ModificationLevel[] = ["NONE", "LTA_UPDATES", "FORM_FILLING", "ANNOTATIONS", "OTHER"];
export function maxLevel(a: ModificationLevel, b: ModificationLevel): ModificationLevel {
  return LEVEL_ORDER.indexOf(a) >= LEVEL_ORDER.indexOf(b) ? a : b;
}

export interface ClearedChange {
  num: number;
  rule: string;
  what: string;
  level: ModificationLevel;
}

export interface DisallowedChange {
  num?: number;
  rule: string;
  /** English, for the log and the JSON report. */
  what: string;
}

export class DiffContext {
  readonly pending = new Set<number>();
  readonly cleared: ClearedChange[] = [];
  readonly disallowed: DisallowedChange[] = [];
  /** New signature fields' widgets, which may be appended to a page's /Annots. */
  readonly newWidgets = new Set<number>();
  private oldRefs?: Set<number>;
  private newReachable?: Set<number>;
  private newPageReach?: Set<number>;

  constructor(
    readonly old: RevisionView,
    readonly cur: RevisionView,
  ) {
    const nums = new Set([...old.revision.entries.keys(), ...cur.revision.entries.keys()]);
    for (const n of nums) {
      const a = old.revision.entries.get(n);
      const b = cur.revision.entries.get(n);
      if (JSON.stringify(a ?? { type: 0 }) !== JSON.stringify(b ?? { type: 0 })) this.pending.add(n);
    }
    this.pending.delete(0);
  }

  /** Numbers the old revision refers to anywhere (even dangling): such a number is never "new". */
  oldReferenced(): Set<number> {
    this.oldRefs ??= this.old.reach(trailerRoots(this.old)).referenced;
    return this.oldRefs;
  }
  fresh(n: number): boolean {
    return !this.oldReferenced().has(n);
  }
  reachableNow(): Set<number> {
    this.newReachable ??= this.cur.reach(trailerRoots(this.cur)).referenced;
    return this.newReachable;
  }
  /** What the pages show now: page tree, contents, resources, annotations. */
  pageReachNow(): Set<number> {
    this.newPageReach ??= this.cur.reach([this.cur.catalog()?.get("Pages") ?? null]).referenced;
    return this.newPageReach;
  }

  clear(num: number, rule: string, what: string, level: ModificationLevel): void {
    if (!this.pending.has(num)) return;
    this.pending.delete(num);
    this.cleared.push({ num, rule, what, level });
  }
  violate(rule: string, what: string, num?: number): void {
    this.disallowed.push({ rule, what, num });
    if (num !== undefined) this.pending.delete(num);
  }

  /** Clears the fresh (never referenced before) objects reachable from `root`, for new signatures and their appearances. */
  clearFreshSubtree(root: PdfValue | undefined, rule: string, what: string, level: ModificationLevel, limit = 100_000): void {
    const stack: PdfValue[] = [root ?? null];
    const seen = new Set<number>();
    while (stack.length > 0 && seen.size < limit) {
      const refs: PdfRef[] = [];
      collectRefs(stack.pop(), refs);
      for (const r of refs) {
        if (seen.has(r.num) || !this.fresh(r.num)) continue;
        seen.add(r.num);
        this.clear(r.num, rule, what, level);
        stack.push(this.cur.get(r.num) ?? null);
      }
    }
  }
}

function trailerRoots(v: RevisionView): PdfValue[] {
  return [v.trailer.get("Root") ?? null, v.trailer.get("Info") ?? null, v.trailer.get("Encrypt") ?? null];
}

export interface DiffRule {
  name: string;
  apply(ctx: DiffContext): void;
}

/** Objects written again with the same content (some writers re-save unchanged objects). */
export const unchangedObjectsRule: DiffRule = {
  name: "unchanged-objects",
  apply(ctx) {
    for (const n of [...ctx.pending]) {
      const a = ctx.old.get(n);
      const b = ctx.cur.get(n);
      if (a !== undefined && b !== undefined && pdfEquals(a, b)) ctx.clear(n, this.name, "object rewritten unchanged", "NONE");
    }
  },
};

/** The trailer may change /Size, /Prev, /ID, /Info, the stream keys; never the catalog or the encryption. */
export const trailerRule: DiffRule = {
  name: "trailer",
  apply(ctx) {
    for (const k of ["Root", "Encrypt"]) {
      if (!pdfEquals(ctx.old.trailer.get(k), ctx.cur.trailer.get(k))) ctx.violate(this.name, `the trailer's /${k} changed: the document was replaced`);
    }
  },
};

// /Version: writers raise it when they add features (e.g. 1.7 for PAdES); it changes no page.
const CATALOG_KEYS: Record<string, ModificationLevel> = { AcroForm: "FORM_FILLING", DSS: "LTA_UPDATES", Extensions: "LTA_UPDATES", Metadata: "LTA_UPDATES", Version: "LTA_UPDATES" };

/** The catalog may gain or change /AcroForm, /DSS, /Extensions (ESIC), /Metadata: nothing else. */
export const catalogRule: DiffRule = {
  name: "catalog",
  apply(ctx) {
    const root = ctx.cur.trailer.get("Root");
    if (!(root instanceof PdfRef) || !ctx.pending.has(root.num)) return;
    const a = ctx.old.dict(root);
    const b = ctx.cur.dict(root);
    if (!a || !b) return ctx.violate(this.name, "the catalog became unreadable", root.num);
    const keys = changedKeys(a, b);
    const bad = keys.filter((k) => !(k in CATALOG_KEYS));
    if (bad.length > 0) return ctx.violate(this.name, `the catalog changed: /${bad.join(", /")}`, root.num);
    if (keys.includes("AcroForm") && !(b.get("AcroForm") instanceof PdfRef)) {
      // A direct AcroForm dictionary: judged here with the same rule as an indirect one.
      if (!acroFormChangeAllowed(ctx, ctx.old.dict(a.get("AcroForm")), ctx.cur.dict(b.get("AcroForm")))) return ctx.violate(this.name, "the form dictionary changed in a way that is not allowed", root.num);
    }
    let level: ModificationLevel = "NONE";
    for (const k of keys) level = maxLevel(level, CATALOG_KEYS[k]!);
    ctx.clear(root.num, this.name, `catalog: /${keys.join(", /")} updated`, level);
  },
};

// /DA may be added (signing tools do when they create the form), never changed: a viewer that
// draws fields without appearances would draw the existing ones differently.
const ACROFORM_KEYS = new Set(["Fields", "SigFlags", "DR"]);

/** New fields recorded by acroFormChangeAllowed for the signature-field rule. */
const newFieldsOf = new WeakMap<DiffContext, PdfRef[]>();

function refsOf(view: RevisionView, v: PdfValue | undefined): PdfRef[] {
  return (view.array(v) ?? []).filter((x): x is PdfRef => x instanceof PdfRef);
}

function acroFormChangeAllowed(ctx: DiffContext, a: PdfDict | undefined, b: PdfDict | undefined): boolean {
  if (!b) return a === undefined;
  const keys = a ? changedKeys(a, b) : [...b.map.keys()];
  const daAdded = (k: string) => k === "DA" && (a === undefined || !a.has("DA"));
  if (keys.some((k) => !ACROFORM_KEYS.has(k) && !daAdded(k) && !(k === "NeedAppearances" && b.get(k) !== true))) return false;
  const oldFields = a ? refsOf(ctx.old, a.get("Fields")) : [];
  const newFields = refsOf(ctx.cur, b.get("Fields"));
  const newNums = new Set(newFields.map((r) => r.num));
  if (!oldFields.every((r) => newNums.has(r.num))) return false;
  const oldNums = new Set(oldFields.map((r) => r.num));
  newFieldsOf.set(ctx, newFields.filter((r) => !oldNums.has(r.num)));
  // Default resources may gain entries (fonts for a new appearance); existing ones stay.
  if (a && keys.includes("DR")) {
    const dra = ctx.old.dict(a.get("DR"));
    const drb = ctx.cur.dict(b.get("DR"));
    if (dra && !drb) return false;
    for (const [cat, v] of dra?.map ?? []) {
      const ca = ctx.old.dict(v);
      const cb = ctx.cur.dict(drb!.get(cat));
      if (!ca) continue;
      if (!cb) return false;
      for (const [name, res] of ca.map) if (!pdfEquals(res, cb.get(name))) return false;
    }
  }
  return true;
}

/** The form dictionary may append fields (never drop one), set SigFlags, add default resources. */
export const acroFormRule: DiffRule = {
  name: "acroform",
  apply(ctx) {
    const oldAf = ctx.old.catalog()?.get("AcroForm");
    const newAf = ctx.cur.catalog()?.get("AcroForm");
    const a = ctx.old.dict(oldAf);
    const b = ctx.cur.dict(newAf);
    if (a && !b) return ctx.violate(this.name, "the form dictionary was removed");
    if (!b) return;
    const allowed = acroFormChangeAllowed(ctx, a, b);
    const nums = [newAf, b.get("Fields")].filter((x): x is PdfRef => x instanceof PdfRef).map((r) => r.num);
    const touched = nums.filter((n) => ctx.pending.has(n));
    if (touched.length === 0 && !newFieldsOf.has(ctx)) return;
    if (!allowed) {
      for (const n of touched) ctx.violate(this.name, "the form dictionary changed in a way that is not allowed", n);
      if (touched.length === 0) ctx.violate(this.name, "the form dictionary changed in a way that is not allowed");
      return;
    }
    for (const n of touched) ctx.clear(n, this.name, "form dictionary: fields appended", "FORM_FILLING");
    // Fresh objects of the default resources (fonts for new appearances).
    ctx.clearFreshSubtree(b.get("DR"), this.name, "form default resources", "FORM_FILLING");
  },
};

function isVisibleWidget(view: RevisionView, w: PdfDict): boolean {
  const f = w.get("F");
  const flags = typeof f === "number" ? f : 0;
  if (flags & 2 || flags & 32) return false; // Hidden, NoView
  const rect = view.array(w.get("Rect"));
  if (!rect || rect.length !== 4 || !rect.every((x) => typeof x === "number")) return false;
  const [x1, y1, x2, y2] = rect as number[];
  if (Math.abs(x2! - x1!) < 0.01 || Math.abs(y2! - y1!) < 0.01) return false;
  return w.has("AP");
}

function isSignatureDict(d: PdfDict | undefined): boolean {
  if (!d) return false;
  const t = d.name("Type");
  return (t === undefined || t === "Sig" || t === "DocTimeStamp") && d.has("ByteRange") && d.has("Contents");
}

/**
 * New signature fields (and document timestamps): the field, its widget(s) and their
 * appearance streams, and the signature dictionary. A new EMPTY signature field must be
 * invisible: an unsigned widget that draws on the page would be an unaccountable overlay.
 * An existing empty signature field may be signed (it gains /V and an appearance).
 */
export const signatureFieldRule: DiffRule = {
  name: "signature-fields",
  apply(ctx) {
    const candidates = [...(newFieldsOf.get(ctx) ?? [])];
    // Signature widgets appended to a page without being listed in the form (pdfsig does this).
    for (const n of ctx.pending) {
      const a = ctx.old.get(n);
      const b = ctx.cur.get(n);
      if (!(a instanceof PdfDict) || !(b instanceof PdfDict) || a.name("Type") !== "Page") continue;
      const before = new Set(refsOf(ctx.old, a.get("Annots")).map((r) => r.num));
      for (const r of refsOf(ctx.cur, b.get("Annots"))) {
        if (before.has(r.num) || candidates.some((c) => c.num === r.num)) continue;
        const d = ctx.cur.dict(r);
        if (d?.name("FT") === "Sig" && d.name("Subtype") === "Widget") candidates.push(r);
      }
    }
    for (const ref of candidates) {
      const d = ctx.cur.dict(ref);
      if (!ctx.fresh(ref.num)) {
        ctx.violate(this.name, `field ${ref.num} reuses an object of the signed revision`, ref.num);
        continue;
      }
      if (!d || d.name("FT") !== "Sig") {
        ctx.violate(this.name, `a new form field that is not a signature field (object ${ref.num})`, ref.num);
        continue;
      }
      const v = d.get("V");
      const signed = v !== undefined && v !== null;
      if (signed) {
        if (!(v instanceof PdfRef) || !ctx.fresh(v.num) || !isSignatureDict(ctx.cur.dict(v))) {
          ctx.violate(this.name, `new signature field ${ref.num} has a value that is not a new signature dictionary`, ref.num);
          continue;
        }
      }
      ctx.clear(ref.num, this.name, signed ? "new signature field" : "new empty signature field", "FORM_FILLING");
      if (signed) ctx.clearFreshSubtree(v, this.name, "new signature dictionary", "FORM_FILLING");
      const widgets: PdfRef[] = d.name("Subtype") === "Widget" || d.has("Rect") ? [ref] : refsOf(ctx.cur, d.get("Kids"));
      for (const w of widgets) {
        const wd = ctx.cur.dict(w);
        if (!wd) continue;
        if (w.num !== ref.num) {
          if (!ctx.fresh(w.num)) {
            ctx.violate(this.name, `widget ${w.num} reuses an object of the signed revision`, w.num);
            continue;
          }
          ctx.clear(w.num, this.name, "new signature widget", "FORM_FILLING");
        }
        if (!signed && isVisibleWidget(ctx.cur, wd)) {
          ctx.violate(this.name, `a new unsigned signature field draws on the page (object ${w.num})`);
          continue;
        }
        ctx.newWidgets.add(w.num);
        ctx.clearFreshSubtree(wd.get("AP"), this.name, "appearance of a new signature", "FORM_FILLING");
        ctx.clearFreshSubtree(wd.get("MK"), this.name, "appearance of a new signature", "FORM_FILLING");
      }
    }
    // Existing empty signature fields being signed.
    for (const n of [...ctx.pending]) {
      const a = ctx.old.get(n);
      const b = ctx.cur.get(n);
      if (!(a instanceof PdfDict) || !(b instanceof PdfDict) || a.name("FT") !== "Sig") continue;
      const wasSigned = a.get("V") !== undefined && a.get("V") !== null;
      if (wasSigned) {
        ctx.violate(this.name, `a signed signature field was changed (object ${n})`, n);
        continue;
      }
      const keys = changedKeys(a, b);
      const v = b.get("V");
      if (keys.every((k) => k === "V" || k === "AP" || k === "AS" || k === "StructParent") && v instanceof PdfRef && ctx.fresh(v.num) && isSignatureDict(ctx.cur.dict(v))) {
        ctx.clear(n, this.name, "an empty signature field was signed", "FORM_FILLING");
        ctx.clearFreshSubtree(v, this.name, "new signature dictionary", "FORM_FILLING");
        ctx.clearFreshSubtree(b.get("AP"), this.name, "appearance of a new signature", "FORM_FILLING");
        ctx.newWidgets.add(n);
      }
    }
  },
};

/** A page may change only by appending the widgets of new signature fields to its /Annots. */
export const pageAnnotsRule: DiffRule = {
  name: "page-annots",
  apply(ctx) {
    for (const n of [...ctx.pending]) {
      const a = ctx.old.get(n);
      const b = ctx.cur.get(n);
      // An indirect /Annots array of a page.
      if (Array.isArray(a) && Array.isArray(b)) {
        if (annotsAppendOnly(ctx, a, b)) ctx.clear(n, this.name, "signature widget added to a page's annotations", "FORM_FILLING");
        continue;
      }
      if (!(a instanceof PdfDict) || !(b instanceof PdfDict) || a.name("Type") !== "Page") continue;
      const keys = changedKeys(a, b);
      if (keys.length === 1 && keys[0] === "Annots") {
        const oa = a.get("Annots") === undefined ? [] : ctx.old.array(a.get("Annots"));
        const nb = ctx.cur.array(b.get("Annots"));
        if (oa && nb && annotsAppendOnly(ctx, oa, nb)) {
          ctx.clear(n, this.name, "signature widget added to a page's annotations", "FORM_FILLING");
          const ar = b.get("Annots");
          if (ar instanceof PdfRef && ctx.fresh(ar.num)) ctx.clear(ar.num, this.name, "new annotations array", "FORM_FILLING");
        }
      }
    }
  },
};

function annotsAppendOnly(ctx: DiffContext, a: PdfValue[], b: PdfValue[]): boolean {
  const oldNums = a.filter((x): x is PdfRef => x instanceof PdfRef).map((r) => r.num);
  const newRefs = b.filter((x): x is PdfRef => x instanceof PdfRef);
  if (newRefs.length !== b.length || oldNums.length !== a.length) return false;
  const newNums = new Set(newRefs.map((r) => r.num));
  if (!oldNums.every((x) => newNums.has(x))) return false;
  const oldSet = new Set(oldNums);
  return newRefs.every((r) => oldSet.has(r.num) || ctx.newWidgets.has(r.num));
}

const FILLABLE = new Set(["Tx", "Ch", "Btn"]);

/**
 * Filling in an existing form field (text, choice, button): its value and appearance. Cleared
 * here at FORM_FILLING, but only a certification signature that permits form filling (DocMDP
 * P=2 or 3) makes it allowed — otherwise it is the shadow "replace" attack.
 */
export const formFillRule: DiffRule = {
  name: "form-fill",
  apply(ctx) {
    for (const n of [...ctx.pending]) {
      const a = ctx.old.get(n);
      const b = ctx.cur.get(n);
      if (!(a instanceof PdfDict) || !(b instanceof PdfDict)) continue;
      const ft = a.name("FT") ?? ctx.old.dict(a.get("Parent"))?.name("FT");
      if (!ft || !FILLABLE.has(ft)) continue;
      const keys = changedKeys(a, b);
      if (keys.length === 0 || !keys.every((k) => k === "V" || k === "AP" || k === "AS")) continue;
      if (b.name("FT") !== a.name("FT") || !pdfEquals(a.get("Rect"), b.get("Rect"))) continue;
      ctx.clear(n, this.name, `form field ${n} filled in`, "FORM_FILLING");
      ctx.clearFreshSubtree(b.get("AP"), this.name, `appearance of form field ${n}`, "FORM_FILLING");
      ctx.clearFreshSubtree(b.get("V"), this.name, `value of form field ${n}`, "FORM_FILLING");
    }
  },
};

/** Long-term validation data (PAdES DSS, VRI): certificates, CRLs, OCSP responses, their timestamps. */
export const dssRule: DiffRule = {
  name: "dss",
  apply(ctx) {
    const newDss = ctx.cur.catalog()?.get("DSS");
    if (newDss === undefined) return;
    const oldDss = ctx.old.catalog()?.get("DSS");
    const oldDssReach = oldDss === undefined ? new Set<number>() : ctx.old.reach([oldDss]).reachable;
    const shown = ctx.pageReachNow();
    const { reachable } = ctx.cur.reach([newDss]);
    for (const n of reachable) {
      if (!ctx.pending.has(n) || shown.has(n)) continue;
      if (ctx.fresh(n) || oldDssReach.has(n)) ctx.clear(n, this.name, "validation data (DSS)", "LTA_UPDATES");
    }
  },
};

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
    const { reachable } = ctx.cur.reach([now]);
    for (const n of reachable) {
      if (!ctx.pending.has(n) || shown.has(n)) continue;
      if (ctx.fresh(n) || oldReach.has(n)) ctx.clear(n, this.name, "tagged-PDF structure updated", "FORM_FILLING");
    }
  },
};

/** Document information and XMP metadata: not shown on any page. */
export const metadataRule: DiffRule = {
  name: "metadata",
  apply(ctx) {
    const shown = ctx.pageReachNow();
    const info = ctx.cur.trailer.get("Info");
    const oldInfo = ctx.old.trailer.get("Info");
    if (info instanceof PdfRef && ctx.pending.has(info.num) && !shown.has(info.num)) {
      const d = ctx.cur.get(info.num);
      if (d instanceof PdfDict && (ctx.fresh(info.num) || (oldInfo instanceof PdfRef && oldInfo.num === info.num))) {
        ctx.clear(info.num, this.name, "document information updated", "LTA_UPDATES");
        ctx.clearFreshSubtree(d, this.name, "document information updated", "LTA_UPDATES");
      }
    }
    const md = ctx.cur.catalog()?.get("Metadata");
    const oldMd = ctx.old.catalog()?.get("Metadata");
    if (md instanceof PdfRef && ctx.pending.has(md.num) && !shown.has(md.num)) {
      const s = ctx.cur.get(md.num);
      if (s instanceof PdfStream && s.dict.name("Type") === "Metadata" && (ctx.fresh(md.num) || (oldMd instanceof PdfRef && oldMd.num === md.num))) {
        ctx.clear(md.num, this.name, "XMP metadata updated", "LTA_UPDATES");
      }
    }
  },
};

/** Cross-reference and object streams, and new objects nothing refers to: file structure only. */
export const fileStructureRule: DiffRule = {
  name: "file-structure",
  apply(ctx) {
    const reach = ctx.reachableNow();
    for (const n of [...ctx.pending]) {
      if (!ctx.fresh(n)) continue;
      const v = ctx.cur.get(n);
      const t = dictOf(v)?.name("Type");
      if (v instanceof PdfStream && (t === "XRef" || t === "ObjStm")) ctx.clear(n, this.name, `/${t} stream`, "NONE");
      else if (!reach.has(n)) ctx.clear(n, this.name, "unreferenced new object", "NONE");
    }
  },
};

/** Freed objects: harmless only when nothing refers to them any more. */
export const freedObjectsRule: DiffRule = {
  name: "freed-objects",
  apply(ctx) {
    const reach = ctx.reachableNow();
    for (const n of [...ctx.pending]) {
      const before = ctx.old.get(n);
      const after = ctx.cur.get(n);
      if (before === undefined || after !== undefined) continue;
      if (reach.has(n)) ctx.violate(this.name, `object ${n} was deleted but is still referred to`, n);
      else ctx.clear(n, this.name, "object deleted", "NONE");
    }
  },
};

export const DEFAULT_RULES: DiffRule[] = [
  unchangedObjectsRule,
  trailerRule,
  catalogRule,
  acroFormRule,
  signatureFieldRule,
  pageAnnotsRule,
  formFillRule,
  structureTreeRule,
  dssRule,
  metadataRule,
  fileStructureRule,
  freedObjectsRule,
];

function describe(ctx: DiffContext, n: number): string {
  const v = ctx.cur.get(n);
  const before = ctx.old.get(n);
  const d = dictOf(v);
  const t = d?.name("Type") ?? d?.name("Subtype");
  const kind = t ? `/${t} ` : v instanceof PdfStream ? "stream " : "";
  return before === undefined ? `new ${kind}object ${n} used by the document` : `${kind}object ${n} was replaced`;
}

export interface UpdateAnalysis {
  fromRevision: number;
  toRevision: number;
  level: ModificationLevel;
  cleared: ClearedChange[];
  disallowed: DisallowedChange[];
}

export function analyseUpdate(old: RevisionView, cur: RevisionView, rules: DiffRule[] = DEFAULT_RULES): UpdateAnalysis {
  const ctx = new DiffContext(old, cur);
  for (const r of rules) r.apply(ctx);
  for (const n of ctx.pending) ctx.disallowed.push({ num: n, rule: "not-cleared", what: describe(ctx, n) });
  let level: ModificationLevel = "NONE";
  for (const c of ctx.cleared) level = maxLevel(level, c.level);
  if (ctx.disallowed.length > 0) level = "OTHER";
  return { fromRevision: old.revision.index, toRevision: cur.revision.index, level, cleared: ctx.cleared, disallowed: ctx.disallowed };
}
