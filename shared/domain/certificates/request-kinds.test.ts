import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WorkingDayCalendar } from "../calendar/working-day-calendar.ts";
import { applyRequestEvent, createCertificateRequest, isLossReason, missingRequestFields, type ContactPerson, type RequestFields } from "./requests.ts";
import { applyRequestOutcomeToInventory, newCertificatesFromAnswer } from "./lifecycle.ts";
import { reportTokenIncident } from "./incidents.ts";
import { recordCustodyEvent } from "./custody.ts";
import { inventoryEntryFromCertificate, type CertificateInventoryEntry } from "./inventory.ts";
import { requestLetterSigning } from "./request-signing.ts";
import { renderRequestPdf, requestDocument, requestDocumentText } from "./request-document.ts";
import { refOf } from "./people.ts";
import { signPdf } from "../../sign/index.ts";
import { signatureTitleLines } from "../roles.ts";
import { CLERK, DEPUTY, HEAD, IT, OFFICE, PEOPLE } from "./test-fixtures.ts";
import { testIdentities } from "../../../test/support/identities.ts";
import { TINOS } from "../../../test/support/documents.ts";
import { sealPng, signaturePng } from "../../../test/support/png.ts";
import { pdfsig, qpdfCheck, tool } from "../../../test/support/tools.ts";

const cal = new WorkingDayCalendar();
const contact: ContactPerson = {
  fullName: "Lê Văn Cường",
  title: "Công chức phụ trách chữ ký số",
  phone: "0912 345 678",
  email: "lvcuong@haiphong.gov.vn",
  address: "Trụ sở UBND phường Hồng Bàng",
};
const so = { id: "so-khcn", name: "Nguyễn Thị Sở", title: "Chuyên viên Sở KH&CN" };
const make = (fields: RequestFields, id = "r") =>
  createCertificateRequest({ id, officeId: OFFICE.id, fields, createdAt: "2026-11-26T08:00:00+07:00", createdBy: refOf(IT) });
const line = { holder: "Nguyễn Văn An", serialNumber: "5403AA01", tokenSerial: "TK-PCT-0007" };

describe("each request kind checks its own rules (Nghị định 68/2024)", () => {
  it("Mẫu 04 change: a new title or another body is revocation and a new issue, not a change", () => {
    const ok = missingRequestFields({ kind: "change", contact, certificates: [{ ...line, changeField: "email", newInformation: "nvan@haiphong.gov.vn" }] });
    expect(ok).toEqual([]);
    const title = missingRequestFields({ kind: "change", contact, certificates: [{ ...line, changeField: "title", newInformation: "Chủ tịch" }] });
    expect(title).toEqual([
      "Dòng 1: thay đổi chức vụ không phải là thay đổi thông tin: chứng thư số không còn đúng với người giữ, phải đề nghị thu hồi (Mẫu 05) và cấp mới (Mẫu 01) (Nghị định 68/2024, Điều 15, 17)",
    ]);
    expect(
      missingRequestFields({ kind: "change", contact, certificates: [{ ...line, changeField: "organisation", newInformation: "UBND xã An Hưng" }] })[0],
    ).toContain("chuyển sang cơ quan khác không phải là thay đổi thông tin");
    // Free text that hides a new title under "unit" is caught too; a missing kind of change is asked for.
    expect(
      missingRequestFields({ kind: "change", contact, certificates: [{ ...line, changeField: "unit", newInformation: "Được bổ nhiệm chức vụ Chủ tịch" }] })[0],
    ).toContain("nội dung nói về chức vụ");
    expect(missingRequestFields({ kind: "change", contact, certificates: [{ ...line, newInformation: "nvan@haiphong.gov.vn" }] })).toEqual([
      "Dòng 1: loại thông tin thay đổi (thư điện tử, đơn vị công tác, tên hoặc địa chỉ cơ quan)",
    ]);
  });

  it("Mẫu 06 recovery refuses a lost or stolen token: that is an incident and a revocation", () => {
    for (const reason of ["Thiết bị bị mất", "Thất lạc thiết bị khi đi công tác", "Bị lấy cắp cùng túi xách", "mất"]) {
      expect(isLossReason(reason)).toBe(true);
      expect(missingRequestFields({ kind: "token-recovery", contact, certificates: [{ ...line, reason }] })[0]).toContain(
        "không khôi phục được — hãy báo cáo sự cố và đề nghị thu hồi chứng thư số (Mẫu 05)",
      );
    }
    for (const reason of ["Thiết bị bị khóa do nhập sai mã PIN quá số lần cho phép", "Quên mã PIN", "Mất mã PIN"]) {
      expect(isLossReason(reason)).toBe(false);
      expect(missingRequestFields({ kind: "token-recovery", contact, certificates: [{ ...line, reason }] })).toEqual([]);
    }
  });

  it("validity: over 5 years for a new certificate, over 3 years for a renewal, is flagged", () => {
    const person = {
      fullName: "Đỗ Thị Mai",
      idNumber: "031090001234",
      title: "Phó Chủ tịch",
      unit: "UBND phường Hồng Bàng",
      email: "dtmai@haiphong.gov.vn",
      province: "Hải Phòng",
    };
    expect(missingRequestFields({ kind: "issue-person", contact, subscribers: [{ ...person, validityMonths: 60 }] })).toEqual([]);
    expect(missingRequestFields({ kind: "issue-person", contact, subscribers: [{ ...person, validityMonths: 72 }] })).toEqual([
      "Dòng 1: thời hạn chứng thư số cấp mới tối đa 05 năm (60 tháng) (Nghị định 68/2024, Điều 9)",
    ]);
    const device = {
      kind: "software" as const,
      name: "Hệ thống văn thư số",
      identifier: "vanthu.haiphong.gov.vn",
      managingUnit: "UBND phường Hồng Bàng",
      province: "Hải Phòng",
      email: "ubnd@haiphong.gov.vn",
      validityMonths: 61,
    };
    expect(missingRequestFields({ kind: "issue-device", contact, devices: [device] })).toHaveLength(1);
    expect(missingRequestFields({ kind: "renewal", contact, certificates: [{ ...line, renewalMonths: 37 }] })).toEqual([
      "Dòng 1: thời gian gia hạn tối đa 36 tháng (Nghị định 68/2024, Điều 9)",
    ]);
  });

  it("every kind demands the contact's phone and e-mail", () => {
    const fields: RequestFields = {
      kind: "token-handover",
      contact: { ...contact, phone: "", email: " " },
      tokens: [
        {
          tokenSerial: "TK-ORG-0002",
          holder: "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG",
          serialNumber: "5403A1B3",
          handedBy: "Trần Thị Bình",
          receivedBy: "Hoàng Thị Hoa",
          handoverDate: "2026-11-26",
        },
      ],
    };
    expect(missingRequestFields(fields)).toEqual(["Số điện thoại người đầu mối", "Thư điện tử công vụ người đầu mối"]);
    expect(missingRequestFields({ ...fields, contact, tokens: [{ ...fields.tokens[0]!, receivedBy: "Trần Thị Bình" }] })).toEqual([
      "Dòng 1: bên giao và bên nhận phải là hai người khác nhau",
    ]);
  });
});

describe("the Sở's answer reaches the inventory", () => {
  it("a renewal's answer writes the new expiry; a new issue's answer adds the certificate read from it", async () => {
    const ids = await testIdentities();
    const entry = await inventoryEntryFromCertificate(new Uint8Array(ids.official.certificate.rawData), {
      officeId: OFFICE.id,
      source: "token",
      tokenId: "TK-PCT-0007",
      addedAt: "2026-01-01T08:00:00+07:00",
    });
    let r = make({
      kind: "renewal",
      contact,
      certificates: [{ holder: entry.holder, serialNumber: entry.serialNumber, renewalMonths: 36, certificateId: entry.id }],
    });
    r = applyRequestEvent(
      r,
      { type: "sign", at: "2026-11-26T09:00:00+07:00", by: refOf(HEAD), documentSha256: "e".repeat(64), documentNumber: "220/UBND" },
      cal,
    );
    r = applyRequestEvent(r, { type: "send", at: "2026-11-26T09:10:00+07:00", by: refOf(CLERK) }, cal);
    r = applyRequestEvent(r, { type: "receive", at: "2026-11-26T09:11:00+07:00", by: so }, cal);
    expect(() => applyRequestEvent(r, { type: "complete", at: "2026-11-27T10:00:00+07:00", by: so }, cal)).toThrow(
      expect.objectContaining({ code: "request.no-new-expiry" }),
    );
    r = applyRequestEvent(r, { type: "complete", at: "2026-11-27T10:00:00+07:00", by: so, result: { newNotAfter: "2029-11-27T00:00:00+07:00" } }, cal);
    const after = applyRequestOutcomeToInventory([entry], r);
    expect(after[0]!.notAfter).toBe("2029-11-27T00:00:00+07:00");
    expect(after[0]!.renewals).toEqual([
      { requestId: "r", previousNotAfter: entry.notAfter, newNotAfter: "2029-11-27T00:00:00+07:00", answeredAt: "2026-11-27T10:00:00+07:00" },
    ]);
    // Applying the same answer twice changes nothing.
    expect(applyRequestOutcomeToInventory(after, r)).toEqual(after);

    let issue = make(
      {
        kind: "issue-organisation",
        contact,
        organisations: [{ name: "Ủy ban nhân dân phường Hồng Bàng", address: "Số 1 Hoàng Văn Thụ", province: "Hải Phòng", email: "ubnd@haiphong.gov.vn" }],
      },
      "r2",
    );
    issue = applyRequestEvent(
      issue,
      { type: "sign", at: "2026-11-26T09:00:00+07:00", by: refOf(HEAD), documentSha256: "e".repeat(64), documentNumber: "221/UBND" },
      cal,
    );
    issue = applyRequestEvent(issue, { type: "send", at: "2026-11-26T09:10:00+07:00", by: refOf(CLERK) }, cal);
    issue = applyRequestEvent(issue, { type: "receive", at: "2026-11-26T09:11:00+07:00", by: so }, cal);
    issue = applyRequestEvent(
      issue,
      {
        type: "complete",
        at: "2026-11-30T10:00:00+07:00",
        by: so,
        result: { certificates: [entry.certificateBase64.replace(/.*/, Buffer.from(ids.organisation.certificate.rawData).toString("base64"))] },
      },
      cal,
    );
    const added = await newCertificatesFromAnswer(issue, { addedAt: "2026-11-30T10:05:00+07:00" });
    expect(added.map((e) => [e.holder, e.holderKind])).toEqual([["ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG", "organisation"]]);
  });
});

describe("no dead end after a lost token", () => {
  const cert = (
    id: string,
    holderKind: "person" | "organisation",
    holder: string,
    tokenId: string,
    extra: Partial<CertificateInventoryEntry> = {},
  ): CertificateInventoryEntry => ({
    id: id.repeat(64),
    officeId: OFFICE.id,
    holderKind,
    holder,
    serialNumber: `5403${id.toUpperCase()}`,
    issuer: "CA",
    notBefore: "2025-01-01T00:00:00Z",
    notAfter: "2029-12-31T00:00:00Z",
    tokenId,
    source: "token",
    certificateBase64: "",
    addedAt: "x",
    ...extra,
  });
  const org = cert("a", "organisation", "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG", "TK-ORG");
  const head = cert("b", "person", HEAD.name, "TK-CT", { holderPersonId: HEAD.id });
  const deputy = cert("c", "person", DEPUTY.name, "TK-PCT", { holderPersonId: DEPUTY.id, notAfter: "2026-11-01T00:00:00Z" });
  const custody = recordCustodyEvent(
    [],
    {
      id: "c1",
      certificateId: org.id,
      kind: "assignment",
      to: refOf(CLERK),
      permission: { documentNumber: "12/QĐ-UBND", documentDate: "2025-01-06", signedBy: refOf(HEAD) },
      effectiveFrom: "2025-01-06T08:00:00+07:00",
      recordedAt: "2025-01-06T08:00:00+07:00",
      recordedBy: refOf(IT),
    },
    org,
    PEOPLE,
  );
  const lost = reportTokenIncident(
    {
      id: "i1",
      officeId: OFFICE.id,
      kind: "lost",
      tokenId: "TK-ORG",
      discoveredAt: "2026-11-27T14:00:00+07:00",
      reportedAt: "2026-11-27T14:10:00+07:00",
      reportedBy: refOf(CLERK),
      description: "Mất thiết bị",
    },
    [org, head, deputy],
    PEOPLE,
  );

  it("the organisation's token is lost: the head signs with his own certificate, and the screen says which remain usable", () => {
    const s = requestLetterSigning({ inventory: [org, head, deputy], incidents: [lost], custody, people: PEOPLE, now: "2026-11-27T15:00:00+07:00" });
    expect(s.usable.map((c) => c.holder)).toEqual([HEAD.name]);
    expect(s.routes.map((r) => r.kind)).toEqual(["personal", "paper-scan"]);
    expect(s.routes[0]!.signer!.id).toBe(HEAD.id);
    expect(s.summaryVi[0]).toBe(`Chứng thư số còn dùng được: ${HEAD.name} (thiết bị TK-CT).`);
    expect(s.summaryVi[1]).toContain('ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG (thiết bị TK-ORG) — khóa ký do sự cố "');
    expect(s.summaryVi[1]).toContain(`${DEPUTY.name} (thiết bị TK-PCT) — `);
    expect(s.summaryVi[2]).toBe(`Cách ký văn bản đề nghị: ${HEAD.name} (Chủ tịch) ký trực tiếp bằng chứng thư số cá nhân (thiết bị TK-CT).`);
  });

  it("nothing usable at all: the paper letter, scanned, with the paper original to the Sở", () => {
    const s = requestLetterSigning({ inventory: [org, deputy], incidents: [lost], custody, people: PEOPLE, now: "2026-11-27T15:00:00+07:00" });
    expect(s.usable).toEqual([]);
    expect(s.routes).toHaveLength(1);
    expect(s.summaryVi[0]).toBe("Không còn chứng thư số nào dùng được.");
    expect(s.summaryVi.at(-1)).toContain("quét thành tệp PDF và gửi dưới dạng bản quét; gửi kèm bản giấy");
  });
});

describe("Mẫu 01, 02, 03 and 07 as PDFs, signed by the official and sealed by the clerk", () => {
  it("each is generated with its form's list, signs twice, and pdfsig and qpdf accept it", async () => {
    const ids = await testIdentities();
    const bold = new Uint8Array(readFileSync("/usr/share/fonts/truetype/croscore/Tinos-Bold.ttf"));
    const signer = { titleLines: signatureTitleLines("direct", "Chủ tịch", "Chủ tịch"), name: HEAD.name };
    const dir = mkdtempSync(join(tmpdir(), "request-kinds-"));
    const forms: [RequestFields, string[]][] = [
      [
        {
          kind: "issue-person",
          contact,
          subscribers: [
            {
              fullName: "Đỗ Thị Mai",
              idNumber: "031090001234",
              title: "Phó Chủ tịch",
              unit: "UBND phường Hồng Bàng",
              email: "dtmai@haiphong.gov.vn",
              province: "Hải Phòng",
              validityMonths: 60,
            },
          ],
        },
        ["Mẫu 01", "Đỗ Thị Mai", "031090001234"],
      ],
      [
        {
          kind: "issue-organisation",
          contact,
          organisations: [{ name: "Ủy ban nhân dân phường Hồng Bàng", address: "Số 1 Hoàng Văn Thụ", province: "Hải Phòng", email: "ubnd@haiphong.gov.vn" }],
        },
        ["Mẫu 02", "Hoàng Văn"],
      ],
      [
        {
          kind: "issue-device",
          contact,
          devices: [
            {
              kind: "software",
              name: "Hệ thống văn thư số",
              identifier: "vanthu.hongbang.haiphong.gov.vn",
              managingUnit: "Văn phòng HĐND và UBND",
              province: "Hải Phòng",
              email: "ubnd@haiphong.gov.vn",
            },
          ],
        },
        ["Mẫu 03", "vanthu.hongbang.", "Phần"],
      ],
      [
        {
          kind: "token-handover",
          contact,
          tokens: [
            {
              tokenSerial: "TK-ORG-0002",
              holder: "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG",
              serialNumber: "5403A1B3",
              handedBy: "Trần Thị Bình",
              receivedBy: "Hoàng Thị Hoa",
              handoverDate: "2026-11-26",
            },
          ],
        },
        ["Mẫu 07", "TK-ORG-0002", "26/11/2026"],
      ],
    ];
    for (const [i, [fields, expected]] of forms.entries()) {
      const r = make(fields, `m${i}`);
      const d = requestDocument(r, { office: OFFICE, date: "2026-11-26", documentNumber: `${230 + i}/UBND`, signer });
      expect(requestDocumentText(d)).toContain(`(${expected[0]} Phụ lục Nghị định số 68/2024/NĐ-CP)`);
      const pdf = await renderRequestPdf(d, { font: TINOS, boldFont: bold });
      const signed = await signPdf(pdf, { type: "signer", signer: ids.officialSigner, image: signaturePng(), signingTime: new Date("2026-11-26T02:00:00Z") });
      const sealed = await signPdf(signed.bytes, {
        type: "issuer",
        signer: ids.organisationSigner,
        image: sealPng(),
        signingTime: new Date("2026-11-26T02:05:00Z"),
      });
      const file = join(dir, `${fields.kind}.pdf`);
      writeFileSync(file, sealed.bytes);
      expect((await qpdfCheck(file)).ok).toBe(true);
      expect((await pdfsig(file)).map((s) => s.valid)).toEqual([true, true]);
      const text = (await tool("pdftotext", ["-layout", file, "-"])).stdout;
      for (const s of expected.slice(1)) expect(text).toContain(s);
      expect(text).toContain(`Số: ${230 + i}/UBND`);
    }
  }, 120_000);
});
