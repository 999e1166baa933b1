import { describe, expect, it } from "vitest";
import { documentFileName } from "./file-names.ts";

describe("downloaded files are named for what they are", () => {
  it("number, year and stage, without diacritics or slashes", () => {
    expect(documentFileName("01/UBND-VP", 2026, "ky")).toBe("01-UBND-VP-2026-ky.pdf");
    expect(documentFileName("07/QĐ-UBND", 2026, "phat-hanh")).toBe("07-QD-UBND-2026-phat-hanh.pdf");
  });
  it("a draft without a number yet", () => {
    expect(documentFileName(undefined, undefined, "du-thao", "ke-hoach")).toBe("ke-hoach-du-thao.pdf");
  });
});
