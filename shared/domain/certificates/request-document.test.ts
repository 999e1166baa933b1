import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCertificateRequest, type ContactPerson } from "./requests.ts";
import { numberWordsVi, placeDateLine, renderRequestPdf, requestDocument, requestDocumentText } from "./request-document.ts";
import { signPdf } from "../../sign/index.ts";
import { signatureTitleLines } from "../roles.ts";
import { refOf } from "./people.ts";
import { IT, OFFICE } from "./test-fixtures.ts";
import { testIdentities } from "../../../test/support/identities.ts";
import { TINOS } from "../../../test/support/documents.ts";
import { sealPng, signaturePng } from "../../../test/support/png.ts";
import { pdfsig, qpdfCheck, tool } from "../../../test/support/tools.ts";

const contact: ContactPerson = {
  fullName: "Lê Văn Cường",
  idNumber: "031090001234",
  idIssuedDate: "2021-04-10",
  idIssuedPlace: "Cục Cảnh sát QLHC về TTXH",
  title: "Công chức Văn phòng",
  phone: "0912 345 678",
  email: "lvcuong@haiphong.gov.vn",
  address: "Trụ sở UBND phường Hồng Bàng",
};
const signer = { titleLines: signatureTitleLines("KT.", "Chủ tịch", "Phó Chủ tịch"), name: "Nguyễn Văn An" };

describe("request documents generated from the form's fields", () => {
  it("writes numbers and dates the way a công văn does", () => {
    expect([1, 2, 10, 15, 21, 24, 105].map(numberWordsVi)).toEqual(["một", "hai", "mười", "mười lăm", "hai mươi mốt", "hai mươi tư", "một trăm lẻ năm"]);
    expect(placeDateLine("Hải Phòng", "2026-01-05")).toBe("Hải Phòng, ngày 05 tháng 01 năm 2026");
    expect(placeDateLine("Hải Phòng", "2026-11-25")).toBe("Hải Phòng, ngày 25 tháng 11 năm 2026");
  });

  it("Mẫu 05 revocation: header, addressee, contact, the list and the signer", () => {
    const r = createCertificateRequest({
      id: "r1",
      officeId: OFFICE.id,
      fields: {
        kind: "revocation",
        contact,
        certificates: [
          { holder: "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG", serialNumber: "5403A1B2C3D4", tokenSerial: "TK-ORG-0001", reason: "Thiết bị lưu khóa bí mật bị mất" },
        ],
      },
      createdAt: "2026-11-25T08:00:00+07:00",
      createdBy: refOf(IT),
    });
    const d = requestDocument(r, {
      office: OFFICE,
      date: "2026-11-25",
      documentNumber: "216/UBND",
      signer,
      note: "Thiết bị bị mất ngày 24/11/2026; chứng thư số đã được khóa ký tại cơ quan.",
    });
    const text = requestDocumentText(d);
    expect(text).toContain(
      "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG\nỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG\nSố: 216/UBND\nV/v đề nghị thu hồi chứng thư chữ ký số chuyên dùng công vụ",
    );
    expect(text).toContain("Hải Phòng, ngày 25 tháng 11 năm 2026");
    expect(text).toContain("Kính gửi: Sở Khoa học và Công nghệ thành phố Hải Phòng.");
    expect(text).toContain("(Mẫu 05 Phụ lục Nghị định số 68/2024/NĐ-CP)");
    expect(text).toContain(
      "1. Thông tin người đầu mối phối hợp:\n- Họ và tên: Lê Văn Cường; Số định danh cá nhân: 031090001234; Ngày cấp: 10/04/2021; Nơi cấp: Cục Cảnh sát QLHC về TTXH.",
    );
    expect(text).toContain("2. Số lượng và danh sách chứng thư số đề nghị: 01 (một), gồm:");
    expect(text).toContain(
      "STT | Tên thuê bao | Số hiệu chứng thư số | Số hiệu thiết bị lưu khóa bí mật | Lý do thu hồi\n1 | ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG | 5403A1B2C3D4 | TK-ORG-0001 | Thiết bị lưu khóa bí mật bị mất",
    );
    expect(text).toContain(
      "Ủy ban nhân dân phường Hồng Bàng kính đề nghị Sở Khoa học và Công nghệ xem xét, thu hồi chứng thư chữ ký số chuyên dùng công vụ theo danh sách nêu trên.\nTrân trọng./.",
    );
    expect(text.endsWith("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn An")).toBe(true);
  });

  it("Mẫu 02 and Mẫu 01 lists have the form's columns; an incomplete form is refused", () => {
    const m02 = createCertificateRequest({
      id: "r2",
      officeId: OFFICE.id,
      fields: {
        kind: "issue-organisation",
        contact,
        organisations: [
          {
            name: "Ủy ban nhân dân phường Hồng Bàng",
            address: "Số 1 Hoàng Văn Thụ",
            taxCode: "0200000001",
            budgetCode: "1234567",
            province: "Hải Phòng",
            email: "ubnd@haiphong.gov.vn",
          },
        ],
      },
      createdAt: "x",
      createdBy: refOf(IT),
    });
    const d2 = requestDocument(m02, { office: OFFICE, date: "2026-11-25", signer });
    expect(d2.table.columns).toEqual([
      "STT",
      "Tên cơ quan, tổ chức",
      "Địa chỉ",
      "Mã số thuế",
      "Mã quan hệ ngân sách",
      "Tỉnh/Thành phố",
      "Địa chỉ thư điện tử công vụ",
    ]);
    expect(d2.sections[0]).toBe("1. Thông tin người tiếp nhận thiết bị lưu khóa bí mật:");
    expect(d2.numberLine).toBe("Số:       /UBND");
    const m01 = createCertificateRequest({
      id: "r3",
      officeId: OFFICE.id,
      fields: {
        kind: "issue-person",
        contact,
        subscribers: [
          { fullName: "Đỗ Thị Mai", idNumber: "", title: "Phó Chủ tịch", unit: "UBND phường Hồng Bàng", email: "dtmai@haiphong.gov.vn", province: "Hải Phòng" },
        ],
      },
      createdAt: "x",
      createdBy: refOf(IT),
    });
    expect(() => requestDocument(m01, { office: OFFICE, date: "2026-11-25", signer })).toThrow(
      expect.objectContaining({ code: "request.incomplete", messageVi: "Đề nghị còn thiếu: Dòng 1: số định danh cá nhân." }),
    );
  });

  it("renders a PDF that the official signs and the clerk seals (Điều 13), both valid in pdfsig", async () => {
    const r = createCertificateRequest({
      id: "r4",
      officeId: OFFICE.id,
      fields: {
        kind: "token-recovery",
        contact,
        certificates: [
          {
            holder: "Nguyễn Văn An",
            serialNumber: "5403FFEE0011",
            tokenSerial: "TK-PCT-0007",
            reason: "Thiết bị bị khóa do nhập sai mã PIN quá số lần cho phép",
          },
        ],
      },
      createdAt: "2026-11-25T08:00:00+07:00",
      createdBy: refOf(IT),
    });
    const d = requestDocument(r, { office: OFFICE, date: "2026-11-25", documentNumber: "217/UBND", signer });
    const pdf = await renderRequestPdf(d, { font: TINOS, boldFont: new Uint8Array(readFileSync("/usr/share/fonts/truetype/croscore/Tinos-Bold.ttf")) });
    const ids = await testIdentities();
    const signed = await signPdf(pdf, { type: "signer", signer: ids.officialSigner, image: signaturePng(), signingTime: new Date("2026-11-25T02:00:00Z") });
    const sealed = await signPdf(signed.bytes, {
      type: "issuer",
      signer: ids.organisationSigner,
      image: sealPng(),
      signingTime: new Date("2026-11-25T02:05:00Z"),
    });
    // The signature image sits between the title lines and the name.
    expect(signed.rect.width).toBeGreaterThan(10);
    const dir = mkdtempSync(join(tmpdir(), "request-doc-"));
    const file = join(dir, "de-nghi-khoi-phuc.pdf");
    writeFileSync(file, sealed.bytes);
    if (process.env.KEEP_REQUEST_PDF) writeFileSync(process.env.KEEP_REQUEST_PDF, sealed.bytes);
    expect((await qpdfCheck(file)).ok).toBe(true);
    const sigs = await pdfsig(file);
    expect(sigs.map((s) => s.valid)).toEqual([true, true]);
    const text = (await tool("pdftotext", ["-layout", file, "-"])).stdout;
    for (const s of [
      "V/v đề nghị khôi phục thiết bị",
      "Kính gửi: Sở Khoa học và Công nghệ thành phố Hải Phòng.",
      "TK-PCT-0007",
      "KT. CHỦ TỊCH",
      "Nguyễn Văn An",
      "Số: 217/UBND",
    ]) {
      expect(text).toContain(s);
    }
  });
});
