import { describe, it, expect } from "vitest";
import { findSignaturePlaceholder, patchByteRange, patchContents, signedRanges } from "./byte-range.ts";

const enc = (s: string) => new TextEncoder().encode(s);

describe("signature placeholders", () => {
  const original = "%PDF-1.7\n1 0 obj << /ByteRange [0 1 2 3] /Contents <AA> >> endobj\n";
  const appended = "7 0 obj\n<< /Type /Sig /ByteRange [0 9999999999 9999999999 9999999999] /Contents <0000000000> >>\nendobj\nxref\n%%EOF\n";
  const file = enc(original + appended);

  it("finds only the named object's placeholders, in the appended part", () => {
    const p = findSignaturePlaceholder(file, 7, original.length);
    expect(String.fromCharCode(file[p.contentsStart]!)).toBe("<");
    expect(String.fromCharCode(file[p.contentsEnd]!)).toBe(">");
    expect(p.contentsStart).toBeGreaterThan(original.length);
  });

  it("signs everything but the hex string and patches in place", () => {
    const bytes = file.slice();
    const p = findSignaturePlaceholder(bytes, 7, original.length);
    const r = signedRanges(bytes.length, p);
    expect(r[0] + r[1]).toBe(p.contentsStart);
    expect(r[2]).toBe(p.contentsEnd + 1);
    expect(r[2] + r[3]).toBe(bytes.length);
    patchByteRange(bytes, p, r);
    patchContents(bytes, p, Uint8Array.of(0xde, 0xad));
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain(`/ByteRange [${r.join(" ")}`);
    expect(text).toContain("/Contents <DEAD000000>");
    expect(bytes.length).toBe(file.length);
  });

  it("refuses a signature larger than the room reserved", () => {
    const bytes = file.slice();
    const p = findSignaturePlaceholder(bytes, 7, original.length);
    expect(() => patchContents(bytes, p, new Uint8Array(6))).toThrow(/does not fit/);
  });

  it("fails cleanly when the object is not there", () => {
    expect(() => findSignaturePlaceholder(file, 8, original.length)).toThrow(/not found/);
  });
});
