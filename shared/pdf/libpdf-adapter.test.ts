import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDF, PdfArray, PdfDict, PdfName } from "@libpdf/core";
import { describe, expect, it } from "vitest";
import { allowAppendToLinearized, LIBPDF_VERSION, markForUpdate } from "./libpdf-adapter.ts";

const root = join(import.meta.dirname, "../..");

describe("what the project relies on inside @libpdf/core", () => {
  it("is the version the adapter was written for, pinned exactly", () => {
    const installed = (JSON.parse(readFileSync(join(root, "node_modules/@libpdf/core/package.json"), "utf8")) as { version: string }).version;
    const declared = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["@libpdf/core"];
    expect(installed).toBe(LIBPDF_VERSION);
    expect(declared).toBe(LIBPDF_VERSION);
  });

  it("a linearized file: refused for an incremental save, then appended to once the private flag is cleared", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vanthu-libpdf-"));
    try {
      const made = PDF.create();
      made.addPage({ size: "a4" });
      made.addPage({ size: "a4" });
      writeFileSync(join(dir, "plain.pdf"), await made.save());
      execFileSync("qpdf", ["--linearize", join(dir, "plain.pdf"), join(dir, "linear.pdf")]);
      const original = new Uint8Array(readFileSync(join(dir, "linear.pdf")));
      const pdf = await PDF.load(original);
      // The refusal is decided by the private field the adapter clears (whether or not this
      // version detects qpdf's linearization dictionary, which 0.4.2 does only for some files).
      const inner = pdf as unknown as { _isLinearized: unknown };
      expect(typeof inner._isLinearized).toBe("boolean");
      inner._isLinearized = true;
      expect(pdf.isLinearized).toBe(true);
      expect(pdf.canSaveIncrementally()).toBe("linearized");
      allowAppendToLinearized(pdf);
      expect(pdf.canSaveIncrementally()).toBeNull();
      pdf.getCatalog().set("VanThuSoTest", PdfName.of("Yes"));
      const out = await pdf.save({ incremental: true });
      expect(Buffer.from(out.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
      expect(out.length).toBeGreaterThan(original.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("arrays and dictionaries carry the flag an incremental save reads", () => {
    const a = new PdfArray([]);
    const d = new PdfDict();
    a.clearDirty();
    d.clearDirty();
    expect([a.dirty, d.dirty]).toEqual([false, false]);
    markForUpdate(a);
    markForUpdate(d);
    expect([a.dirty, d.dirty]).toEqual([true, true]);
  });
});
