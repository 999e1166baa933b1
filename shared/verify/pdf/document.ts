import { PdfDict, PdfName, PdfRef, PdfStream, type PdfValue } from "./objects.ts";
import { PdfParser, PdfSyntaxError, indexOfAscii, isWhite, lastIndexOfAscii, latin1 } from "./parser.ts";
import { DecodeBudget, decodeStream } from "./filters.ts";
import { asSource, forEachChunk, type ByteSource } from "./source.ts";

/**
 * Reads a PDF as a sequence of revisions (one per incremental update), as pyHanko's
 * reader does: each "startxref N %%EOF" closes a revision, whose objects are those its
 * cross-reference chain points to. The bytes of revision i are bytes[0, end_i).
 */
export type XrefEntry = { type: 0 } | { type: 1; offset: number; gen: number } | { type: 2; stream: number; index: number };

export interface Revision {
  index: number;
  /** Position of "%%EOF". */
  eofAt: number;
  /** End of the revision: after %%EOF and one end-of-line, if there is one. */
  end: number;
  xrefOffset: number;
  trailer: PdfDict;
  /** The whole cross-reference table as of this revision (Prev chain merged). */
  entries: Map<number, XrefEntry>;
}

const MAX_XREF_SECTIONS = 4096;
const MAX_OBJECTS = 5_000_000;
const MAX_REF_HOPS = 32;

interface Section {
  entries: Map<number, XrefEntry>;
  trailer: PdfDict;
}

function parseXrefTable(p: PdfParser): Section {
  const entries = new Map<number, XrefEntry>();
  const buf = p.buf;
  for (;;) {
    const tok = p.peekToken();
    if (tok === "trailer") break;
    if (tok === "") p.fail("bad xref table");
    const start = p.readInt();
    const count = p.readInt();
    if (start < 0 || count < 0 || start + count > MAX_OBJECTS || count * 18 > buf.length - p.pos + 18) p.fail("bad xref subsection");
    for (let k = 0; k < count; k++) {
      const off = p.readInt();
      const gen = p.readInt();
      const kind = p.readToken();
      const num = start + k;
      if (entries.has(num)) continue;
      if (kind === "n") entries.set(num, { type: 1, offset: off, gen });
      else if (kind === "f") entries.set(num, { type: 0 });
      else p.fail("bad xref entry");
    }
  }
  p.expectKeyword("trailer");
  const trailer = p.parseValue();
  if (!(trailer instanceof PdfDict)) p.fail("trailer is not a dictionary");
  return { entries, trailer };
}

function parseXrefStream(s: PdfStream, budget: DecodeBudget): Section {
  const d = s.dict;
  if (d.name("Type") !== "XRef") throw new PdfSyntaxError("cross-reference stream without /Type /XRef");
  const w = d.get("W");
  if (!Array.isArray(w) || w.length !== 3 || !w.every((x) => typeof x === "number" && Number.isInteger(x) && x >= 0 && x <= 8))
    throw new PdfSyntaxError("bad /W");
  const [w0, w1, w2] = w as number[];
  const rowLen = w0! + w1! + w2!;
  if (rowLen === 0) throw new PdfSyntaxError("bad /W");
  const size = d.get("Size");
  if (typeof size !== "number" || size < 0 || size > MAX_OBJECTS) throw new PdfSyntaxError("bad /Size");
  const idx = d.get("Index");
  const index: number[] = Array.isArray(idx) ? (idx as number[]) : [0, size];
  if (index.length % 2 !== 0 || !index.every((x) => typeof x === "number" && Number.isInteger(x) && x >= 0)) throw new PdfSyntaxError("bad /Index");
  const data = decodeStream(s, undefined, budget);
  const entries = new Map<number, XrefEntry>();
  const field = (pos: number, width: number) => {
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + data[pos + i]!;
    return v;
  };
  let pos = 0;
  for (let i = 0; i < index.length; i += 2) {
    const start = index[i]!;
    const count = index[i + 1]!;
    if (start + count > MAX_OBJECTS) throw new PdfSyntaxError("bad /Index");
    for (let k = 0; k < count; k++) {
      if (pos + rowLen > data.length) throw new PdfSyntaxError("cross-reference stream too short");
      const type = w0 === 0 ? 1 : field(pos, w0!);
      const f1 = field(pos + w0!, w1!);
      const f2 = field(pos + w0! + w1!, w2!);
      pos += rowLen;
      const num = start + k;
      if (entries.has(num)) continue;
      if (type === 0) entries.set(num, { type: 0 });
      else if (type === 1) entries.set(num, { type: 1, offset: f1, gen: f2 });
      else if (type === 2) entries.set(num, { type: 2, stream: f1, index: f2 });
      // Other types are reserved: a reader ignores them (treated as null objects).
    }
  }
  return { entries, trailer: d };
}

const FIRST_WINDOW = 64 * 1024;
/** No object or cross-reference section needs more (a stream with a valid /Length stays in the file): a damaged one does not make the reader load the whole file. */
const MAX_WINDOW = 32 * 1024 * 1024;

/**
 * Parses what starts at `offset` in a window of the file that ends by `end`: first 64 KiB,
 * then, when the parse runs out of data, windows 16 times larger up to `end`.
 */
export function parseInWindow<T>(
  src: ByteSource,
  offset: number,
  end: number,
  parse: (p: PdfParser) => T,
  resolveLength?: (ref: PdfRef) => number | undefined,
): T {
  if (!(offset >= 0 && offset < end)) throw new PdfSyntaxError(`offset ${offset} outside the revision`);
  for (let size = FIRST_WINDOW; ; size *= 16) {
    const stop = Math.min(end, offset + size);
    const p = new PdfParser(src.read(offset, stop), 0, resolveLength, { base: offset, source: src, limit: end });
    try {
      return parse(p);
    } catch (e) {
      if (!(e instanceof PdfSyntaxError) || stop >= end || size >= MAX_WINDOW) throw e;
    }
  }
}

function parseSectionAt(src: ByteSource, end: number, offset: number, budget: DecodeBudget): Section {
  if (offset < 0 || offset >= end) throw new PdfSyntaxError(`startxref ${offset} outside the file`);
  return parseInWindow(src, offset, end, (p) => {
    if (p.peekToken() === "xref") {
      p.readToken();
      return parseXrefTable(p);
    }
    const obj = p.parseIndirect();
    if (!(obj.value instanceof PdfStream)) throw new PdfSyntaxError(`no cross-reference at ${offset}`);
    return parseXrefStream(obj.value, budget);
  });
}

/** Merges the Prev chain (and hybrid /XRefStm) starting at one startxref. */
function readXrefChain(src: ByteSource, end: number, startOffset: number, budget: DecodeBudget): { trailer: PdfDict; entries: Map<number, XrefEntry> } {
  const entries = new Map<number, XrefEntry>();
  const seen = new Set<number>();
  let offset: number | undefined = startOffset;
  let trailer: PdfDict | undefined;
  while (offset !== undefined) {
    if (seen.has(offset)) throw new PdfSyntaxError("cross-reference chain loops");
    if (seen.size >= MAX_XREF_SECTIONS) throw new PdfSyntaxError("too many cross-reference sections");
    seen.add(offset);
    const sec = parseSectionAt(src, end, offset, budget);
    trailer ??= sec.trailer;
    for (const [n, e] of sec.entries) if (!entries.has(n)) entries.set(n, e);
    const xs = sec.trailer.get("XRefStm");
    if (typeof xs === "number" && !seen.has(xs)) {
      seen.add(xs);
      try {
        const hs = parseSectionAt(src, end, xs, budget);
        for (const [n, e] of hs.entries) if (!entries.has(n)) entries.set(n, e);
      } catch (e) {
        if (!(e instanceof PdfSyntaxError)) throw e;
      }
    }
    const prev = sec.trailer.get("Prev");
    offset = typeof prev === "number" && Number.isInteger(prev) ? prev : undefined;
  }
  if (!trailer) throw new PdfSyntaxError("no trailer");
  return { trailer, entries };
}

/**
 * The next "%%EOF" in `b` from `from`, or -1: the bytes after each "%" compared in place. A
 * file's binary streams hold a "%" every 256 bytes or so (3 500 in a 0.9 MB letter), and the
 * general indexOfAscii spent a string look-up per byte compared on each.
 */
function nextEof(b: Uint8Array, from: number): number {
  for (let i = b.indexOf(0x25, from); i >= 0 && i + 5 <= b.length; i = b.indexOf(0x25, i + 1))
    if (b[i + 1] === 0x25 && b[i + 2] === 0x45 && b[i + 3] === 0x4f && b[i + 4] === 0x46) return i;
  return -1;
}

/** Every position of "%%EOF" in the file, found chunk by chunk (one pass, one reused buffer when the source has one). */
function eofMarkers(src: ByteSource): number[] {
  const out: number[] = [];
  let at = 0;
  let tail = new Uint8Array(0);
  forEachChunk(src, 0, src.length, (chunk) => {
    // A marker across the boundary: the previous chunk's last 4 bytes and this one's first 4.
    if (tail.length > 0) {
      const seam = new Uint8Array(tail.length + Math.min(4, chunk.length));
      seam.set(tail);
      seam.set(chunk.subarray(0, seam.length - tail.length), tail.length);
      const i = indexOfAscii(seam, "%%EOF");
      if (i >= 0 && i < tail.length) out.push(at - tail.length + i);
    }
    for (let i = nextEof(chunk, 0); i >= 0; i = nextEof(chunk, i + 1)) out.push(at + i);
    tail = chunk.slice(Math.max(0, chunk.length - 4));
    at += chunk.length;
  });
  return out;
}

export class PdfFile {
  private readonly views = new Map<number, RevisionView>();
  /** Decoded object streams by file offset: the same bytes for every revision that uses them. */
  readonly objStreamCache = new Map<string, ObjStreamData | null>();
  private constructor(
    readonly budget: DecodeBudget,
    readonly source: ByteSource,
    readonly revisions: Revision[],
    /** Non-blank bytes after the last revision: not part of any revision a reader accepts. */
    readonly trailingBytes: number,
    /** Those bytes hold "N G obj" definitions: a reader that repairs the file would use them (an incremental saving attack). */
    readonly trailingObjects = false,
  ) {}

  get length(): number {
    return this.source.length;
  }

  static open(input: Uint8Array | ByteSource): PdfFile {
    const src = asSource(input);
    const head = latin1(src.read(0, 1024), 0, 1024);
    if (!head.includes("%PDF-")) throw new PdfSyntaxError("not a PDF file (no %PDF- header)");
    const revisions: Revision[] = [];
    const budget = new DecodeBudget();
    let lastEnd = 0;
    for (const at of eofMarkers(src)) {
      const from = Math.max(0, at - 1024);
      const before = src.read(from, at + 7);
      const sxLocal = lastIndexOfAscii(before, "startxref", at - from, 0);
      if (sxLocal < 0) continue;
      const digits = latin1(before, sxLocal + 9, at - from).trim();
      if (!/^\d{1,15}$/.test(digits)) continue;
      const xrefOffset = Number(digits);
      const after = before.subarray(at - from + 5);
      let end = at + 5;
      if (after[0] === 13 && after[1] === 10) end += 2;
      else if (after[0] === 10 || after[0] === 13) end += 1;
      if (xrefOffset >= at) continue;
      // An update defines its cross-reference section in its own bytes; one that points back
      // into earlier revisions adds bytes no reader accounts for (they count as trailing data).
      if (revisions.length > 0 && xrefOffset < lastEnd) continue;
      try {
        const { trailer, entries } = readXrefChain(src, end, xrefOffset, budget);
        revisions.push({ index: revisions.length, eofAt: at, end, xrefOffset, trailer, entries });
        lastEnd = end;
      } catch (e) {
        if (!(e instanceof PdfSyntaxError)) throw e;
        // Not a revision a reader could open (e.g. the first-page section of a linearized file).
      }
    }
    if (revisions.length === 0) throw new PdfSyntaxError("no readable cross-reference section (damaged or truncated file)");
    let trailing = 0;
    let objects = false;
    forEachChunk(src, lastEnd, src.length, (c) => {
      for (let i = 0; i < c.length; i++) if (!isWhite(c[i])) trailing++;
      if (!objects && /\d+\s+\d+\s+obj\b/.test(latin1(c, 0, c.length))) objects = true;
    });
    return new PdfFile(budget, src, revisions, trailing, objects);
  }

  get last(): RevisionView {
    return this.view(this.revisions.length - 1);
  }

  view(index: number): RevisionView {
    let v = this.views.get(index);
    if (!v) {
      const rev = this.revisions[index];
      if (!rev) throw new RangeError("no such revision");
      v = new RevisionView(this.source, rev, this.budget, this.objStreamCache);
      this.views.set(index, v);
    }
    return v;
  }

  /** The revision whose end is `end`: just after its %%EOF, or after white space that follows it (end-of-line). */
  revisionEndingAt(end: number): Revision | undefined {
    return this.revisions.find((r) => {
      if (end < r.eofAt + 5 || end > r.eofAt + 5 + 64) return false;
      const gap = this.source.read(r.eofAt + 5, end);
      for (let i = 0; i < gap.length; i++) if (!isWhite(gap[i])) return false;
      return true;
    });
  }
}

interface ObjStreamData {
  decoded: Uint8Array;
  first: number;
  offsets: Map<number, number>;
}

interface LoadedObject {
  value: PdfValue;
  /** Byte offset of "N G obj" in the file, or undefined when it lives in an object stream. */
  offset?: number;
}

/** The document as a reader sees it at the end of one revision. */
export class RevisionView {
  private readonly cache = new Map<number, LoadedObject | null>();
  /** Why an object present in the cross-reference table could not be read. */
  readonly loadErrors = new Map<number, string>();
  private readonly objStreams = new Map<number, ObjStreamData | null>();
  private loading = new Set<number>();

  constructor(
    readonly source: ByteSource,
    readonly revision: Revision,
    private readonly budget = new DecodeBudget(),
    private readonly shared = new Map<string, ObjStreamData | null>(),
  ) {}

  get trailer(): PdfDict {
    return this.revision.trailer;
  }

  entry(num: number): XrefEntry | undefined {
    return this.revision.entries.get(num);
  }

  /** The object with this number as of this revision, or undefined (null object) when missing or unreadable. */
  load(num: number): LoadedObject | undefined {
    if (this.cache.has(num)) return this.cache.get(num) ?? undefined;
    if (this.loading.has(num) || this.loading.size > 64) return undefined;
    this.loading.add(num);
    let result: LoadedObject | null = null;
    try {
      result = this.loadUncached(num);
    } catch (e) {
      if (!(e instanceof PdfSyntaxError)) throw e;
      this.loadErrors.set(num, e.message);
      result = null;
    } finally {
      this.loading.delete(num);
    }
    this.cache.set(num, result);
    return result ?? undefined;
  }

  get(num: number): PdfValue | undefined {
    return this.load(num)?.value;
  }

  private loadUncached(num: number): LoadedObject | null {
    const e = this.revision.entries.get(num);
    if (!e || e.type === 0) return null;
    if (e.type === 1) {
      const resolveLength = (ref: PdfRef) => {
        const v = this.get(ref.num);
        return typeof v === "number" ? v : undefined;
      };
      // The object is read from a window of the file that ends with this revision.
      const obj = parseInWindow(this.source, e.offset, this.revision.end, (p) => p.parseIndirect(), resolveLength);
      if (obj.num !== num) throw new PdfSyntaxError(`object ${num} not found at offset ${e.offset}`);
      return { value: obj.value, offset: e.offset };
    }
    const os = this.objStream(e.stream);
    if (!os) return null;
    const off = os.offsets.get(num);
    if (off === undefined) return null;
    const p = new PdfParser(os.decoded, os.first + off);
    const value = p.parseValue(1);
    if (value instanceof PdfStream) return null;
    return { value };
  }

  private objStream(num: number) {
    if (this.objStreams.has(num)) return this.objStreams.get(num)!;
    let result: ObjStreamData | null = null;
    const e = this.revision.entries.get(num);
    const key = e?.type === 1 ? `${e.offset}` : undefined;
    if (key !== undefined && this.shared.has(key)) {
      result = this.shared.get(key)!;
    } else if (e?.type === 1) {
      const s = this.get(num);
      if (s instanceof PdfStream && s.dict.name("Type") === "ObjStm") {
        const n = s.dict.get("N");
        const first = s.dict.get("First");
        if (typeof n === "number" && typeof first === "number" && n >= 0 && n <= 1_000_000 && first >= 0) {
          try {
            const decoded = decodeStream(s, undefined, this.budget);
            const p = new PdfParser(decoded, 0);
            const offsets = new Map<number, number>();
            for (let i = 0; i < n; i++) {
              const on = p.readInt();
              const oo = p.readInt();
              if (!offsets.has(on)) offsets.set(on, oo);
            }
            result = { decoded, first, offsets };
          } catch (err) {
            if (!(err instanceof PdfSyntaxError)) throw err;
            // A broken object stream: its objects are missing (null), once and for all.
          }
        }
      }
      this.shared.set(key!, result);
    }
    this.objStreams.set(num, result);
    return result;
  }

  /** Follows references (a bounded number of hops) to a direct value; missing objects are null. */
  resolve(v: PdfValue | undefined): PdfValue {
    let cur = v;
    for (let i = 0; cur instanceof PdfRef; i++) {
      if (i >= MAX_REF_HOPS) return null;
      cur = this.get(cur.num);
    }
    return cur ?? null;
  }

  dict(v: PdfValue | undefined): PdfDict | undefined {
    const r = this.resolve(v);
    return r instanceof PdfDict ? r : r instanceof PdfStream ? r.dict : undefined;
  }

  array(v: PdfValue | undefined): PdfValue[] | undefined {
    const r = this.resolve(v);
    return Array.isArray(r) ? r : undefined;
  }

  catalog(): PdfDict | undefined {
    return this.dict(this.trailer.get("Root"));
  }

  /**
   * Every object number reachable from the given roots, and every number referred to
   * (even when the object is missing: a later "new" object with that number is not new).
   */
  reach(roots: PdfValue[], limit = 2_000_000): { reachable: Set<number>; referenced: Set<number> } {
    const reachable = new Set<number>();
    const referenced = new Set<number>();
    const stack: PdfValue[] = [...roots];
    let steps = 0;
    while (stack.length > 0) {
      if (++steps > limit) throw new PdfSyntaxError("object graph too large");
      const v = stack.pop();
      if (v === null || v === undefined || typeof v !== "object") continue;
      if (v instanceof PdfRef) {
        referenced.add(v.num);
        if (reachable.has(v.num)) continue;
        const obj = this.get(v.num);
        if (obj === undefined) continue;
        reachable.add(v.num);
        stack.push(obj);
      } else if (Array.isArray(v)) for (const x of v) stack.push(x);
      else if (v instanceof PdfDict) for (const x of v.map.values()) stack.push(x);
      else if (v instanceof PdfStream) for (const x of v.dict.map.values()) stack.push(x);
    }
    return { reachable, referenced };
  }
}

export function isName(v: PdfValue | undefined, name: string): boolean {
  return v instanceof PdfName && v.name === name;
}
