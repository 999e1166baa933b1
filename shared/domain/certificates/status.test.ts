import { describe, expect, it } from "vitest";
import { certificateStatus } from "./status.ts";

const cert = { notBefore: "2024-12-01T00:00:00Z", notAfter: "2026-12-31T16:59:59Z" }; // last day 31/12/2026 in Vietnam

describe("certificate status (R19)", () => {
  it("valid, then expiring at 30 and 7 days, then expired", () => {
    expect(certificateStatus(cert, "2026-11-25T03:00:00Z")).toMatchObject({ status: "valid", level: "ok", daysLeft: 36, usable: true });
    expect(certificateStatus(cert, "2026-12-01T03:00:00Z")).toMatchObject({ status: "expiring", level: "warning", daysLeft: 30, usable: true });
    expect(certificateStatus(cert, "2026-12-24T03:00:00Z")).toMatchObject({ status: "expiring", level: "urgent", daysLeft: 7 });
    expect(certificateStatus(cert, "2026-12-31T10:00:00Z").messageVi).toBe("Chứng thư số hết hạn hôm nay (ngày 31/12/2026); cần đề nghị gia hạn.");
    expect(certificateStatus(cert, "2026-12-31T17:00:00Z")).toMatchObject({ status: "expired", level: "blocked", usable: false, labelVi: "Hết hạn" });
    expect(certificateStatus(cert, "2024-11-30T00:00:00Z").status).toBe("not-yet-valid");
  });

  it("thresholds are configurable", () => {
    expect(certificateStatus(cert, "2026-11-25T03:00:00Z", { warnDays: 60, urgentDays: 40 })).toMatchObject({ status: "expiring", level: "urgent" });
    expect(certificateStatus(cert, "2026-12-10T03:00:00Z", { warnDays: 14, urgentDays: 3 })).toMatchObject({ status: "valid" });
    expect(() => certificateStatus(cert, "2026-12-10T03:00:00Z", { warnDays: 3, urgentDays: 14 })).toThrow(RangeError);
  });

  it("revocation and suspension win over validity, from their time on", () => {
    const revoked = { ...cert, revocation: { revokedAt: "2026-11-20T02:00:00Z", reason: "Thiết bị lưu khóa bí mật bị mất", source: "request" as const } };
    expect(certificateStatus(revoked, "2026-11-19T00:00:00Z").status).toBe("valid");
    expect(certificateStatus(revoked, "2026-11-25T00:00:00Z")).toMatchObject({
      status: "revoked",
      usable: false,
      messageVi: "Chứng thư số đã bị thu hồi ngày 20/11/2026 (Thiết bị lưu khóa bí mật bị mất); không được dùng để ký.",
    });
    const suspended = { ...cert, suspension: { from: "2026-11-01T00:00:00Z", until: "2026-11-30T00:00:00Z" } };
    expect(certificateStatus(suspended, "2026-11-25T00:00:00Z")).toMatchObject({ status: "suspended", usable: false });
    expect(certificateStatus(suspended, "2026-11-30T00:00:01Z").status).toBe("valid");
  });
});
