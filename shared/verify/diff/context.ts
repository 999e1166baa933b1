import { PdfDict, PdfRef, collectRefs, pdfEquals, type PdfValue } from "../pdf/objects.ts";
import type { RevisionView } from "../pdf/document.ts";
import { pages } from "../pdf/signatures.ts";
import { pageMarks, type PageMarks, type Point } from "./page-text.ts";

/**
 * The difference analysis between two consecutive revisions, as a whitelist (after pyHanko's
 * diff_analysis): every object whose cross-reference entry changed is "changed"; each small
 * named rule (rules/, one file each) clears what it recognises as a harmless kind of update
 * or marks what it recognises as forbidden; whatever no rule clears is disallowed.
 *
 * Rules only read this context and record verdicts: what one rule needs to know about the
 * update (the new form fields, the new signature widgets, the page text) is an explicit,
 * lazily computed field here, never state left by another rule, so their order does not
 * matter (rules.test.ts runs them permuted). A violation wins over a clearance.
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

export interface DiffRule {
  name: string;
  apply(ctx: DiffContext): void;
}

export function refsOf(view: RevisionView, v: PdfValue | undefined): PdfRef[] {
  return (view.array(v) ?? []).filter((x): x is PdfRef => x instanceof PdfRef);
}

function trailerRoots(v: RevisionView): PdfValue[] {
  return [v.trailer.get("Root") ?? null, v.trailer.get("Info") ?? null, v.trailer.get("Encrypt") ?? null];
}

export function isSignatureDict(d: PdfDict | undefined): boolean {
  if (!d) return false;
  const t = d.name("Type");
  return (t === undefined || t === "Sig" || t === "DocTimeStamp") && d.has("ByteRange") && d.has("Contents");
}

/** A widget or annotation a reader draws: not hidden, a rectangle with an area, an appearance. */
export function isVisibleAnnotation(view: RevisionView, w: PdfDict): boolean {
  const f = w.get("F");
  const flags = typeof f === "number" ? f : 0;
  if (flags & 2 || flags & 32) return false; // Hidden, NoView
  const rect = rectOf(view, w);
  if (!rect) return false;
  if (rect[2] - rect[0] < 0.01 || rect[3] - rect[1] < 0.01) return false;
  return w.has("AP") || w.name("Subtype") !== "Widget";
}

/** /Rect normalised to [x1, y1, x2, y2] with x1 ≤ x2, y1 ≤ y2. */
export function rectOf(view: RevisionView, d: PdfDict): [number, number, number, number] | undefined {
  const r = view.array(d.get("Rect"));
  if (!r || r.length !== 4 || !r.every((x) => typeof x === "number" && Number.isFinite(x))) return undefined;
  const [a, b, c, e] = r as number[];
  return [Math.min(a!, c!), Math.min(b!, e!), Math.max(a!, c!), Math.max(b!, e!)];
}

export class DiffContext {
  /** Object numbers whose cross-reference entry differs between the revisions. */
  readonly changed = new Set<number>();
  private readonly clearedBy = new Map<number, ClearedChange>();
  private readonly violations: DisallowedChange[] = [];
  private cache = new Map<string, unknown>();

  constructor(
    readonly old: RevisionView,
    readonly cur: RevisionView,
  ) {
    const nums = new Set([...old.revision.entries.keys(), ...cur.revision.entries.keys()]);
    for (const n of nums) {
      const a = old.revision.entries.get(n);
      const b = cur.revision.entries.get(n);
      if (JSON.stringify(a ?? { type: 0 }) !== JSON.stringify(b ?? { type: 0 })) this.changed.add(n);
    }
    this.changed.delete(0);
  }

  private memo<T>(key: string, f: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, f());
    return this.cache.get(key) as T;
  }

  /** Changed objects whose content differs (not merely written again). */
  get modified(): number[] {
    return this.memo("modified", () =>
      [...this.changed].filter((n) => {
        const a = this.old.get(n);
        const b = this.cur.get(n);
        return !(a !== undefined && b !== undefined && pdfEquals(a, b));
      }),
    );
  }

  /** Numbers the old revision refers to anywhere (even dangling): such a number is never "new". */
  oldReferenced(): Set<number> {
    return this.memo("oldRefs", () => this.old.reach(trailerRoots(this.old)).referenced);
  }
  fresh(n: number): boolean {
    return !this.oldReferenced().has(n);
  }
  reachableNow(): Set<number> {
    return this.memo("reachNow", () => this.cur.reach(trailerRoots(this.cur)).referenced);
  }
  /** What the pages show now: page tree, contents, resources, annotations. */
  pageReachNow(): Set<number> {
    return this.memo("pageReach", () => this.cur.reach([this.cur.catalog()?.get("Pages") ?? null]).referenced);
  }

  /** Fields the form lists now that it did not list before. */
  get newFields(): PdfRef[] {
    return this.memo("newFields", () => {
      const a = this.old.dict(this.old.catalog()?.get("AcroForm"));
      const b = this.cur.dict(this.cur.catalog()?.get("AcroForm"));
      const before = new Set(refsOf(this.old, a?.get("Fields")).map((r) => r.num));
      return refsOf(this.cur, b?.get("Fields")).filter((r) => !before.has(r.num));
    });
  }

  /** Pages (by object number) as both revisions have them. */
  get changedPages(): { num: number; old: PdfDict; cur: PdfDict }[] {
    return this.memo("changedPages", () =>
      this.modified.flatMap((num) => {
        const a = this.old.get(num);
        const b = this.cur.get(num);
        return a instanceof PdfDict && b instanceof PdfDict && a.name("Type") === "Page" && b.name("Type") === "Page" ? [{ num, old: a, cur: b }] : [];
      }),
    );
  }

  /** Annotations a page lists now and did not list before, with the page. */
  get newAnnotations(): { ref: PdfRef; page: number }[] {
    return this.memo("newAnnots", () => {
      const out: { ref: PdfRef; page: number }[] = [];
      for (const p of this.changedPages) {
        const before = new Set(refsOf(this.old, p.old.get("Annots")).map((r) => r.num));
        for (const r of refsOf(this.cur, p.cur.get("Annots"))) if (!before.has(r.num)) out.push({ ref: r, page: p.num });
      }
      // An indirect /Annots array rewritten in place.
      for (const n of this.modified) {
        const a = this.old.get(n);
        const b = this.cur.get(n);
        if (!Array.isArray(a) || !Array.isArray(b)) continue;
        const page = this.pageOfAnnotsArray(n);
        if (page === undefined) continue;
        const before = new Set(a.filter((x): x is PdfRef => x instanceof PdfRef).map((r) => r.num));
        for (const r of b) if (r instanceof PdfRef && !before.has(r.num)) out.push({ ref: r, page });
      }
      return out;
    });
  }

  private pageOfAnnotsArray(n: number): number | undefined {
    for (const p of pages(this.cur)) {
      const a = p.dict.get("Annots");
      if (a instanceof PdfRef && a.num === n && p.ref) return p.ref.num;
    }
    return undefined;
  }

  /** Widgets of signature fields added by this update (signed or not), whatever lists them. */
  get newSignatureWidgets(): Set<number> {
    return this.memo("newSigWidgets", () => {
      const out = new Set<number>();
      const fields = [...this.newFields];
      for (const a of this.newAnnotations) {
        const d = this.cur.dict(a.ref);
        const parent = this.cur.dict(d?.get("Parent"));
        if (d?.name("Subtype") === "Widget" && (d.name("FT") ?? parent?.name("FT")) === "Sig") fields.push(a.ref);
      }
      for (const f of fields) {
        const d = this.cur.dict(f);
        if (!d || !this.fresh(f.num)) continue;
        const ft = d.name("FT") ?? this.cur.dict(d.get("Parent"))?.name("FT");
        if (ft !== "Sig") continue;
        const widgets = d.name("Subtype") === "Widget" || d.has("Rect") ? [f] : refsOf(this.cur, d.get("Kids"));
        for (const w of widgets) if (this.fresh(w.num)) out.add(w.num);
      }
      // Existing empty signature fields signed by this update keep their widget.
      for (const n of this.modified) {
        const a = this.old.get(n);
        const b = this.cur.get(n);
        if (
          a instanceof PdfDict &&
          b instanceof PdfDict &&
          a.name("FT") === "Sig" &&
          (a.get("V") === undefined || a.get("V") === null) &&
          b.get("V") instanceof PdfRef
        )
          out.add(n);
      }
      return out;
    });
  }

  /** What the signed revision shows on a page: text (sampled points) and images (rectangles), default user space. */
  signedMarks(pageNum: number): PageMarks {
    return this.memo(`marks:${pageNum}`, () => {
      const page = this.old.dict(new PdfRef(pageNum, 0));
      return page ? pageMarks(this.old, page) : { text: [], images: [] };
    });
  }

  /** Where the signed revision shows text on a page (sampled points, default user space). */
  signedText(pageNum: number): Point[] {
    return this.signedMarks(pageNum).text;
  }

  /**
   * Whether an annotation's rectangle lies over an image that the signed revision draws on
   * that page (by more than half a point each way: a box that only touches its edge does not).
   */
  coversSignedImage(pageNum: number, rect: [number, number, number, number]): boolean {
    const m = 0.5;
    return this.signedMarks(pageNum).images.some(
      (i) => Math.min(rect[2], i[2]) - Math.max(rect[0], i[0]) > m && Math.min(rect[3], i[3]) - Math.max(rect[1], i[1]) > m,
    );
  }

  /** Whether an annotation's rectangle lies over text that the signed revision shows on that page. */
  coversSignedText(pageNum: number, rect: [number, number, number, number]): boolean {
    const m = 0.5;
    return this.signedText(pageNum).some(([x, y]) => x > rect[0] + m && x < rect[2] - m && y > rect[1] + m && y < rect[3] - m);
  }

  /** The rectangles of the signed revision's signed signature widgets on a page. */
  signedSignatureRects(pageNum: number): Array<[number, number, number, number]> {
    return this.memo(`sigrects:${pageNum}`, () => {
      const page = this.old.dict(new PdfRef(pageNum, 0));
      const out: Array<[number, number, number, number]> = [];
      for (const a of this.old.array(page?.get("Annots")) ?? []) {
        const w = a instanceof PdfRef ? this.old.dict(a) : a instanceof PdfDict ? a : undefined;
        if (!w) continue;
        const parent = w.get("Parent");
        const field = w.has("FT") ? w : parent instanceof PdfRef ? this.old.dict(parent) : undefined;
        const v = field?.get("V");
        const rect = rectOf(this.old, w);
        if (field?.name("FT") === "Sig" && v !== undefined && v !== null && rect) out.push(rect);
      }
      return out;
    });
  }

  /**
   * Whether a new signature's rectangle is a seal stamped over an earlier signature, as Điều 13
   * (R2) requires: it overlaps a signed signature's widget by at least a tenth of its own area
   * and is no more than four times that widget's size. Such a seal necessarily covers part of
   * the signature block's title or name; a Sneaky Signature overlay over the body does not qualify.
   */
  sealsEarlierSignature(pageNum: number, rect: [number, number, number, number]): boolean {
    const area = (r: readonly number[]) => Math.max(0, r[2]! - r[0]!) * Math.max(0, r[3]! - r[1]!);
    const own = area(rect);
    if (own <= 0) return false;
    return this.signedSignatureRects(pageNum).some((e) => {
      const overlap = area([Math.max(rect[0], e[0]), Math.max(rect[1], e[1]), Math.min(rect[2], e[2]), Math.min(rect[3], e[3])]);
      return overlap >= own / 10 && own <= 4 * area(e);
    });
  }

  /** The page an annotation sits on: its /P, else the page whose /Annots lists it. */
  pageOf(annot: PdfRef): number | undefined {
    const listed = this.newAnnotations.find((a) => a.ref.num === annot.num);
    if (listed) return listed.page;
    const p = this.cur.dict(annot)?.get("P");
    return p instanceof PdfRef ? p.num : undefined;
  }

  clear(num: number, rule: string, what: string, level: ModificationLevel): void {
    if (!this.changed.has(num) || this.clearedBy.has(num)) return;
    this.clearedBy.set(num, { num, rule, what, level });
  }
  violate(rule: string, what: string, num?: number): void {
    this.violations.push({ rule, what, num });
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

  /** The verdicts: what was cleared (and not also forbidden), what was forbidden, what no rule cleared. */
  verdicts(): { cleared: ClearedChange[]; disallowed: DisallowedChange[]; pending: number[] } {
    const violated = new Set(this.violations.flatMap((v) => (v.num === undefined ? [] : [v.num])));
    const cleared = [...this.clearedBy.values()].filter((c) => !violated.has(c.num)).sort((a, b) => a.num - b.num);
    const pending = [...this.changed].filter((n) => !this.clearedBy.has(n) && !violated.has(n)).sort((a, b) => a - b);
    return { cleared, disallowed: [...this.violations], pending };
  }
}
