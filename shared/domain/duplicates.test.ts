import { describe, expect, it } from "vitest";
import { findDuplicates, normaliseIssuer, normaliseNumberAndSymbol } from "./duplicates.ts";

const registered = [
  { id: "a", numberAndSymbol: "15/QĐ-UBND", issuer: "Ủy ban nhân dân thành phố Hải Phòng" },
  { id: "b", numberAndSymbol: "07/NQ-HĐND", issuer: "Hội đồng nhân dân phường Lê Chân" },
  { id: "c", numberAndSymbol: "210/SKHCN-VP", issuer: "Sở Khoa học và Công nghệ" },
];

describe("duplicate detection normalises issuers and symbols (R16b)", () => {
  it("the same issuer abbreviated and in full is one body", () => {
    expect(normaliseIssuer("UBND TP. Hải Phòng").key).toBe(normaliseIssuer("Ủy ban nhân dân thành phố Hải Phòng").key);
    expect(normaliseIssuer("UBND TP Hải Phòng").key).toBe("uy ban nhan dan thanh pho hai phong");
    expect(normaliseIssuer("HĐND phường Lê Chân").key).toBe(normaliseIssuer("Hội đồng nhân dân phường Lê Chân").key);
    expect(normaliseIssuer("Sở KH&CN").key).toBe(normaliseIssuer("Sở Khoa học và Công nghệ").key);
    // A word that merely starts like an abbreviation is left alone.
    expect(normaliseIssuer("Tổ tuyên truyền").key).toBe("to tuyen truyen");
  });

  it("symbols typed without diacritics, in lower case or without the leading zero are one symbol", () => {
    expect(normaliseNumberAndSymbol("15/QD-UBND")).toBe(normaliseNumberAndSymbol("15/QĐ-UBND"));
    expect(normaliseNumberAndSymbol("Số: 7/nq-hdnd")).toBe(normaliseNumberAndSymbol("07/NQ-HĐND"));
    expect(normaliseNumberAndSymbol("15/QĐ-UBND")).not.toBe(normaliseNumberAndSymbol("15/QĐ-UBNDT"));
  });

  it("finds the duplicate and tells the clerk why", () => {
    const m = findDuplicates({ numberAndSymbol: "15/QD-UBND", issuer: "UBND TP. Hải Phòng" }, registered);
    expect(m.map((x) => x.entry.id)).toEqual(["a"]);
    expect(m[0]!.reason).toBe("same-number-symbol-issuer");
    expect(m[0]!.explanation).toEqual([
      'Số, ký hiệu "15/QD-UBND" và "15/QĐ-UBND" là một (khác nhau ở: viết có dấu và không dấu (Đ/D))',
      'Cơ quan ban hành "UBND TP. Hải Phòng" và "Ủy ban nhân dân thành phố Hải Phòng" là một (UBND = Ủy ban nhân dân; TP. = thành phố)',
    ]);
    const h = findDuplicates({ numberAndSymbol: "7/NQ-HDND", issuer: "HĐND phường Lê Chân" }, registered);
    expect(h.map((x) => x.entry.id)).toEqual(["b"]);
    expect(h[0]!.explanation[0]).toContain("số 0 ở đầu");
    expect(h[0]!.explanation[1]).toContain("HĐND = Hội đồng nhân dân");
  });

  it("a different body or number is not a duplicate", () => {
    expect(findDuplicates({ numberAndSymbol: "15/QĐ-UBND", issuer: "UBND xã An Hưng" }, registered)).toEqual([]);
    expect(findDuplicates({ numberAndSymbol: "16/QD-UBND", issuer: "UBND TP. Hải Phòng" }, registered)).toEqual([]);
    expect(findDuplicates({ numberAndSymbol: "210/SKHCN-VP", issuer: "Sở KH&CN" }, registered).map((x) => x.entry.id)).toEqual(["c"]);
  });
});
