import { describe, expect, it } from "vitest";
import { WorkingDayCalendar } from "../calendar/working-day-calendar.ts";
import { inventoryRows, requestRows } from "./view-models.ts";
import { applyRequestEvent, createCertificateRequest } from "./requests.ts";
import { reportTokenIncident } from "./incidents.ts";
import type { CertificateInventoryEntry } from "./inventory.ts";
import type { CustodyEvent } from "./custody.ts";
import { refOf } from "./people.ts";
import { CLERK, HEAD, IT, PEOPLE } from "./test-fixtures.ts";

const cal = new WorkingDayCalendar();
const base: CertificateInventoryEntry = {
  id: "a".repeat(64),
  officeId: "o",
  holderKind: "organisation",
  holder: "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG",
  serialNumber: "5403A1",
  issuer: "CA",
  notBefore: "2025-01-01T00:00:00+07:00",
  notAfter: "2029-12-31T23:59:59+07:00",
  tokenId: "TK-ORG",
  source: "token",
  certificateBase64: "",
  addedAt: "x",
};
const person: CertificateInventoryEntry = {
  ...base,
  id: "b".repeat(64),
  holderKind: "person",
  holder: "Nguyễn Văn An",
  title: "Phó Chủ tịch",
  notAfter: "2026-12-10T23:59:59+07:00",
  tokenId: "TK-PCT",
};
const custody: CustodyEvent[] = [
  {
    id: "c1",
    certificateId: base.id,
    kind: "assignment",
    to: refOf(CLERK),
    permission: { documentNumber: "12/QĐ-UBND", documentDate: "2025-01-06", signedBy: refOf(HEAD) },
    effectiveFrom: "2025-01-06T08:00:00+07:00",
    recordedAt: "2025-01-06T08:00:00+07:00",
    recordedBy: refOf(IT),
  },
];

describe("screen rows", () => {
  it("inventory: expiring first, custody and the incident block said in Vietnamese", () => {
    const incident = reportTokenIncident(
      {
        id: "i",
        officeId: "o",
        kind: "lost",
        tokenId: "TK-ORG",
        discoveredAt: "2026-11-24T08:00:00+07:00",
        reportedAt: "2026-11-24T08:10:00+07:00",
        reportedBy: refOf(CLERK),
        description: "Mất",
      },
      [base],
      PEOPLE,
    );
    const rows = inventoryRows([base, person], { now: "2026-11-25T10:00:00+07:00", custody, incidents: [incident] });
    expect(rows.map((r) => [r.holder, r.kindVi, r.status.labelVi, r.status.level, r.custodianVi, r.blockedVi])).toEqual([
      ["Nguyễn Văn An", "Cá nhân", "Sắp hết hạn", "warning", "Nguyễn Văn An", ""],
      [
        "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG",
        "Cơ quan, tổ chức",
        "Còn hiệu lực",
        "ok",
        "Trần Thị Bình (văn bản 12/QĐ-UBND)",
        "Khóa ký: mất thiết bị lưu khóa bí mật (báo 24/11/2026), chờ thu hồi.",
      ],
    ]);
    expect(rows[1]!.validityVi).toBe("01/01/2025 – 31/12/2029");
    const revoked = inventoryRows([{ ...base, revocation: { revokedAt: "2026-11-26T09:00:00+07:00", source: "request" } }], {
      now: "2026-11-27T10:00:00+07:00",
      custody,
      incidents: [incident],
    });
    expect(revoked[0]!.status.labelVi).toBe("Đã thu hồi");
    expect(revoked[0]!.blockedVi).toBe("Chứng thư số đã bị thu hồi ngày 26/11/2026; không được dùng để ký.");
  });

  it("requests: state, deadline and outcome in words", () => {
    const contact = { fullName: IT.name, title: "Công chức", phone: "0912", email: "it@haiphong.gov.vn" };
    let r = createCertificateRequest({
      id: "r1",
      officeId: "o",
      fields: { kind: "token-recovery", contact, certificates: [{ holder: "A", serialNumber: "01", tokenSerial: "T", reason: "Khóa PIN" }] },
      createdAt: "2026-11-27T08:00:00+07:00",
      createdBy: refOf(IT),
    });
    expect(requestRows([r], { now: "2026-11-27T09:00:00+07:00", calendar: cal })[0]).toMatchObject({
      form: "Mẫu 06",
      stateVi: "Dự thảo",
      deadlineVi: "Tính từ khi Sở tiếp nhận",
      deadlineLevel: "none",
    });
    r = applyRequestEvent(
      r,
      { type: "sign", at: "2026-11-27T09:00:00+07:00", by: refOf(HEAD), documentSha256: "a".repeat(64), documentNumber: "218/UBND" },
      cal,
    );
    r = applyRequestEvent(r, { type: "send", at: "2026-11-27T09:30:00+07:00", by: refOf(CLERK) }, cal);
    r = applyRequestEvent(r, { type: "receive", at: "2026-11-27T15:00:00+07:00", by: { id: "s", name: "Sở" } }, cal);
    expect(requestRows([r], { now: "2026-11-28T09:00:00+07:00", calendar: cal })[0]).toMatchObject({
      stateVi: "Sở đã nhận",
      deadlineVi: "Hạn 30/11/2026 — còn 1 ngày làm việc",
      deadlineLevel: "ok",
      receivedVi: "15:00 27/11/2026",
    });
    expect(requestRows([r], { now: "2026-11-30T09:00:00+07:00", calendar: cal })[0]!.deadlineVi).toBe("Hạn 30/11/2026 — hết hạn hôm nay");
    expect(requestRows([r], { now: "2026-12-02T09:00:00+07:00", calendar: cal })[0]).toMatchObject({
      deadlineVi: "Hạn 30/11/2026 — quá hạn 2 ngày làm việc",
      deadlineLevel: "overdue",
    });
    const refused = applyRequestEvent(
      r,
      { type: "refuse", at: "2026-11-30T10:00:00+07:00", by: { id: "s", name: "Sở" }, reasons: ["Thiết bị không do Sở cấp"] },
      cal,
    );
    expect(requestRows([refused], { now: "2026-12-02T09:00:00+07:00", calendar: cal })[0]).toMatchObject({
      stateVi: "Bị từ chối",
      deadlineLevel: "answered",
      outcomeVi: "Từ chối 10:00 30/11/2026. Lý do: Thiết bị không do Sở cấp",
    });
  });
});
