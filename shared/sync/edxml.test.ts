import { describe, expect, it } from "vitest";
import { VanthuError } from "../errors.ts";
import { buildEdxml, EDXML_NAMESPACE, parseEdxml, type EdxmlPackage } from "./edxml.ts";

const pdf = new TextEncoder().encode("%PDF-1.7\n% văn bản thử\n%%EOF\n");

const pkg: EdxmlPackage = {
  from: { organId: "000.00.31.H26", organName: "UBND phường Hồng Bàng", organizationInCharge: "UBND thành phố Hải Phòng", email: "hongbang@haiphong.gov.vn" },
  to: [{ organId: "000.00.32.H26", organName: "UBND xã An Hưng" }],
  header: {
    codeNumber: "15",
    codeNotation: "UBND-VP",
    typeCode: "CV",
    typeName: "Công văn",
    subject: "Về việc triển khai chữ ký số chuyên dùng công vụ",
    promulgationPlace: "Hải Phòng",
    promulgationDate: "2026-11-24",
    signerCompetence: "KT. CHỦ TỊCH",
    signerPosition: "PHÓ CHỦ TỊCH",
    signerFullName: "Nguyễn Văn An",
    dueDate: "2026-12-01",
    toPlaces: ["UBND xã An Hưng", "Lưu: VT"],
    priority: 1,
    pageAmount: 2,
  },
  trace: [{ organId: "000.00.31.H26", timestamp: "2026-11-24T09:15:02.000+07:00" }],
  business: { docType: 0 },
  attachments: [{ contentId: "1", name: "15-UBND-VP.pdf", contentType: "application/pdf", data: pdf }],
};

describe("edXML (QCVN 102:2016)", () => {
  it("writes the namespace, the first spellings and yyyy/MM/dd dates, and reads back the same package", () => {
    const xml = buildEdxml(pkg);
    expect(xml).toContain(`xmlns:edXML="${EDXML_NAMESPACE}"`);
    expect(xml).toContain("<edXML:OrganizationInCharge>UBND thành phố Hải Phòng</edXML:OrganizationInCharge>");
    expect(xml).toContain("<edXML:Bussiness>");
    expect(xml).toContain("<edXML:PromulgationDate>2026/11/24</edXML:PromulgationDate>");
    expect(xml).toContain("<edXML:DocumentId>000.00.31.H26,2026/11/24,15/UBND-VP</edXML:DocumentId>");
    const back = parseEdxml(xml);
    expect(back.from).toMatchObject(pkg.from);
    expect(back.to[0]).toMatchObject(pkg.to[0]!);
    expect(back.header).toEqual({ ...pkg.header, documentId: "000.00.31.H26,2026/11/24,15/UBND-VP" });
    expect(back.attachments[0]!.data).toEqual(pdf);
    expect(back.attachments[0]!.name).toBe("15-UBND-VP.pdf");
    expect(back.business.docType).toBe(0);
  });

  it("reads the other spellings (OrganInCharge, Business) and another prefix", () => {
    const xml = buildEdxml(pkg)
      .replaceAll("OrganizationInCharge", "OrganInCharge")
      .replaceAll("Bussiness", "Business")
      .replaceAll("edXML:", "ed:")
      .replace(`xmlns:ed="`, `xmlns:ed="`)
      .replace("xmlns:edXML=", "xmlns:ed=")
      .replace("<ed:BusinessDocType>0<", "<ed:BusinessDocType>3<");
    const back = parseEdxml(xml);
    expect(back.from.organizationInCharge).toBe("UBND thành phố Hải Phòng");
    expect(back.business.docType).toBe(3);
  });

  it("refuses DTDs, malformed XML, missing fields and bad base64 with a VanthuError", () => {
    const bad = [
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><edXML/>`,
      `<edXML:edXML xmlns:edXML="${EDXML_NAMESPACE}"><edXML:edXMLEnvelope>`,
      buildEdxml(pkg).replace(/<edXML:Subject>[^<]*<\/edXML:Subject>/, ""),
      buildEdxml(pkg).replace(/<edXML:ContentTransferEncoded>[^<]*</, "<edXML:ContentTransferEncoded>!!!<"),
      buildEdxml(pkg).replace("2026/11/24</edXML:PromulgationDate>", "2026/02/31</edXML:PromulgationDate>"),
    ];
    for (const xml of bad) {
      expect(() => parseEdxml(xml)).toThrow(VanthuError);
    }
  });
});
