import type { ByteSource } from "./source.ts";

/**
 * PDF objects as the verifier reads them: plain immutable values that remember where in the
 * file they came from (strings and dictionaries keep their byte span, because the
 * signature's /Contents must sit exactly in the /ByteRange gap).
 */
export class PdfName {
  constructor(readonly name: string) {}
}

export class PdfString {
  constructor(
    readonly bytes: Uint8Array,
    readonly hex: boolean,
    /** Byte span of the token in the buffer it was parsed from: [start, end). */
    readonly start: number,
    readonly end: number,
  ) {}
  text(): string {
    const b = this.bytes;
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
      let s = "";
      for (let i = 2; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
      return s;
    }
    if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return new TextDecoder().decode(b.subarray(3));
    // PDFDocEncoding coincides with Latin-1 for the characters that matter here.
    let s = "";
    for (const c of b) s += String.fromCharCode(c);
    return s;
  }
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
  key(): string {
    return `${this.num} ${this.gen}`;
  }
}

export class PdfDict {
  constructor(
    readonly map: Map<string, PdfValue>,
    readonly start: number,
    readonly end: number,
    /** A key appeared twice: readers disagree on which one wins, so a signature dictionary must not have any. */
    readonly duplicateKeys = false,
  ) {}
  get(key: string): PdfValue | undefined {
    return this.map.get(key);
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  name(key: string): string | undefined {
    const v = this.map.get(key);
    return v instanceof PdfName ? v.name : undefined;
  }
}

/** Stream data left in the file: read when a rule needs it, never kept (the file may be 100 MB). */
export interface StreamSpan {
  source: ByteSource;
  start: number;
  end: number;
}

export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    /** The raw (still encoded) stream data, or where it lies in the file. */
    private readonly raw: Uint8Array | StreamSpan,
  ) {}
  /** The raw (still encoded) stream data. */
  get data(): Uint8Array {
    const r = this.raw;
    return r instanceof Uint8Array ? r : r.source.read(r.start, r.end);
  }
  get length(): number {
    const r = this.raw;
    return r instanceof Uint8Array ? r.length : r.end - r.start;
  }
  /** The same bytes of the same file: equal without reading them. */
  sameSpan(o: PdfStream): boolean {
    const a = this.raw;
    const b = o.raw;
    return !(a instanceof Uint8Array) && !(b instanceof Uint8Array) && a.source === b.source && a.start === b.start && a.end === b.end;
  }
}

export type PdfValue = null | boolean | number | PdfName | PdfString | PdfRef | PdfDict | PdfStream | PdfValue[];

/** Structural equality; references compare by number and generation, streams by dictionary and raw bytes. */
export function pdfEquals(a: PdfValue | undefined, b: PdfValue | undefined, depth = 0): boolean {
  if (depth > 200) return false;
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === "number" && typeof b === "number") return sameNumber(a, b);
  if (typeof a !== "object" || typeof b !== "object") return a === b;
  if (a instanceof PdfName) return b instanceof PdfName && a.name === b.name;
  if (a instanceof PdfRef) return b instanceof PdfRef && a.num === b.num && a.gen === b.gen;
  if (a instanceof PdfString) return b instanceof PdfString && bytesEqual(a.bytes, b.bytes);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!pdfEquals(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (a instanceof PdfStream)
    return b instanceof PdfStream && a.length === b.length && pdfEquals(a.dict, b.dict, depth + 1) && (a.sameSpan(b) || bytesEqual(a.data, b.data));
  if (a instanceof PdfDict) {
    if (!(b instanceof PdfDict) || a.map.size !== b.map.size) return false;
    for (const [k, v] of a.map) if (!b.map.has(k) || !pdfEquals(v, b.map.get(k), depth + 1)) return false;
    return true;
  }
  return false;
}

/**
 * Numbers compared as numbers, with a tolerance fit for PDF reals: writers print them with
 * different precision (poppler re-prints /MediaBox 595.303937007874 as 595.3039370079), and
 * a millionth of a point is far below anything a reader shows.
 */
export function sameNumber(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Every reference found inside a value (not following them). */
export function collectRefs(v: PdfValue | undefined, out: PdfRef[], depth = 0): void {
  if (depth > 200 || v === null || v === undefined || typeof v !== "object") return;
  if (v instanceof PdfRef) out.push(v);
  else if (Array.isArray(v)) for (const x of v) collectRefs(x, out, depth + 1);
  else if (v instanceof PdfDict) for (const x of v.map.values()) collectRefs(x, out, depth + 1);
  else if (v instanceof PdfStream) collectRefs(v.dict, out, depth + 1);
}

/** Dictionary keys whose values differ between two dictionaries. */
export function changedKeys(a: PdfDict, b: PdfDict): string[] {
  const keys = new Set([...a.map.keys(), ...b.map.keys()]);
  return [...keys].filter((k) => !pdfEquals(a.get(k), b.get(k)));
}

export function dictOf(v: PdfValue | undefined): PdfDict | undefined {
  if (v instanceof PdfDict) return v;
  if (v instanceof PdfStream) return v.dict;
  return undefined;
}
