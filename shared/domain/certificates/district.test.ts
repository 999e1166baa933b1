import { describe, expect, it } from "vitest";
import { WorkingDayCalendar } from "../calendar/working-day-calendar.ts";
import { districtOverview, type OfficeSnapshot } from "./district.ts";
import { applyRequestEvent, createCertificateRequest } from "./requests.ts";
import { reportTokenIncident } from "./incidents.ts";
import type { CertificateInventoryEntry } from "./inventory.ts";
import { refOf } from "./people.ts";
import { CLERK, HEAD, IT, PEOPLE } from "./test-fixtures.ts";

const cal = new WorkingDayCalendar();
const cert = (id: string, holder: string, notAfter: string): CertificateInventoryEntry => ({
  id,
  officeId: "x",
  holderKind: "person",
  holder,
  serialNumber: id.toUpperCase(),
  issuer: "CA",
  notBefore: "2024-01-01T00:00:00Z",
  notAfter,
  source: "token",
  certificateBase64: "",
  addedAt: "x",
  tokenId: `tk-${id}`,
});

describe("district view", () => {
  it("puts the office with an overdue request and a lost token first, and says why", () => {
    const contact = { fullName: "Lê Văn Cường", title: "Công chức", phone: "0912", email: "a@haiphong.gov.vn" };
    let late = createCertificateRequest({
      id: "r1",
      officeId: "a",
      fields: { kind: "token-recovery", contact, certificates: [{ holder: "A", serialNumber: "01", tokenSerial: "T1", reason: "Khóa PIN" }] },
      createdAt: "2026-11-20T08:00:00+07:00",
      createdBy: refOf(IT),
    });
    const so = { id: "so", name: "Sở KH&CN" };
    late = applyRequestEvent(
      late,
      { type: "sign", at: "2026-11-20T08:10:00+07:00", by: refOf(HEAD), documentSha256: "f".repeat(64), documentNumber: "1/UBND" },
      cal,
    );
    late = applyRequestEvent(late, { type: "send", at: "2026-11-20T08:20:00+07:00", by: refOf(CLERK) }, cal);
    late = applyRequestEvent(late, { type: "receive", at: "2026-11-20T08:30:00+07:00", by: so }, cal); // Friday → due Monday 23/11
    const a1 = cert("a1", "Ủy ban phường A", "2029-01-01T00:00:00Z");
    const incident = reportTokenIncident(
      {
        id: "i",
        officeId: "a",
        kind: "lost",
        tokenId: "tk-a1",
        discoveredAt: "2026-11-24T08:00:00+07:00",
        reportedAt: "2026-11-24T08:05:00+07:00",
        reportedBy: refOf(CLERK),
        description: "Mất",
      },
      [a1],
      PEOPLE,
    );
    const offices: OfficeSnapshot[] = [
      {
        officeId: "b",
        officeName: "UBND xã Bạch Long Vĩ",
        sync: { lastSyncAt: "2026-11-25T08:00:00+07:00" },
        inventory: [cert("b1", "Trần B", "2026-12-01T16:59:59Z")],
        requests: [],
        incidents: [],
      },
      {
        officeId: "a",
        officeName: "UBND phường An Biên",
        sync: { lastSyncAt: "2026-11-22T08:00:00+07:00", pendingMutations: 3 },
        inventory: [a1],
        requests: [late],
        incidents: [incident],
      },
      { officeId: "c", officeName: "UBND đặc khu Cát Hải", sync: {}, inventory: [cert("c1", "Lê C", "2028-01-01T00:00:00Z")], requests: [], incidents: [] },
    ];
    const rows = districtOverview(offices, { now: "2026-11-25T10:00:00+07:00", calendar: cal });
    expect(rows.map((r) => r.officeId)).toEqual(["a", "b", "c"]);
    const [a, b, c] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    expect(a.syncState).toBe("stale");
    expect(a.syncTextVi).toBe("Đồng bộ 3 ngày trước, còn 3 thay đổi chờ gửi");
    expect(a.overdueRequests).toHaveLength(1);
    expect(a.overdueRequests[0]).toMatchObject({
      labelVi: "Khôi phục thiết bị lưu khóa bí mật",
      form: "Mẫu 06",
      stateVi: "Sở đã nhận",
      deadline: { dueDay: "2026-11-23", overdue: true, workingDaysLeft: -2 },
    });
    expect(a.certificates).toEqual([expect.objectContaining({ holder: "Ủy ban phường A", blockedByIncident: true })]);
    expect(a.openIncidents).toBe(1);
    expect(b.syncState).toBe("ok");
    expect(b.certificates.map((x) => [x.holder, x.status.status, x.status.level, x.status.daysLeft])).toEqual([["Trần B", "expiring", "urgent", 6]]);
    expect(c.syncState).toBe("never");
    expect(c.syncTextVi).toBe("Chưa đồng bộ lần nào");
    expect(c.certificates).toEqual([]);
  });
});
