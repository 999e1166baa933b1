import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfValue } from "./objects.ts";
import type { ByteSource } from "./source.ts";

/** A malformed PDF: thrown by the reader, turned into a clean "error" status by the verifier. */
export class PdfSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PdfSyntaxError";
  }
}

const MAX_DEPTH = 64;

const WS = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WS[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of "()<>[]{}/%") DELIM[c.charCodeAt(0)] = 1;

export function isWhite(c: number | undefined): boolean {
  return c !== undefined && WS[c] === 1;
}
function isRegular(c: number | undefined): boolean {
  return c !== undefined && WS[c] !== 1 && DELIM[c] !== 1;
}
/** A byte's value as a hex digit; -2 for white space, -1 for anything else. */
const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 256; c++) HEX[c] = WS[c] === 1 ? -2 : hexVal(c);

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * A strict, bounded parser over one buffer. Every loop advances the position, nesting is
 * limited, and nothing reads past the buffer: hostile input ends in PdfSyntaxError.
 */
export class PdfParser {
  pos: number;
  constructor(
    /** A window of the file (or a decoded object stream): `buf[0]` is byte `window.base` of the source. */
    readonly buf: Uint8Array,
    pos = 0,
    /** Resolves an indirect /Length of a stream (may return undefined). */
    private readonly resolveLength?: (ref: PdfRef) => number | undefined,
    /**
     * Where the window sits in the file, so that recorded byte spans are file offsets, and the
     * file itself, so that a stream whose data runs past the window is read only when used.
     */
    private readonly window: { base: number; source?: ByteSource; limit?: number } = { base: 0 },
  ) {
    this.pos = pos;
  }

  fail(what: string): never {
    throw new PdfSyntaxError(`${what} at byte ${this.window.base + this.pos}`);
  }

  skipWs(): void {
    const b = this.buf;
    while (this.pos < b.length) {
      const c = b[this.pos]!;
      if (WS[c] === 1) this.pos++;
      else if (c === 0x25) {
        while (this.pos < b.length && b[this.pos] !== 10 && b[this.pos] !== 13) this.pos++;
      } else break;
    }
  }

  /** Reads a bare keyword or number token without interpreting it. */
  peekToken(): string {
    this.skipWs();
    let end = this.pos;
    while (end < this.buf.length && end - this.pos < 64 && isRegular(this.buf[end])) end++;
    return latin1(this.buf, this.pos, end);
  }

  readToken(): string {
    const t = this.peekToken();
    this.pos += t.length;
    return t;
  }

  expectKeyword(k: string): void {
    const t = this.readToken();
    if (t !== k) this.fail(`expected '${k}', found '${t.slice(0, 20)}'`);
  }

  readInt(): number {
    const t = this.readToken();
    if (!/^[+-]?\d{1,15}$/.test(t)) this.fail(`expected an integer, found '${t.slice(0, 20)}'`);
    return Number(t);
  }

  parseValue(depth = 0): PdfValue {
    if (depth > MAX_DEPTH) this.fail("objects nested too deeply");
    this.skipWs();
    const b = this.buf;
    if (this.pos >= b.length) this.fail("unexpected end of data");
    const c = b[this.pos]!;
    if (c === 0x2f) return this.parseName();
    if (c === 0x28) return this.parseLiteralString();
    if (c === 0x3c) {
      if (b[this.pos + 1] === 0x3c) return this.parseDict(depth);
      return this.parseHexString();
    }
    if (c === 0x5b) {
      this.pos++;
      const arr: PdfValue[] = [];
      for (;;) {
        this.skipWs();
        if (this.pos >= b.length) this.fail("unterminated array");
        if (b[this.pos] === 0x5d) {
          this.pos++;
          return arr;
        }
        arr.push(this.parseValue(depth + 1));
      }
    }
    const start = this.pos;
    const tok = this.readToken();
    if (tok === "") this.fail(`unexpected character 0x${c.toString(16)}`);
    if (tok === "true") return true;
    if (tok === "false") return false;
    if (tok === "null") return null;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(tok)) {
      // An integer may be the start of "num gen R".
      if (/^\d+$/.test(tok)) {
        const save = this.pos;
        const t2 = this.readToken();
        if (/^\d+$/.test(t2)) {
          const t3 = this.readToken();
          if (t3 === "R") {
            const num = Number(tok);
            const gen = Number(t2);
            if (!Number.isSafeInteger(num) || gen > 65535) this.fail("bad reference");
            return new PdfRef(num, gen);
          }
        }
        this.pos = save;
      }
      const n = Number(tok);
      if (!Number.isFinite(n)) this.fail("bad number");
      return n;
    }
    this.pos = start;
    this.fail(`unexpected token '${tok.slice(0, 20)}'`);
  }

  private parseName(): PdfName {
    const b = this.buf;
    this.pos++;
    const bytes: number[] = [];
    while (this.pos < b.length && isRegular(b[this.pos])) {
      const c = b[this.pos]!;
      if (c === 0x23 && this.pos + 2 < b.length) {
        const h = hexVal(b[this.pos + 1]!);
        const l = hexVal(b[this.pos + 2]!);
        if (h >= 0 && l >= 0) {
          bytes.push(h * 16 + l);
          this.pos += 3;
          continue;
        }
      }
      bytes.push(c);
      this.pos++;
      if (bytes.length > 4096) this.fail("name too long");
    }
    return new PdfName(String.fromCharCode(...bytes));
  }

  private parseHexString(): PdfString {
    const b = this.buf;
    const start = this.pos;
    this.pos++;
    const end = b.indexOf(0x3e, this.pos);
    if (end < 0) this.fail("unterminated hex string");
    const out = new Uint8Array(Math.ceil((end - this.pos) / 2));
    let n = 0;
    let hi = -1;
    let i = this.pos;
    // Pairs of digits, as a signature's /Contents is written (thousands of them, mostly its
    // zero padding): one table look-up a digit. The loop below takes over at the first white
    // space or bad character.
    for (; i + 1 < end; i += 2) {
      const h = HEX[b[i]!]!;
      const l = HEX[b[i + 1]!]!;
      if ((h | l) < 0) break;
      out[n++] = (h << 4) | l;
    }
    for (; i < end; i++) {
      const v = HEX[b[i]!]!;
      if (v === -2) continue;
      if (v < 0) {
        this.pos = i;
        this.fail("bad character in hex string");
      }
      if (hi < 0) hi = v;
      else {
        out[n++] = hi * 16 + v;
        hi = -1;
      }
    }
    if (hi >= 0) out[n++] = hi * 16;
    this.pos = end + 1;
    return new PdfString(out.subarray(0, n), true, this.window.base + start, this.window.base + end + 1);
  }

  private parseLiteralString(): PdfString {
    const b = this.buf;
    const start = this.pos;
    this.pos++;
    const out: number[] = [];
    let depth = 1;
    while (this.pos < b.length) {
      const c = b[this.pos++]!;
      if (c === 0x5c) {
        const e = b[this.pos++];
        if (e === undefined) break;
        const map: Record<number, number> = { 110: 10, 114: 13, 116: 9, 98: 8, 102: 12, 40: 40, 41: 41, 92: 92 };
        if (map[e] !== undefined) out.push(map[e]);
        else if (e >= 48 && e <= 55) {
          let v = e - 48;
          for (let k = 0; k < 2 && b[this.pos]! >= 48 && b[this.pos]! <= 55; k++) v = v * 8 + (b[this.pos++]! - 48);
          out.push(v & 0xff);
        } else if (e === 13) {
          if (b[this.pos] === 10) this.pos++;
        } else if (e !== 10) out.push(e);
        continue;
      }
      if (c === 0x28) depth++;
      else if (c === 0x29) {
        depth--;
        if (depth === 0) return new PdfString(Uint8Array.from(out), false, this.window.base + start, this.window.base + this.pos);
      }
      out.push(c);
    }
    this.fail("unterminated string");
  }

  private parseDict(depth: number): PdfDict | PdfStream {
    const b = this.buf;
    const start = this.pos;
    this.pos += 2;
    const map = new Map<string, PdfValue>();
    let duplicates = false;
    for (;;) {
      this.skipWs();
      if (this.pos >= b.length) this.fail("unterminated dictionary");
      if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) {
        this.pos += 2;
        break;
      }
      if (b[this.pos] !== 0x2f) this.fail("dictionary key is not a name");
      const key = this.parseName().name;
      const value = this.parseValue(depth + 1);
      // A later duplicate key is ignored, as most readers do; keep the first.
      if (!map.has(key)) map.set(key, value);
      else duplicates = true;
    }
    const dict = new PdfDict(map, this.window.base + start, this.window.base + this.pos, duplicates);
    if (depth === 0) {
      const save = this.pos;
      this.skipWs();
      if (latin1(b, this.pos, this.pos + 6) === "stream" && !isRegular(b[this.pos + 6])) {
        this.pos += 6;
        return this.parseStreamBody(dict);
      }
      this.pos = save;
    }
    return dict;
  }

  private parseStreamBody(dict: PdfDict): PdfStream {
    const b = this.buf;
    if (b[this.pos] === 13 && b[this.pos + 1] === 10) this.pos += 2;
    else if (b[this.pos] === 10 || b[this.pos] === 13) this.pos++;
    const dataStart = this.pos;
    let len: number | undefined;
    const l = dict.get("Length");
    if (typeof l === "number") len = l;
    else if (l instanceof PdfRef && this.resolveLength) len = this.resolveLength(l);
    let dataEnd = -1;
    const { base, source, limit } = this.window;
    if (source && len !== undefined && Number.isInteger(len) && len >= 0 && dataStart + len > b.length && base + dataStart + len <= (limit ?? source.length)) {
      // Data beyond the window (a scanned page, say): read from the file only if a rule needs it.
      const at = base + dataStart + len;
      const tail = source.read(at, Math.min(at + 13, limit ?? source.length));
      let p = 0;
      while (p < tail.length && p < 4 && isWhite(tail[p])) p++;
      if (latin1(tail, p, p + 9) === "endstream") {
        this.pos = dataStart + len + p + 9;
        return new PdfStream(dict, { source, start: base + dataStart, end: at });
      }
      this.fail("stream data runs past the window");
    }
    if (len !== undefined && Number.isInteger(len) && len >= 0 && dataStart + len <= b.length) {
      let p = dataStart + len;
      while (p < b.length && p < dataStart + len + 4 && isWhite(b[p])) p++;
      if (latin1(b, p, p + 9) === "endstream") {
        dataEnd = dataStart + len;
        this.pos = p + 9;
      }
    }
    if (dataEnd < 0) {
      // Wrong or missing /Length: fall back to the next "endstream", as viewers do.
      const idx = indexOfAscii(b, "endstream", dataStart);
      if (idx < 0) this.fail("stream without endstream");
      dataEnd = idx;
      if (b[dataEnd - 1] === 10) dataEnd--;
      if (b[dataEnd - 1] === 13) dataEnd--;
      this.pos = idx + 9;
    }
    return new PdfStream(dict, b.subarray(dataStart, dataEnd));
  }

  /** Parses "N G obj <value> [endobj]" at the current position. */
  parseIndirect(): { num: number; gen: number; value: PdfValue } {
    const num = this.readInt();
    const gen = this.readInt();
    this.expectKeyword("obj");
    const value = this.parseValue(0);
    return { num, gen, value };
  }
}

export function latin1(b: Uint8Array, start: number, end: number): string {
  let s = "";
  const e = Math.min(end, b.length);
  for (let i = Math.max(0, start); i < e; i++) s += String.fromCharCode(b[i]!);
  return s;
}

export function indexOfAscii(b: Uint8Array, s: string, from = 0, to = b.length): number {
  const first = s.charCodeAt(0);
  const last = Math.min(to, b.length) - s.length;
  outer: for (let i = b.indexOf(first, from); i >= 0 && i <= last; i = b.indexOf(first, i + 1)) {
    for (let k = 1; k < s.length; k++) if (b[i + k] !== s.charCodeAt(k)) continue outer;
    return i;
  }
  return -1;
}

export function lastIndexOfAscii(b: Uint8Array, s: string, from: number, min = 0): number {
  const first = s.charCodeAt(0);
  for (let i = b.lastIndexOf(first, Math.min(from, b.length - s.length)); i >= min; i = i > 0 ? b.lastIndexOf(first, i - 1) : -1) {
    let ok = true;
    for (let k = 1; k < s.length; k++)
      if (b[i + k] !== s.charCodeAt(k)) {
        ok = false;
        break;
      }
    if (ok) return i;
  }
  return -1;
}
