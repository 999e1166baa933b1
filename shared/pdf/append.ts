import type { PDF } from "@libpdf/core";
import { VanthuError } from "../errors.ts";
import { quietly } from "./quiet.ts";
import { allowAppendToLinearized, withOriginalBytes } from "./libpdf-adapter.ts";

/**
 * The revision appended to a PDF, written without a copy of the file: what @libpdf/core
 * changed in `pdf`, as the bytes that follow the original's last byte. The original is
 * neither read nor copied here (it may be a 100 MB scan, or the skeleton of one), so signing
 * holds the file once at most and the CLI holds it not at all.
 */
export async function saveAppendedRevision(pdf: PDF, original: { length: number; lastByte: number }): Promise<Uint8Array> {
  const blocker = pdf.canSaveIncrementally();
  if (blocker === "linearized") {
    // Appending to a linearized file is valid (ISO 32000-1 F.2): its hints simply stop being used.
    allowAppendToLinearized(pdf);
  } else if (blocker) {
    throw new VanthuError(
      "PDF_NO_INCREMENTAL",
      "Không thể ghi thêm phiên bản mới vào tệp PDF này mà không làm hỏng chữ ký cũ",
      `incremental save impossible: ${blocker}`,
    );
  }
  const written = await withOriginalBytes(pdf, Uint8Array.of(original.lastByte), () => quietly(() => pdf.save({ incremental: true, subsetFonts: true })));
  if (written.length <= 1) throw internal("nothing was written");
  return relocateSection(written, original.length - 1);
}

function internal(why: string): VanthuError {
  return new VanthuError("PDF_NO_INCREMENTAL", "Lỗi nội bộ khi ghi phiên bản mới của tệp PDF", `appended revision: ${why}`);
}

const latin1 = new TextDecoder("latin1");
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/**
 * `written` is the one-byte stand-in followed by the section, its offsets counted from the
 * stand-in; the stand-in is the file's byte at `base`. Returns the section with every offset
 * it holds (cross-reference entries, startxref) moved by `base`. /Prev already names the
 * original's own cross-reference section and is left as it is.
 */
export function relocateSection(written: Uint8Array, base: number): Uint8Array {
  const text = latin1.decode(written);
  const sx = text.lastIndexOf("startxref");
  const m = /^startxref\s+(\d+)\s+%%EOF\s*$/.exec(text.slice(sx));
  if (sx < 0 || !m) throw internal("no startxref at the end");
  const xref = Number(m[1]);
  const head = text.startsWith("xref", xref)
    ? relocateTable(written.slice(0, sx), text, xref, base)
    : relocateStream(written, xref, text.slice(xref, sx), base);
  const tail = ascii(`startxref\n${xref + base}\n%%EOF\n`);
  const out = new Uint8Array(head.length - 1 + tail.length);
  out.set(head.subarray(1), 0);
  out.set(tail, head.length - 1);
  return out;
}

/** A cross-reference table: each in-use entry's ten-digit offset, rewritten in place. */
function relocateTable(bytes: Uint8Array, text: string, xref: number, base: number): Uint8Array {
  const sub = /(\d+)[ \t]+(\d+)[ \t]*\r?\n/y;
  let at = text.indexOf("\n", xref) + 1;
  for (;;) {
    if (text.startsWith("trailer", at)) return bytes;
    sub.lastIndex = at;
    const h = sub.exec(text);
    if (!h) throw internal("bad cross-reference subsection");
    at = sub.lastIndex;
    for (let k = 0; k < Number(h[2]); k++, at += 20) {
      const entry = /^(\d{10}) (\d{5}) ([nf])/.exec(text.slice(at, at + 20));
      if (!entry) throw internal("bad cross-reference entry");
      if (entry[3] !== "n") continue;
      const moved = String(Number(entry[1]) + base);
      if (moved.length > 10) throw internal("offset beyond ten digits");
      bytes.set(ascii(moved.padStart(10, "0")), at);
    }
  }
}

/** A cross-reference stream (written uncompressed by @libpdf/core): decoded, moved, encoded again with wider fields if need be. */
function relocateStream(written: Uint8Array, xref: number, object: string, base: number): Uint8Array {
  const before = written.subarray(0, xref);
  const m = /^(\d+\s+\d+\s+obj\s*)<<([\s\S]*?)>>\s*stream\r?\n/.exec(object);
  if (!m) throw internal("bad cross-reference stream");
  const dict = m[2]!;
  const w = /\/W\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(dict);
  const len = /\/Length\s+(\d+)/.exec(dict);
  if (!w || !len || /\/Filter/.test(dict)) throw internal("unexpected cross-reference stream dictionary");
  const widths = [Number(w[1]), Number(w[2]), Number(w[3])];
  const size = widths[0]! + widths[1]! + widths[2]!;
  // Binary: taken from the bytes (a single-byte decoding keeps positions, not values).
  const data = written.subarray(xref + m[0].length, xref + m[0].length + Number(len[1]));
  const field = (at: number, width: number) => {
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + data[at + i]!;
    return v;
  };
  const rows: [number, number, number][] = [];
  for (let at = 0; at + size <= data.length; at += size) {
    const type = widths[0] === 0 ? 1 : field(at, widths[0]!);
    const f2 = field(at + widths[0]!, widths[1]!);
    rows.push([type, type === 1 ? f2 + base : f2, field(at + widths[0]! + widths[1]!, widths[2]!)]);
  }
  const w2 = Math.max(1, Math.ceil(Math.log2(Math.max(...rows.map((r) => r[1]), 1) + 1) / 8));
  const w1 = 1;
  const w3 = Math.max(1, widths[2]!);
  const out = new Uint8Array(rows.length * (w1 + w2 + w3));
  let o = 0;
  const put = (v: number, width: number) => {
    for (let i = width - 1; i >= 0; i--) {
      out[o + i] = v % 256;
      v = Math.floor(v / 256);
    }
    o += width;
  };
  for (const [t, f2, f3] of rows) {
    put(t, w1);
    put(f2, w2);
    put(f3, w3);
  }
  const newDict = dict.replace(w[0], `/W [${w1} ${w2} ${w3}]`).replace(len[0], `/Length ${out.length}`);
  const obj = ascii(`${m[1]}<<${newDict}>>\nstream\n`);
  const end = ascii("\nendstream\nendobj\n");
  const result = new Uint8Array(before.length + obj.length + out.length + end.length);
  result.set(before, 0);
  result.set(obj, before.length);
  result.set(out, before.length + obj.length);
  result.set(end, before.length + obj.length + out.length);
  return result;
}
