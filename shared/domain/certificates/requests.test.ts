import { describe, expect, it } from "vitest";
import { WorkingDayCalendar } from "../calendar/working-day-calendar.ts";
import { AuditChain, verifyAuditChain } from "../audit/audit-chain.ts";
import {
  applyRequestEvent,
  createCertificateRequest,
  isOpenRequest,
  linkRequestDocument,
  missingRequestFields,
  REQUEST_KINDS,
  requestDeadlineStatus,
  type CertificateRequest,
  type ContactPerson,
} from "./requests.ts";
import { applyRequestOutcomeToInventory, auditForIncident, auditForRequestEvent, revocationRequestFromIncident } from "./lifecycle.ts";
import { reportTokenIncident } from "./incidents.ts";
import { canSignAsOrganisation } from "./signing-guard.ts";
import { recordCustodyEvent } from "./custody.ts";
import type { CertificateInventoryEntry } from "./inventory.ts";
import { refOf } from "./people.ts";
import { CLERK, HEAD, IT, PEOPLE } from "./test-fixtures.ts";

const cal = new WorkingDayCalendar();
const contact: ContactPerson = { fullName: "Lê Văn Cường", title: "Công chức phụ trách chữ ký số", phone: "0912 345 678", email: "lvcuong@haiphong.gov.vn" };
const sha = "e".repeat(64);
const so = { id: "so-khcn", name: "Nguyễn Thị Sở", title: "Chuyên viên Sở KH&CN" };

function recovery(): CertificateRequest {
  return createCertificateRequest({
    id: "r1",
    officeId: "o",
    fields: {
      kind: "token-recovery",
      contact,
      certificates: [
        { holder: "Nguyễn Văn An", serialNumber: "5403AA", tokenSerial: "TK-PCT", reason: "Thiết bị bị khóa do nhập sai mã PIN quá số lần cho phép" },
      ],
    },
    createdAt: "2026-11-26T08:00:00+07:00",
    createdBy: refOf(IT),
  });
}

describe("requests to the Sở Khoa học và Công nghệ (R20)", () => {
  it("knows each form, its deadline and whether the deadline is confirmed", () => {
    expect(Object.fromEntries(Object.entries(REQUEST_KINDS).map(([k, v]) => [k, [v.form, v.workingDays, v.deadlineConfirmed]]))).toEqual({
      "issue-person": ["Mẫu 01", 3, true],
      "issue-organisation": ["Mẫu 02", 3, true],
      "issue-device": ["Mẫu 03", 3, true],
      "token-handover": ["Mẫu 07", 0, true],
      renewal: ["Mẫu 04", 3, false],
      change: ["Mẫu 04", 3, false],
      revocation: ["Mẫu 05", 3, false],
      "token-recovery": ["Mẫu 06", 1, true],
    });
  });

  it("token recovery received on a Friday afternoon is due Monday; answered Monday it is in time", () => {
    let r = recovery();
    r = applyRequestEvent(r, { type: "sign", at: "2026-11-27T09:00:00+07:00", by: refOf(HEAD), documentSha256: sha, documentNumber: "215/UBND" }, cal);
    r = applyRequestEvent(r, { type: "send", at: "2026-11-27T14:00:00+07:00", by: refOf(CLERK) }, cal);
    r = applyRequestEvent(r, { type: "receive", at: "2026-11-27T15:10:00+07:00", by: so }, cal);
    expect(r.deadline).toEqual({ startDay: "2026-11-27", workingDays: 1, dueDay: "2026-11-30", dueAt: "2026-12-01T00:00:00+07:00" });
    expect(requestDeadlineStatus(r, "2026-11-28T10:00:00+07:00", cal)).toMatchObject({ overdue: false, workingDaysLeft: 1, confirmed: true });
    expect(requestDeadlineStatus(r, "2026-11-30T10:00:00+07:00", cal)).toMatchObject({ overdue: false, workingDaysLeft: 0 });
    expect(requestDeadlineStatus(r, "2026-12-01T10:00:00+07:00", cal)).toMatchObject({ overdue: true, workingDaysLeft: -1 });
    const done = applyRequestEvent(r, { type: "complete", at: "2026-11-30T16:00:00+07:00", by: so, note: "Đã khôi phục" }, cal);
    expect(done.state).toBe("completed");
    expect(isOpenRequest(done)).toBe(false);
    expect(requestDeadlineStatus(done, "2027-01-01T00:00:00+07:00", cal)).toMatchObject({ overdue: false, answeredInTime: true });
    expect(done.history.map((h) => h.state)).toEqual(["signed", "sent", "received", "completed"]);
  });

  it("Tết moves the deadline of a revocation: received 13/02/2026, due 25/02/2026 (3 working days, unconfirmed)", () => {
    let r = createCertificateRequest({
      id: "r2",
      officeId: "o",
      fields: {
        kind: "revocation",
        contact,
        certificates: [{ holder: "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG", serialNumber: "5403A1", reason: "Thiết bị lưu khóa bí mật bị mất" }],
      },
      createdAt: "2026-02-12T08:00:00+07:00",
      createdBy: refOf(IT),
    });
    r = applyRequestEvent(r, { type: "sign", at: "2026-02-12T09:00:00+07:00", by: refOf(HEAD), documentSha256: sha, documentNumber: "30/UBND" }, cal);
    r = applyRequestEvent(r, { type: "send", at: "2026-02-13T08:00:00+07:00", by: refOf(CLERK) }, cal);
    r = applyRequestEvent(r, { type: "receive", at: "2026-02-13T08:05:00+07:00", by: so }, cal);
    expect(r.deadline!.dueDay).toBe("2026-02-25");
    const s = requestDeadlineStatus(r, "2026-02-18T10:00:00+07:00", cal)!;
    expect(s).toMatchObject({ overdue: false, workingDaysLeft: 3, confirmed: false });
    expect(s.basis).toMatch(/chưa đối chiếu/);
  });

  it("a refusal needs reasons and is the outcome; a supplement restarts the period on re-receipt", () => {
    let r = recovery();
    r = applyRequestEvent(r, { type: "sign", at: "2026-11-23T09:00:00+07:00", by: refOf(HEAD), documentSha256: sha, documentNumber: "210/UBND" }, cal);
    r = applyRequestEvent(r, { type: "send", at: "2026-11-23T09:30:00+07:00", by: refOf(CLERK) }, cal);
    r = applyRequestEvent(r, { type: "receive", at: "2026-11-23T10:00:00+07:00", by: so }, cal);
    expect(() => applyRequestEvent(r, { type: "refuse", at: "2026-11-23T15:00:00+07:00", by: so, reasons: [" "] }, cal)).toThrow(
      expect.objectContaining({ code: "request.no-reasons", messageVi: "Từ chối phải nêu rõ lý do." }),
    );
    const sup = applyRequestEvent(r, { type: "request-supplement", at: "2026-11-23T15:00:00+07:00", by: so, reasons: ["Thiếu số hiệu thiết bị"] }, cal);
    expect(sup.deadline).toBeUndefined();
    let again = applyRequestEvent(sup, { type: "send", at: "2026-11-25T09:00:00+07:00", by: refOf(CLERK) }, cal);
    again = applyRequestEvent(again, { type: "receive", at: "2026-11-25T09:05:00+07:00", by: so }, cal);
    expect(again.deadline!.dueDay).toBe("2026-11-26");
    const refused = applyRequestEvent(
      again,
      { type: "refuse", at: "2026-11-26T10:00:00+07:00", by: so, reasons: ["Thiết bị không thuộc danh mục do Sở cấp", ""] },
      cal,
    );
    expect(refused.outcome).toEqual({ kind: "refused", at: "2026-11-26T10:00:00+07:00", by: so, reasons: ["Thiết bị không thuộc danh mục do Sở cấp"] });
  });

  it("remembers the draft of its công văn and the exchange reference, once", () => {
    const r = linkRequestDocument(linkRequestDocument(recovery(), { draftId: "d1" }), { exchangeRef: "out-1" });
    expect([r.draftId, r.exchangeRef]).toEqual(["d1", "out-1"]);
    expect(linkRequestDocument(r, { exchangeRef: "out-1" }).exchangeRef).toBe("out-1");
    expect(() => linkRequestDocument(r, { exchangeRef: "out-2" })).toThrow(expect.objectContaining({ code: "request.relinked" }));
  });

  it("refuses impossible steps and incomplete forms", () => {
    const r = recovery();
    expect(() => applyRequestEvent(r, { type: "receive", at: "2026-11-27T15:10:00+07:00", by: so }, cal)).toThrow(
      expect.objectContaining({ code: "request.bad-transition", messageVi: 'Không thể "receive" khi đề nghị đang ở trạng thái "Dự thảo".' }),
    );
    const incomplete = createCertificateRequest({
      ...r,
      fields: { kind: "token-recovery", contact: { ...contact, phone: "" }, certificates: [{ holder: "A", serialNumber: "1" }] },
      createdBy: refOf(IT),
    });
    expect(missingRequestFields(incomplete.fields)).toEqual(["Số điện thoại người đầu mối", "Dòng 1: lý do", "Dòng 1: số hiệu thiết bị lưu khóa bí mật"]);
    expect(() =>
      applyRequestEvent(incomplete, { type: "sign", at: "2026-11-27T09:00:00+07:00", by: refOf(HEAD), documentSha256: sha, documentNumber: "1/UBND" }, cal),
    ).toThrow(expect.objectContaining({ code: "request.incomplete" }));
    expect(missingRequestFields({ kind: "renewal", contact, certificates: [{ holder: "A", serialNumber: "1", renewalMonths: 48 }] })).toEqual([
      "Dòng 1: thời gian gia hạn tối đa 36 tháng (Nghị định 68/2024, Điều 9)",
    ]);
    expect(() => createCertificateRequest({ ...r, fields: { kind: "bogus" } as never, createdBy: refOf(IT) })).toThrow(
      expect.objectContaining({ code: "request.bad-kind" }),
    );
  });

  it("lost token → revocation request → answered → inventory revoked, signing refused; every step in the audit chain", async () => {
    const orgCert: CertificateInventoryEntry = {
      id: "a".repeat(64),
      officeId: "o",
      holderKind: "organisation",
      holder: "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG",
      serialNumber: "5403A1B2",
      issuer: "CA",
      notBefore: "2025-01-01T00:00:00Z",
      notAfter: "2029-12-31T00:00:00Z",
      tokenId: "TK-ORG",
      source: "token",
      certificateBase64: "",
      addedAt: "x",
    };
    const custody = recordCustodyEvent(
      [],
      {
        id: "c1",
        certificateId: orgCert.id,
        kind: "assignment",
        to: refOf(CLERK),
        permission: { documentNumber: "12/QĐ-UBND", documentDate: "2025-01-06", signedBy: refOf(HEAD) },
        effectiveFrom: "2025-01-06T08:00:00+07:00",
        recordedAt: "2025-01-06T08:00:00+07:00",
        recordedBy: refOf(IT),
      },
      orgCert,
      PEOPLE,
    );
    const audit = new AuditChain();
    const incident = reportTokenIncident(
      {
        id: "i1",
        officeId: "o",
        kind: "lost",
        tokenId: "TK-ORG",
        discoveredAt: "2026-11-27T14:00:00+07:00",
        reportedAt: "2026-11-27T14:10:00+07:00",
        reportedBy: refOf(CLERK),
        description: "Mất thiết bị",
      },
      [orgCert],
      PEOPLE,
    );
    await audit.append(auditForIncident(incident, { id: "a1", qlvbTime: false }));
    let r = revocationRequestFromIncident(incident, [orgCert], { id: "r9", contact, createdAt: "2026-11-27T14:15:00+07:00", createdBy: refOf(IT) });
    expect(r.fields).toMatchObject({
      kind: "revocation",
      certificates: [{ serialNumber: "5403A1B2", tokenSerial: "TK-ORG", reason: "Thiết bị lưu khóa bí mật bị mất" }],
    });
    const steps = [
      { type: "sign", at: "2026-11-27T14:30:00+07:00", by: refOf(HEAD), documentSha256: sha, documentNumber: "216/UBND" },
      { type: "send", at: "2026-11-27T14:40:00+07:00", by: refOf(CLERK) },
      { type: "receive", at: "2026-11-27T14:41:00+07:00", by: so },
      { type: "complete", at: "2026-12-01T09:00:00+07:00", by: so, result: { revokedAt: "2026-12-01T08:55:00+07:00" } },
    ] as const;
    let n = 2;
    for (const e of steps) {
      r = applyRequestEvent(r, e, cal);
      await audit.append(auditForRequestEvent(r, e, { id: `a${n++}`, qlvbTime: e.type !== "sign" }));
    }
    expect(requestDeadlineStatus(r, "2026-12-05T00:00:00+07:00", cal)).toMatchObject({ dueDay: "2026-12-02", answeredInTime: true });
    const inventory = applyRequestOutcomeToInventory([orgCert], r);
    expect(inventory[0]!.revocation).toEqual({ revokedAt: "2026-12-01T08:55:00+07:00", reason: "Thiết bị lưu khóa bí mật bị mất", source: "request" });
    const d = canSignAsOrganisation(CLERK, inventory[0]!, custody, { now: "2026-12-01T10:00:00+07:00", incidents: [incident] });
    expect(d).toMatchObject({ allowed: false, code: "signing.revoked" });
    expect(audit.entries.map((e) => e.summary)).toEqual([
      "Mất thiết bị lưu khóa bí mật: báo cáo người đứng đầu (Phạm Minh Đức) và bộ phận công nghệ thông tin (Lê Văn Cường); chứng thư số bị khóa ký.",
      "Đề nghị thu hồi chứng thư số (Mẫu 05): ký văn bản.",
      "Đề nghị thu hồi chứng thư số (Mẫu 05): gửi.",
      "Đề nghị thu hồi chứng thư số (Mẫu 05): Sở Khoa học và Công nghệ tiếp nhận.",
      "Đề nghị thu hồi chứng thư số (Mẫu 05): Sở đã giải quyết.",
    ]);
    expect((await verifyAuditChain(audit.entries)).ok).toBe(true);
  });
});
