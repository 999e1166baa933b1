import { Unzlib, Inflate } from "fflate";
import { PdfDict, PdfName, PdfStream, type PdfValue } from "./objects.ts";
import { PdfSyntaxError } from "./parser.ts";

/** Decoded stream data is capped: a small hostile stream must not inflate to gigabytes. */
export const MAX_DECODED_BYTES = 64 * 1024 * 1024;

function inflateBounded(data: Uint8Array, limit: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const sink = (chunk: Uint8Array) => {
    total += chunk.length;
    if (total > limit) throw new PdfSyntaxError("decoded stream too large");
    chunks.push(chunk);
  };
  const run = (zlib: boolean) => {
    chunks.length = 0;
    total = 0;
    const d = zlib ? new Unzlib(sink) : new Inflate(sink);
    d.push(zlib ? data : data.subarray(2), true);
  };
  try {
    run(true);
  } catch (e) {
    if (e instanceof PdfSyntaxError) throw e;
    // Some writers emit a wrong Adler-32 or a raw deflate body: accept what inflates.
    try {
      run(false);
    } catch (e2) {
      if (e2 instanceof PdfSyntaxError) throw e2;
      if (total === 0) throw new PdfSyntaxError("corrupt Flate stream");
    }
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

function pngPredictor(data: Uint8Array, columns: number, colors: number, bpc: number): Uint8Array {
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((columns * colors * bpc) / 8);
  if (rowLen <= 0 || rowLen > 1 << 20) throw new PdfSyntaxError("bad predictor columns");
  const rows = Math.floor(data.length / (rowLen + 1));
  const out = new Uint8Array(rows * rowLen);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLen + 1)]!;
    const src = r * (rowLen + 1) + 1;
    const dst = r * rowLen;
    for (let i = 0; i < rowLen; i++) {
      const raw = data[src + i]!;
      const left = i >= bpp ? out[dst + i - bpp]! : 0;
      const up = r > 0 ? out[dst - rowLen + i]! : 0;
      const ul = r > 0 && i >= bpp ? out[dst - rowLen + i - bpp]! : 0;
      let v: number;
      switch (type) {
        case 0:
          v = raw;
          break;
        case 1:
          v = raw + left;
          break;
        case 2:
          v = raw + up;
          break;
        case 3:
          v = raw + ((left + up) >> 1);
          break;
        case 4: {
          const p = left + up - ul;
          const pa = Math.abs(p - left),
            pb = Math.abs(p - up),
            pc = Math.abs(p - ul);
          v = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : ul);
          break;
        }
        default:
          throw new PdfSyntaxError("bad PNG predictor row type");
      }
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}

function num(d: PdfDict | undefined, k: string, def: number): number {
  const v = d?.get(k);
  return typeof v === "number" && Number.isInteger(v) ? v : def;
}

/**
 * Decodes a stream the verifier needs to read itself (object streams, cross-reference
 * streams). Only FlateDecode with PNG predictors is supported: that is what writers use there.
 */
/** What one file may inflate in total, whatever the number of streams and revisions. */
export class DecodeBudget {
  constructor(public remaining = 256 * 1024 * 1024) {}
}

export function decodeStream(s: PdfStream, limit = MAX_DECODED_BYTES, budget?: DecodeBudget): Uint8Array {
  if (budget) {
    if (budget.remaining <= 0) throw new PdfSyntaxError("the file inflates to more data than allowed");
    limit = Math.min(limit, budget.remaining);
  }
  const f = s.dict.get("Filter");
  const filters: PdfValue[] = f === undefined || f === null ? [] : Array.isArray(f) ? f : [f];
  const p = s.dict.get("DecodeParms");
  const parms: PdfValue[] = Array.isArray(p) ? p : [p ?? null];
  let data = s.data;
  filters.forEach((fv, i) => {
    if (!(fv instanceof PdfName)) throw new PdfSyntaxError("bad /Filter");
    if (fv.name !== "FlateDecode" && fv.name !== "Fl") throw new PdfSyntaxError(`unsupported filter ${fv.name}`);
    data = inflateBounded(data, limit);
    const dp = parms[i] instanceof PdfDict ? (parms[i] as PdfDict) : undefined;
    const predictor = num(dp, "Predictor", 1);
    if (predictor >= 10) data = pngPredictor(data, num(dp, "Columns", 1), num(dp, "Colors", 1), num(dp, "BitsPerComponent", 8));
    else if (predictor !== 1) throw new PdfSyntaxError("unsupported predictor");
  });
  if (budget) budget.remaining -= data.length;
  return data;
}
