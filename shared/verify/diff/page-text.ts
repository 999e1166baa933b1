import { PdfDict, PdfStream, type PdfValue } from "../pdf/objects.ts";
import type { RevisionView } from "../pdf/document.ts";
import { decodeStream } from "../pdf/filters.ts";

/**
 * Where a page shows text, as sampled points in default user space: enough to tell whether
 * a later annotation or signature appearance lies over signed text (the Sneaky Signature
 * Attack paints a white box and new words over the body). A small content-stream reader:
 * graphics state (q/Q/cm), text state (BT, Tm, Td, TD, T*, TL, Tf) and text showing (Tj, TJ, ', "),
 * into form XObjects a few levels deep. Glyph widths are estimated (half the font size per
 * byte): the points mark where text lies, not its exact outline. Images (XObjects and inline
 * images) are recorded as the rectangle the image space's unit square is mapped to: on a
 * scanned page the signed content is an image, and an overlay there hides it just the same.
 */
export type Point = [number, number];
/** [x1, y1, x2, y2] in default user space. */
export type Rect = [number, number, number, number];
/** What a page shows: points where its text lies, rectangles where it draws images. */
export interface PageMarks {
  text: Point[];
  images: Rect[];
}
type Matrix = [number, number, number, number, number, number];

const MAX_CONTENT = 4 * 1024 * 1024;
const MAX_POINTS = 200_000;
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

function mul(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}
function apply(m: Matrix, x: number, y: number): Point {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

type Token = number | string | { op: string } | { bytes: number } | Token[];

/** Tokens of a content stream: numbers, names ("/X"), string lengths, arrays, operators. */
function* tokens(b: Uint8Array): Generator<Token> {
  let i = 0;
  const n = b.length;
  const white = (c: number) => c === 32 || c === 10 || c === 13 || c === 9 || c === 12 || c === 0;
  const delim = (c: number) => c === 40 || c === 41 || c === 60 || c === 62 || c === 91 || c === 93 || c === 47 || c === 37 || c === 123 || c === 125;
  const stack: Token[][] = [];
  const emit = function* (t: Token): Generator<Token> {
    if (stack.length > 0) stack[stack.length - 1]!.push(t);
    else yield t;
  };
  while (i < n) {
    const c = b[i]!;
    if (white(c)) {
      i++;
    } else if (c === 37) {
      while (i < n && b[i] !== 10 && b[i] !== 13) i++;
    } else if (c === 40) {
      let depth = 1;
      let len = 0;
      i++;
      while (i < n && depth > 0) {
        const d = b[i]!;
        if (d === 92) i += 2;
        else {
          if (d === 40) depth++;
          else if (d === 41) depth--;
          i++;
        }
        len++;
      }
      yield* emit({ bytes: Math.max(0, len - 1) });
    } else if (c === 60 && b[i + 1] === 60) {
      // An inline dictionary (marked-content properties): skipped whole.
      let depth = 0;
      while (i < n) {
        if (b[i] === 60 && b[i + 1] === 60) depth++, (i += 2);
        else if (b[i] === 62 && b[i + 1] === 62) {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
      yield* emit("<<>>");
    } else if (c === 60) {
      const end = b.indexOf(62, i);
      const stop = end < 0 ? n : end;
      let hex = 0;
      for (let k = i + 1; k < stop; k++) if (!white(b[k]!)) hex++;
      i = stop + 1;
      yield* emit({ bytes: Math.ceil(hex / 2) });
    } else if (c === 91) {
      stack.push([]);
      i++;
    } else if (c === 93) {
      const arr = stack.pop() ?? [];
      i++;
      yield* emit(arr);
    } else if (c === 47) {
      let j = i + 1;
      while (j < n && !white(b[j]!) && !delim(b[j]!)) j++;
      yield* emit("/" + String.fromCharCode(...b.subarray(i + 1, Math.min(j, i + 128))));
      i = j;
    } else {
      let j = i;
      while (j < n && !white(b[j]!) && !delim(b[j]!)) j++;
      if (j === i) {
        i++;
        continue;
      }
      const word = String.fromCharCode(...b.subarray(i, Math.min(j, i + 64)));
      i = j;
      const num = Number(word);
      if (word !== "" && !Number.isNaN(num) && /^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) yield* emit(num);
      else if (word === "ID") {
        // Inline image data up to "EI": skipped.
        const ei = findEI(b, i);
        i = ei < 0 ? n : ei + 2;
        yield* emit({ op: "EI" });
      } else yield* emit({ op: word });
    }
  }
}

function findEI(b: Uint8Array, from: number): number {
  for (let k = from; k + 1 < b.length; k++) {
    if (b[k] === 69 && b[k + 1] === 73 && (k + 2 >= b.length || b[k + 2]! <= 32) && b[k - 1]! <= 32) return k;
  }
  return -1;
}

function contentsOf(view: RevisionView, v: PdfValue | undefined): Uint8Array[] {
  const r = view.resolve(v);
  const list = Array.isArray(r) ? r.map((x) => view.resolve(x)) : [r];
  const out: Uint8Array[] = [];
  for (const s of list) {
    if (!(s instanceof PdfStream)) continue;
    try {
      out.push(decodeStream(s, MAX_CONTENT));
    } catch {
      // An undecodable content stream shows nothing a reader could draw either.
    }
  }
  return out;
}

const MAX_IMAGES = 10_000;

/** The bounding box of the unit square under `m`: where an image is painted. */
function unitSquare(m: Matrix): Rect {
  const corners = [apply(m, 0, 0), apply(m, 1, 0), apply(m, 0, 1), apply(m, 1, 1)];
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function run(view: RevisionView, data: Uint8Array, resources: PdfDict | undefined, base: Matrix, marks: PageMarks, depth: number): void {
  const out = marks.text;
  let ctm = base;
  const saved: Matrix[] = [];
  let tm: Matrix = IDENTITY;
  let tlm: Matrix = IDENTITY;
  let fontSize = 12;
  let leading = 0;
  const operands: Token[] = [];
  const num = (k: number) => {
    const t = operands[operands.length - k];
    return typeof t === "number" ? t : 0;
  };
  const show = (bytes: number) => {
    const trm = mul(tm, ctm);
    const fs = Math.abs(fontSize) || 1;
    const width = bytes * fs * 0.5;
    for (let x = 0; x <= width && out.length < MAX_POINTS; x += Math.max(fs * 0.5, 0.5)) {
      out.push(apply(trm, x, fs * 0.3));
    }
    tm = mul([1, 0, 0, 1, width, 0], tm);
  };
  const newline = (tx: number, ty: number) => {
    tlm = mul([1, 0, 0, 1, tx, ty], tlm);
    tm = tlm;
  };
  for (const t of tokens(data)) {
    if (out.length >= MAX_POINTS) return;
    if (typeof t !== "object" || Array.isArray(t) || "bytes" in t) {
      operands.push(t);
      if (operands.length > 64) operands.shift();
      continue;
    }
    switch (t.op) {
      case "q":
        if (saved.length < 256) saved.push(ctm);
        break;
      case "Q":
        ctm = saved.pop() ?? base;
        break;
      case "cm":
        ctm = mul([num(6), num(5), num(4), num(3), num(2), num(1)], ctm);
        break;
      case "BT":
        tm = tlm = IDENTITY;
        break;
      case "Tm":
        tm = tlm = [num(6), num(5), num(4), num(3), num(2), num(1)];
        break;
      case "Td":
        newline(num(2), num(1));
        break;
      case "TD":
        leading = -num(1);
        newline(num(2), num(1));
        break;
      case "TL":
        leading = num(1);
        break;
      case "T*":
        newline(0, -leading);
        break;
      case "Tf":
        fontSize = num(1);
        break;
      case "Tj":
      case "'":
      case '"': {
        if (t.op !== "Tj") newline(0, -leading);
        const s = operands[operands.length - 1];
        if (s && typeof s === "object" && "bytes" in s) show(s.bytes);
        break;
      }
      case "TJ": {
        const arr = operands[operands.length - 1];
        if (Array.isArray(arr)) show(arr.reduce<number>((n, x) => n + (x && typeof x === "object" && "bytes" in x ? x.bytes : 0), 0));
        break;
      }
      case "EI":
        if (marks.images.length < MAX_IMAGES) marks.images.push(unitSquare(ctm));
        break;
      case "Do": {
        const name = operands[operands.length - 1];
        if (depth >= 3 || typeof name !== "string" || !name.startsWith("/")) break;
        const xo = view.resolve(view.dict(resources?.get("XObject"))?.get(name.slice(1)));
        if (xo instanceof PdfStream && xo.dict.name("Subtype") === "Image") {
          if (marks.images.length < MAX_IMAGES) marks.images.push(unitSquare(ctm));
          break;
        }
        if (!(xo instanceof PdfStream) || xo.dict.name("Subtype") !== "Form") break;
        const m = view.array(xo.dict.get("Matrix"));
        const matrix = m && m.length === 6 && m.every((x) => typeof x === "number") ? (m as Matrix) : IDENTITY;
        const res = view.dict(xo.dict.get("Resources")) ?? resources;
        for (const d of contentsOf(view, xo)) run(view, d, res, mul(matrix, ctm), marks, depth + 1);
        break;
      }
    }
    operands.length = 0;
  }
}

/** Where the page's text lies (sampled points) and where it draws images (bounded work; an unreadable page gives none). */
export function pageMarks(view: RevisionView, page: PdfDict): PageMarks {
  const marks: PageMarks = { text: [], images: [] };
  const resources = view.dict(page.get("Resources"));
  for (const data of contentsOf(view, page.get("Contents"))) run(view, data, resources, IDENTITY, marks, 0);
  return marks;
}

/** Sampled points where the page's text lies. */
export function textPoints(view: RevisionView, page: PdfDict): Point[] {
  return pageMarks(view, page).text;
}
