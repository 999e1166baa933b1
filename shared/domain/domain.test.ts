import { describe, expect, it } from "vitest";
import { VanthuError } from "../errors.ts";
import {
  DOCUMENT_TYPES,
  assertCertificateFitsRole,
  assertNumberFree,
  checkCertificateForRole,
  dayToVi,
  detectSecrecyMark,
  findDuplicates,
  foldVietnamese,
  formatDateVi,
  formatDocumentNumber,
  formatNumberAndSymbol,
  holderKindOf,
  isClassified,
  matchesQuery,
  nextRegisterNumber,
  numberAndSymbolKey,
  parseDateVi,
  parseNumberAndSymbol,
  queryTokens,
  registerQueryTokens,
  refuseClassified,
  registerYear,
  searchTokens,
  signatureTitleLines,
  toVietnamIso,
  typeCodeFromNumberAndSymbol,
} from "./index.ts";

describe("document types (NĐ 30/2020 Phụ lục III)", () => {
  it("has the decree's abbreviations, including BGN, BTT and QyĐ, and none for công văn", () => {
    const abbr = Object.fromEntries(DOCUMENT_TYPES.map((t) => [t.name, t.abbreviation]));
    expect(abbr["Bản ghi nhớ"]).toBe("BGN");
    expect(abbr["Bản thỏa thuận"]).toBe("BTT");
    expect(abbr["Quy định"]).toBe("QyĐ");
    expect(abbr["Tờ trình"]).toBe("TTr");
    expect(abbr["Công văn"]).toBeNull();
    expect(abbr["Thư công"]).toBeNull();
    expect(new Set(DOCUMENT_TYPES.map((t) => t.code)).size).toBe(DOCUMENT_TYPES.length);
  });
});

describe("number and symbol (Phụ lục I)", () => {
  it("pads numbers below 10 and joins groups without spaces", () => {
    expect(formatDocumentNumber(5)).toBe("05");
    expect(formatDocumentNumber(10)).toBe("10");
    expect(formatNumberAndSymbol({ number: 15, typeCode: "QĐ", issuerSymbol: "BNV" })).toBe("15/QĐ-BNV");
    expect(formatNumberAndSymbol({ number: 3, typeCode: "KH", issuerSymbol: "UBND" })).toBe("03/KH-UBND");
    expect(formatNumberAndSymbol({ number: 12, typeCode: "CV", issuerSymbol: "UBND", unitSymbol: "VX" })).toBe("12/UBND-VX");
  });
  it("refuses a công văn without unit, a bad number, a symbol with spaces, an unknown type", () => {
    expect(() => formatNumberAndSymbol({ number: 1, typeCode: "CV", issuerSymbol: "UBND" })).toThrow(VanthuError);
    expect(() => formatDocumentNumber(0)).toThrow(/Invalid document number/);
    expect(() => formatNumberAndSymbol({ number: 1, typeCode: "QĐ", issuerSymbol: "UB ND" })).toThrow(VanthuError);
    expect(() => formatNumberAndSymbol({ number: 1, typeCode: "XYZ", issuerSymbol: "UBND" })).toThrow(/Unknown document type/);
  });
  it("parses what people type and compares regardless of zeros, case, spaces", () => {
    expect(parseNumberAndSymbol("Số: 05/BNV-VP")).toEqual({ number: 5, symbol: "BNV-VP", groups: ["BNV", "VP"] });
    expect(parseNumberAndSymbol("hello")).toBeNull();
    expect(numberAndSymbolKey("05 / qđ - ubnd")).toBe(numberAndSymbolKey("5/QĐ-UBND"));
    expect(numberAndSymbolKey("5/QĐ-UBND")).not.toBe(numberAndSymbolKey("6/QĐ-UBND"));
  });
  it("reads the type from the symbol", () => {
    expect(typeCodeFromNumberAndSymbol("15/QĐ-UBND")).toBe("QĐ");
    expect(typeCodeFromNumberAndSymbol("03/qyđ-ubnd")).toBe("QyĐ");
    expect(typeCodeFromNumberAndSymbol("12/UBND-VP")).toBe("CV");
    expect(typeCodeFromNumberAndSymbol("không phải số")).toBeUndefined();
  });
});

describe("register numbering (Điều 15.1, 22.2)", () => {
  const taken = [
    { year: 2025, number: 310 },
    { year: 2026, number: 1 },
    { year: 2026, number: 2 },
  ];
  it("counts per year from 1", () => {
    expect(nextRegisterNumber(taken, 2026)).toBe(3);
    expect(nextRegisterNumber(taken, 2027)).toBe(1);
    expect(nextRegisterNumber([], 2026)).toBe(1);
  });
  it("takes the year in Vietnam's time", () => {
    expect(registerYear("2026-12-31T18:30:00Z")).toBe(2027);
    expect(registerYear("2026-12-31T16:30:00Z")).toBe(2026);
    expect(() => registerYear("nonsense")).toThrow(VanthuError);
  });
  it("refuses a number already used that year", () => {
    expect(() => assertNumberFree(taken, 2026, 2)).toThrow(/already taken/);
    expect(() => assertNumberFree(taken, 2025, 2)).not.toThrow();
  });
});

describe("secrecy refusal (R9)", () => {
  it("refuses Mật, Tối mật, Tuyệt mật with a Vietnamese message", () => {
    for (const s of ["Mật", "Tối mật", "Tuyệt mật"]) {
      expect(isClassified(s)).toBe(true);
      try {
        refuseClassified(s);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(VanthuError);
        expect((e as VanthuError).code).toBe("domain.classified");
        expect((e as VanthuError).messageVi).toMatch(/không được ký, gửi hay lưu/);
      }
    }
    expect(() => refuseClassified("none")).not.toThrow();
  });
  it("detects a stamped mark on its own line", () => {
    expect(detectSecrecyMark("ỦY BAN NHÂN DÂN\nTỐI MẬT\nQUYẾT ĐỊNH")).toBe("Tối mật");
    expect(detectSecrecyMark("mật\n")).toBe("Mật");
    expect(detectSecrecyMark("Về việc bảo mật thông tin")).toBe("none");
  });
});

describe("search without diacritics (R16)", () => {
  it("folds Vietnamese", () => {
    expect(foldVietnamese("Ủy ban nhân dân xã Đông Hải")).toBe("uy ban nhan dan xa dong hai");
    // Decomposed input folds the same as composed.
    expect(foldVietnamese("Ủy".normalize("NFD"))).toBe("uy");
  });
  it("finds 'uy ban nhan dan' in 'Ủy ban nhân dân' and prefixes, not unrelated text", () => {
    const t = searchTokens("Ủy ban nhân dân phường Hồng Bàng", "Kế hoạch tiêm chủng", "12/UBND-VP");
    expect(matchesQuery(t, "uy ban nhan dan")).toBe(true);
    expect(matchesQuery(t, "UỶ BAN")).toBe(true);
    expect(matchesQuery(t, "hong ba")).toBe(true);
    expect(matchesQuery(t, "12/ubnd-vp")).toBe(true);
    expect(matchesQuery(t, "tiem chung")).toBe(true);
    expect(matchesQuery(t, "so ke hoach")).toBe(false);
    expect(t).toContain("12/ubnd-vp");
    expect(queryTokens("  Kế   HOẠCH ")).toEqual(["ke", "hoach"]);
  });
  it("keeps a number and symbol typed whole, so that 12/UBND-VP finds 12 and not 125", () => {
    const t12 = searchTokens("12/UBND-VP");
    const t125 = searchTokens("125/UBND-VP");
    expect(registerQueryTokens("(12/UBND-VP).")).toEqual(["12/ubnd-vp", "12", "ubnd", "vp"]);
    expect(registerQueryTokens("12/")).toEqual(["12/", "12"]);
    expect(registerQueryTokens("uy ban 12")).toEqual(["uy", "ban", "12"]);
    for (const q of ["12/ubnd-vp", "12/", "12/UB"]) {
      expect(matchesQuery(t12, registerQueryTokens(q)), q).toBe(true);
      expect(matchesQuery(t125, registerQueryTokens(q)), q).toBe(false);
    }
    expect(matchesQuery(t125, registerQueryTokens("12 ubnd vp"))).toBe(true);
  });
});

describe("duplicates (R16b)", () => {
  const registered = [
    { id: "a", documentId: "000.00.01.H26,2026/11/20,15/QĐ-UBND", numberAndSymbol: "15/QĐ-UBND", issuer: "Ủy ban nhân dân xã An Lão", sha256: "aa" },
    { id: "b", numberAndSymbol: "07/UBND-VP", issuer: "UBND phường Lê Chân", sha256: "bb" },
  ];
  it("flags same identifier, same file, same number+symbol+issuer", () => {
    expect(findDuplicates({ documentId: "000.00.01.H26,2026/11/20,15/QĐ-UBND", numberAndSymbol: "x", issuer: "y" }, registered).map((d) => d.reason)).toEqual([
      "same-document-id",
    ]);
    expect(findDuplicates({ numberAndSymbol: "1/A-B", issuer: "y", sha256: "bb" }, registered).map((d) => d.entry.id)).toEqual(["b"]);
    expect(findDuplicates({ numberAndSymbol: "7/ubnd-vp", issuer: "UBND PHƯỜNG LÊ CHÂN" }, registered).map((d) => d.reason)).toEqual([
      "same-number-symbol-issuer",
    ]);
  });
  it("does not flag the same number from another body", () => {
    expect(findDuplicates({ numberAndSymbol: "07/UBND-VP", issuer: "UBND xã Tiên Lãng" }, registered)).toEqual([]);
  });
});

describe("role and title (R8)", () => {
  const person = { commonName: "Nguyễn Văn An", title: "Phó Chủ tịch", organization: "UBND xã An Lão" };
  const org = { commonName: "ỦY BAN NHÂN DÂN XÃ AN LÃO", organization: "UBND thành phố Hải Phòng" };
  it("tells organisation from person certificates", () => {
    expect(holderKindOf(org)).toBe("organisation");
    expect(holderKindOf(person)).toBe("person");
    expect(holderKindOf({ commonName: "Trần Thị Bình" })).toBe("person");
  });
  it("an official cannot sign with the organisation's certificate", () => {
    const p = checkCertificateForRole(org, { kind: "signer", role: "official", signerName: "Nguyễn Văn An" });
    expect(p.map((x) => x.code)).toContain("role.org-cert-for-person");
  });
  it("a clerk cannot sign as the official", () => {
    expect(checkCertificateForRole(person, { kind: "signer", role: "clerk" }).map((x) => x.code)).toContain("role.clerk-as-official");
    expect(() => assertCertificateFitsRole(person, { kind: "issuer", role: "clerk" })).toThrow(/person's certificate/);
  });
  it("KT. signs with the actual signer's own certificate and title", () => {
    expect(
      checkCertificateForRole(person, { kind: "signer", role: "official", signerName: "Nguyễn Văn An", signerTitle: "PHÓ CHỦ TỊCH", capacity: "KT." }),
    ).toEqual([]);
    expect(
      checkCertificateForRole(person, { kind: "signer", role: "official", signerName: "Lê Văn Chủ", signerTitle: "Chủ tịch", capacity: "KT." }).map(
        (x) => x.code,
      ),
    ).toEqual(["role.other-person", "role.other-title"]);
    expect(signatureTitleLines("KT.", "Chủ tịch", "Phó Chủ tịch")).toEqual(["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]);
  });
  it("the clerk issues with the organisation's own certificate", () => {
    expect(checkCertificateForRole(org, { kind: "issuer", role: "clerk", organisationName: "Ủy ban nhân dân xã An Lão" })).toEqual([]);
    expect(checkCertificateForRole(org, { kind: "copy", role: "clerk", organisationName: "UBND xã Khác" }).map((x) => x.code)).toEqual([
      "role.other-organisation",
    ]);
  });
  it("an organisation's certificate abbreviated UBND is the same body as its full name", () => {
    const abbreviated = { commonName: "UBND PHƯỜNG HỒNG BÀNG", organization: "UBND thành phố Hải Phòng" };
    expect(checkCertificateForRole(abbreviated, { kind: "issuer", role: "clerk", organisationName: "Ủy ban nhân dân phường Hồng Bàng" })).toEqual([]);
    expect(
      checkCertificateForRole(abbreviated, { kind: "issuer", role: "clerk", organisationName: "Ủy ban nhân dân phường Lê Chân" }).map((x) => x.code),
    ).toEqual(["role.other-organisation"]);
  });
});

describe("dates", () => {
  it("shows dd/mm/yyyy and stores ISO with +07:00", () => {
    expect(formatDateVi("2026-11-24T02:15:02Z")).toBe("24/11/2026");
    expect(formatDateVi("2026-11-24T20:00:00Z")).toBe("25/11/2026");
    expect(toVietnamIso("2026-11-24T02:15:02Z")).toBe("2026-11-24T09:15:02+07:00");
    expect(parseDateVi("5/1/2026")).toBe("2026-01-05");
    expect(parseDateVi("31/02/2026")).toBeNull();
    expect(dayToVi("2026-01-05")).toBe("05/01/2026");
  });
});

describe("secrecy marks where Nghị định 30 puts them (R9)", () => {
  it.each([
    ["MẬT", "Mật"],
    ["TỐI MẬT", "Tối mật"],
    ["Tuyệt mật", "Tuyệt mật"],
    ["tuyet mat", "Tuyệt mật"],
    ["TOI MAT - KHAN", "Tối mật"],
    ["TỐI MẬT - KHẨN", "Tối mật"],
    ["MẬT, HỎA TỐC", "Mật"],
    ["Độ mật: Mật", "Mật"],
    ["Do mat: Toi mat", "Tối mật"],
    ["(MẬT)", "Mật"],
    ["Số: 12/UBND-VP      MẬT      Hồng Bàng, ngày 3 tháng 2 năm 2026", "Mật"],
    ["mật".normalize("NFD"), "Mật"],
  ] as const)("%s → %s", (text, level) => {
    expect(detectSecrecyMark(`ỦY BAN NHÂN DÂN\n${text}\nQUYẾT ĐỊNH`)).toBe(level);
  });
  it.each(["KHẨN", "MẤT", "Về việc giữ bí mật nhà nước", "Mật khẩu đăng nhập", "HỎA TỐC", "Độ mật:"])("no mark in %s", (text) => {
    expect(detectSecrecyMark(text)).toBe("none");
  });
});
