/** The revision reader: revisions from startxref/%%EOF, tables and streams, bounds on hostile input. */
import { describe, it, expect } from "vitest";
import { PDFDocument } from "pdf-lib";
import { PdfFile } from "./document.ts";
import { PdfParser, PdfSyntaxError } from "./parser.ts";
import { PdfDict, PdfName, PdfRef, PdfString } from "./objects.ts";
import { buildPdf, stream, appendUpdate } from "../../../test/verify/corpus.ts";

const simple = buildPdf([
  { num: 1, body: "<< /Type /Catalog /Pages 2 0 R >>" },
  { num: 2, body: "<< /Type /Pages /Kids [] /Count 0 >>" },
  { num: 3, body: stream("abc") },
]).bytes;

describe("PdfParser", () => {
  it("reads names with #xx, strings with escapes, hex strings with their span, references", () => {
    const src = "<< /A#20B (x\\(y\\)\\101) /H <48 69> /R 12 0 R /N [1 -2.5 .5] >>";
    const p = new PdfParser(new TextEncoder().encode(src));
    const d = p.parseValue() as PdfDict;
    expect([...d.map.keys()]).toEqual(["A B", "H", "R", "N"]);
    expect((d.get("A B") as PdfString).text()).toBe("x(y)A");
    const h = d.get("H") as PdfString;
    expect(h.text()).toBe("Hi");
    expect([h.start, h.end]).toEqual([src.indexOf("<48"), src.indexOf("<48") + 7]);
    expect(d.get("R")).toEqual(new PdfRef(12, 0));
    expect(d.get("N")).toEqual([1, -2.5, 0.5]);
  });

  it("reads hex strings in pairs, with white space anywhere, an odd last digit, and refuses a bad character wherever it is", () => {
    const hex = (s: string) => (new PdfParser(new TextEncoder().encode(s)).parseValue() as PdfString).bytes;
    expect([...hex("<3082aB0f>")]).toEqual([0x30, 0x82, 0xab, 0x0f]);
    expect([...hex("<30 8\n2a\tB0 f>")]).toEqual([0x30, 0x82, 0xab, 0x0f]);
    expect([...hex("<3082a>")]).toEqual([0x30, 0x82, 0xa0]);
    expect([...hex("<>")]).toEqual([]);
    for (const bad of ["<30820G00>", "<3082 0G>", "<G0>", "<0G>", `<${"0".repeat(2000)}x${"0".repeat(9)}>`])
      expect(() => hex(bad), bad).toThrow(PdfSyntaxError);
  });

  it("marks duplicate keys; refuses deep nesting and unterminated input with PdfSyntaxError", () => {
    expect((new PdfParser(new TextEncoder().encode("<< /A 1 /A 2 >>")).parseValue() as PdfDict).duplicateKeys).toBe(true);
    expect(() => new PdfParser(new TextEncoder().encode("[".repeat(10_000))).parseValue()).toThrow(PdfSyntaxError);
    expect(() => new PdfParser(new TextEncoder().encode("<< /A (abc")).parseValue()).toThrow(PdfSyntaxError);
    expect(() => new PdfParser(new TextEncoder().encode("<4G>")).parseValue()).toThrow(PdfSyntaxError);
  });
});

describe("PdfFile", () => {
  it("one revision per update, each with its own object table", () => {
    const two = appendUpdate(simple, [
      { num: 3, body: stream("changed") },
      { num: 4, body: "(new)" },
    ]);
    const f = PdfFile.open(two);
    expect(f.revisions).toHaveLength(2);
    expect(f.revisions[0]!.end).toBe(simple.length);
    expect(f.view(0).get(4)).toBeUndefined();
    expect((f.view(1).get(4) as PdfString).text()).toBe("new");
    expect(f.revisionEndingAt(simple.length)?.index).toBe(0);
    expect(f.trailingBytes).toBe(0);
  });

  it("reads cross-reference streams and object streams (pdf-lib with object streams)", async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    doc.setTitle("Tiêu đề");
    const bytes = await doc.save({ useObjectStreams: true });
    const f = PdfFile.open(bytes);
    const cat = f.last.catalog()!;
    expect(cat.name("Type")).toBe("Catalog");
    expect(f.last.entry((cat.get("Pages") as PdfRef).num)?.type).toBe(2);
    expect(f.last.dict(cat.get("Pages"))?.get("Count")).toBe(1);
  });

  it("counts bytes after the last revision; rejects non-PDFs and files without a readable xref", () => {
    const tail = new Uint8Array([...simple, ...new TextEncoder().encode("garbage")]);
    expect(PdfFile.open(tail).trailingBytes).toBe(7);
    expect(() => PdfFile.open(new TextEncoder().encode("hello"))).toThrow(/not a PDF/);
    expect(() => PdfFile.open(simple.subarray(0, simple.length - 30))).toThrow(PdfSyntaxError);
  });

  it("a Prev loop or a reference loop ends instead of hanging", () => {
    const text = Buffer.from(simple).toString("latin1");
    const xref = Number(/startxref\s+(\d+)/.exec(text)![1]);
    const looped = new Uint8Array(Buffer.from(text.replace("/Size 4", `/Size 4 /Prev ${xref}`), "latin1"));
    expect(() => PdfFile.open(looped)).toThrow(/loops|no readable/);
    const selfRef = buildPdf([
      { num: 1, body: "<< /Type /Catalog /Pages 2 0 R >>" },
      { num: 2, body: "2 0 R" },
    ]).bytes;
    expect(PdfFile.open(selfRef).last.resolve(new PdfRef(2, 0))).toBeNull();
    expect(new PdfName("x").name).toBe("x");
  });
});

describe("decode budget", () => {
  it("a file whose streams inflate beyond the budget ends in PdfSyntaxError or missing objects, quickly", async () => {
    const { deflateSync } = await import("node:zlib");
    const bomb = deflateSync(Buffer.alloc(70 * 1024 * 1024));
    const { DecodeBudget, decodeStream } = await import("./filters.ts");
    const { PdfStream } = await import("./objects.ts");
    const s = new PdfStream(new PdfDict(new Map([["Filter", new PdfName("FlateDecode")]]), 0, 0), new Uint8Array(bomb));
    expect(() => decodeStream(s)).toThrow(/too large/);
    const budget = new DecodeBudget(1024);
    expect(() => decodeStream(s, undefined, budget)).toThrow(/too large/);
  });
});
