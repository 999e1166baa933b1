import { describe, expect, it } from "vitest";
import { proposeFields } from "./propose-fields.ts";

describe("fields proposed from the first page's text", () => {
  it("reads a quyết định laid out as Nghị định 30/2020 asks", () => {
    const text = [
      "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG Độc lập - Tự do - Hạnh phúc",
      "Số: 07/QĐ-UBND Hồng Bàng, ngày 29 tháng 11 năm 2026",
      "QUYẾT ĐỊNH",
      "Về việc phê duyệt kế hoạch chuyển đổi số năm 2027",
      "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG",
    ].join("\n");
    expect(proposeFields(text, ["Ủy ban nhân dân phường Hồng Bàng"])).toEqual({
      numberAndSymbol: "07/QĐ-UBND",
      typeCode: "QĐ",
      documentDate: "2026-11-29",
      issuer: "Ủy ban nhân dân phường Hồng Bàng",
      summary: "Về việc phê duyệt kế hoạch chuyển đổi số năm 2027",
    });
  });

  it("reads a công văn's V/v line and keeps an unknown issuer as printed", () => {
    const text =
      "UBND XÃ AN HƯNG\nSố: 12/UBND-VP\nV/v báo cáo tình hình sử dụng chữ ký số\nAn Hưng, ngày 3 tháng 2 năm 2026\nKính gửi: Sở Khoa học và Công nghệ";
    expect(proposeFields(text)).toEqual({
      numberAndSymbol: "12/UBND-VP",
      typeCode: "CV",
      documentDate: "2026-02-03",
      issuer: "UBND XÃ AN HƯNG",
      summary: "Về việc báo cáo tình hình sử dụng chữ ký số",
    });
  });

  it("proposes nothing for a scan without text, and no impossible date", () => {
    expect(proposeFields("")).toEqual({});
    expect(proposeFields("ngày 41 tháng 13 năm 2026")).toEqual({});
  });
});
