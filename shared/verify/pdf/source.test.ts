import { describe, expect, it } from "vitest";
import { PdfFile } from "./document.ts";
import { BlockCachedSource, MemorySource } from "./source.ts";
import { appendUpdate, buildPdf, stream } from "../../../test/verify/corpus.ts";

/** A file read through a cache of blocks and a reused chunk buffer, as the CLI reads one. */
function cached(bytes: Uint8Array): BlockCachedSource {
  return new BlockCachedSource(
    bytes.length,
    (s, e) => bytes.slice(s, e),
    (s, dest) => {
      const n = Math.max(0, Math.min(dest.length, bytes.length - s));
      dest.set(bytes.subarray(s, s + n));
      return n;
    },
  );
}

describe("reading a PDF by position", () => {
  it("finds a revision whose %%EOF straddles a 1 MiB chunk boundary, and a large stream left in the file", () => {
    const MiB = 1 << 20;
    const first = buildPdf([
      { num: 1, body: "<< /Type /Catalog /Pages 2 0 R >>" },
      { num: 2, body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>" },
      { num: 3, body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>" },
      { num: 4, body: stream("x".repeat(300_000)) },
    ]).bytes;
    // Pad the first revision with a comment so that its "%%EOF" starts 2 bytes before 1 MiB.
    const text = Buffer.from(first).toString("latin1");
    const eof = text.lastIndexOf("%%EOF");
    const startxref = Number(/startxref\s+(\d+)/.exec(text.slice(text.lastIndexOf("startxref")))![1]);
    const withPad = (pad: number) =>
      text.slice(0, startxref) + "%" + "p".repeat(pad - 2) + "\n" + text.slice(startxref).replace(/startxref\s+\d+/, `startxref\n${startxref + pad}`);
    // The new startxref may have one digit more: measure once, then correct.
    let padded = withPad(MiB - 2 - eof);
    padded = withPad(MiB - 2 - eof - (padded.lastIndexOf("%%EOF") - (MiB - 2)));
    const bytes = appendUpdate(new Uint8Array(Buffer.from(padded, "latin1")), [{ num: 5, body: "(orphan)" }]);
    expect(Buffer.from(bytes).toString("latin1").indexOf("%%EOF")).toBe(MiB - 2);
    for (const src of [new MemorySource(bytes), cached(bytes)]) {
      const f = PdfFile.open(src);
      expect(f.revisions.map((r) => r.eofAt)[0]).toBe(MiB - 2);
      expect(f.revisions).toHaveLength(2);
      const content = f.last.get(4);
      expect((content as { length: number }).length).toBe(300_000);
    }
  });

  it("reads across block boundaries the same bytes as memory", () => {
    const bytes = new Uint8Array(300_000).map((_, i) => i % 251);
    const src = cached(bytes);
    for (const [s, e] of [
      [0, 10],
      [65_530, 65_545],
      [100, 200_000],
      [299_990, 300_010],
    ] as const)
      expect(src.read(s, e)).toEqual(bytes.subarray(s, Math.min(e, bytes.length)));
  });
});
