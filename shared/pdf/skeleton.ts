import { forEachChunk, type ByteSource } from "./source.ts";

/**
 * A PDF read once, front to back, into a copy that leaves out the data of its large images
 * and embedded files: what signing needs to parse the document (pages, form, text for the
 * layout) without holding a 100 MB scan in memory. The copy has the file's length and every
 * byte at its own offset, so @libpdf/core parses it as the file; the omitted data are zero
 * pages the process never touches (Linux maps them lazily), and stay in the file.
 *
 * No PDF library parses by position, so this is written here: a scan for `stream` keywords
 * whose dictionary gives a direct /Length, checked afterwards against the parser's own view
 * of each omitted object (`checkOmissions`).
 */
export interface PdfSkeleton {
  bytes: Uint8Array;
  /** Stream data left out: [start, end) in the file, and the object they belong to. */
  omitted: OmittedData[];
}

export interface OmittedData {
  objectNumber: number;
  generation: number;
  start: number;
  end: number;
}

/** Streams smaller than this are copied: leaving them out saves little. */
export const OMIT_AT_LEAST = 64 * 1024;
/** A dictionary longer than this before its `stream` keyword is not looked into (copied as is). */
const MAX_DICT = 16 * 1024;
/** Bytes kept from the end of one chunk to find a keyword that straddles two chunks. */
const CARRY = 64;

const STREAM = [0x73, 0x74, 0x72, 0x65, 0x61, 0x6d]; // "stream"
const latin1 = new TextDecoder("latin1");

function isWhite(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
}

function indexOfStream(b: Uint8Array, from: number): number {
  for (let i = b.indexOf(0x73, from); i >= 0 && i + 6 <= b.length; i = b.indexOf(0x73, i + 1)) {
    if (b[i + 1] === 0x74 && b[i + 2] === 0x72 && b[i + 3] === 0x65 && b[i + 4] === 0x61 && b[i + 5] === 0x6d) return i;
  }
  return -1;
}

/**
 * What may be left out for the stream whose `stream` keyword ends at `keywordEnd` in `bytes`
 * (already copied up to there): an image or an embedded file with a direct /Length.
 */
function omissible(bytes: Uint8Array, keywordAt: number): { objectNumber: number; generation: number; length: number } | undefined {
  const from = Math.max(0, keywordAt - MAX_DICT);
  const text = latin1.decode(bytes.subarray(from, keywordAt));
  // The object's header: the last "N G obj" before the keyword, with the dictionary after it.
  const headers = [...text.matchAll(/(?:^|[\s>\]])(\d{1,10})\s+(\d{1,5})\s+obj\b/g)];
  const header = headers[headers.length - 1];
  if (!header) return undefined;
  const dict = text.slice(header.index! + header[0].length);
  if (!/^\s*<</.test(dict) || !/>>\s*$/.test(dict)) return undefined;
  if (!/\/Subtype\s*\/Image\b/.test(dict) && !/\/Type\s*\/EmbeddedFile\b/.test(dict)) return undefined;
  const lengths = [...dict.matchAll(/\/Length\s+(\d{1,12})(\s+\d+\s+R)?/g)];
  // One /Length, direct (an indirect one is another object, perhaps further on).
  if (lengths.length !== 1 || lengths[0]![2]) return undefined;
  return { objectNumber: Number(header[1]), generation: Number(header[2]), length: Number(lengths[0]![1]) };
}

/**
 * Reads `source` once, in order, passing every chunk to `each` (to hash the file in the same
 * pass), and returns the copy without the data of large images and embedded files.
 */
export function readPdfSkeleton(source: ByteSource, each?: (chunk: Uint8Array) => void): PdfSkeleton {
  const n = source.length;
  const bytes = new Uint8Array(n);
  const omitted: OmittedData[] = [];
  let copied = 0; // every byte before this is copied or omitted
  let skipEnd = 0; // end of the data being omitted
  let examined = 0; // keywords before this were looked at
  const scratch = new Uint8Array((1 << 20) + CARRY);
  let carry = 0; // bytes of the previous chunk at the front of `scratch`
  let at = 0;

  const copyTo = (to: number, view: Uint8Array, viewStart: number) => {
    if (copied < skipEnd) copied = Math.min(to, skipEnd);
    if (to > copied) bytes.set(view.subarray(copied - viewStart, to - viewStart), copied);
    copied = Math.max(copied, to);
  };

  forEachChunk(source, 0, n, (chunk) => {
    each?.(chunk);
    const end = at + chunk.length;
    // The chunk after the last bytes of the one before (a keyword may straddle the two); a
    // source giving larger chunks is searched without them (a keyword missed costs memory only).
    const withCarry = chunk.length + carry <= scratch.length;
    if (withCarry) scratch.set(chunk, carry);
    const view = withCarry ? scratch.subarray(0, carry + chunk.length) : chunk;
    const viewStart = withCarry ? at - carry : at;
    const firstFrom = (from: number) => Math.max(from, examined - viewStart, skipEnd - viewStart, 0);
    let deferTo = end;
    for (let i = indexOfStream(view, firstFrom(0)); i >= 0; i = indexOfStream(view, firstFrom(i + 1))) {
      const k = viewStart + i;
      // The end of line after the keyword must be in this chunk; otherwise look again with the next one.
      if (i + 8 > view.length && end < n) {
        deferTo = k;
        break;
      }
      examined = k + 1;
      const eol = view[i + 6] === 0x0d && view[i + 7] === 0x0a ? 2 : view[i + 6] === 0x0a || view[i + 6] === 0x0d ? 1 : 0;
      if (eol === 0) continue; // "endstream", or "stream" inside data
      let j = i - 1;
      while (j >= 0 && isWhite(view[j])) j--;
      if (view[j] !== 0x3e) continue; // not after a dictionary's ">>"
      copyTo(k, view, viewStart);
      const o = omissible(bytes, k);
      const dataStart = k + 6 + eol;
      if (!o || o.length < OMIT_AT_LEAST || dataStart + o.length > n) continue;
      copyTo(dataStart, view, viewStart);
      skipEnd = dataStart + o.length;
      omitted.push({ objectNumber: o.objectNumber, generation: o.generation, start: dataStart, end: skipEnd });
    }
    if (deferTo === end) examined = Math.max(examined, end - STREAM.length + 1);
    copyTo(deferTo, view, viewStart);
    const tail = view.slice(Math.max(0, view.length - CARRY));
    scratch.set(tail, 0);
    carry = tail.length;
    at = end;
  });
  copyTo(n, bytes, 0);
  return { bytes, omitted: refill(source, bytes, omitted) };
}

/** After the data: an optional end of line, then `endstream`. */
function endsAsStream(bytes: Uint8Array, at: number): boolean {
  let i = at;
  while (i < at + 2 && (bytes[i] === 0x0d || bytes[i] === 0x0a)) i++;
  return latin1.decode(bytes.subarray(i, i + 9)) === "endstream";
}

/** A /Length that lied: the data of those streams are read again and copied (rare; costs memory, never correctness). */
function refill(source: ByteSource, bytes: Uint8Array, omitted: OmittedData[]): OmittedData[] {
  return omitted.filter((o) => {
    if (endsAsStream(bytes, o.end)) return true;
    fill(source, bytes, o);
    return false;
  });
}

export function fill(source: ByteSource, bytes: Uint8Array, o: OmittedData): void {
  let at = o.start;
  forEachChunk(source, o.start, o.end, (c) => {
    bytes.set(c, at);
    at += c.length;
  });
}
