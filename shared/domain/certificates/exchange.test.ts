import { describe, expect, it } from "vitest";
import { DocumentHeader } from "../../sync/schemas.ts";
import { WorkingDayCalendar } from "../calendar/working-day-calendar.ts";
import { applyScienceDepartmentAnswer, requestExchangeHeader } from "./exchange.ts";
import { applyRequestEvent, createCertificateRequest, requestDeadlineStatus, type CertificateRequest } from "./requests.ts";
import { refOf } from "./people.ts";
import { CLERK, HEAD, IT, OFFICE } from "./test-fixtures.ts";

const cal = new WorkingDayCalendar();
const so = { id: "so-1", name: "Nguyễn Thị Sở", title: "Chuyên viên" };

function sentRevocation(): CertificateRequest {
  let r = createCertificateRequest({
    id: "r1",
    officeId: OFFICE.id,
    fields: {
      kind: "revocation",
      contact: { fullName: IT.name, title: "Công chức", phone: "0912", email: "it@haiphong.gov.vn" },
      certificates: [{ holder: "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG", serialNumber: "5403A1", reason: "Thiết bị lưu khóa bí mật bị mất" }],
    },
    createdAt: "2026-11-27T08:00:00+07:00",
    createdBy: refOf(IT),
    incidentId: "i1",
  });
  r = applyRequestEvent(r, { type: "sign", at: "2026-11-27T08:30:00+07:00", by: refOf(HEAD), documentSha256: "d".repeat(64), documentNumber: "216/UBND" }, cal);
  return applyRequestEvent(r, { type: "send", at: "2026-11-27T09:00:00+07:00", by: refOf(CLERK) }, cal);
}

describe("requests through the exchange", () => {
  it("the công văn's header is a valid exchange header, urgent after an incident", () => {
    const h = requestExchangeHeader(sentRevocation(), OFFICE, "2026-11-27");
    expect(DocumentHeader.parse(h)).toMatchObject({
      codeNumber: "216",
      codeNotation: "UBND",
      typeCode: "CV",
      subject: "V/v đề nghị thu hồi chứng thư chữ ký số chuyên dùng công vụ",
      priority: 1,
    });
    const draft = createCertificateRequest({
      id: "r0",
      officeId: OFFICE.id,
      fields: sentRevocation().fields,
      createdAt: "2026-11-27T08:00:00+07:00",
      createdBy: refOf(IT),
    });
    expect(() => requestExchangeHeader(draft, OFFICE, "2026-11-27")).toThrow(expect.objectContaining({ code: "request.not-signed" }));
  });

  it("the Sở's answer: receipt at its QLVB time, then revocation completed within the deadline", () => {
    const done = applyScienceDepartmentAnswer(
      sentRevocation(),
      { receivedAt: "2026-11-27T10:00:00+07:00", answer: { type: "complete", note: "Đã thu hồi" }, at: "2026-11-30T09:00:00+07:00", by: so },
      cal,
    );
    expect(done.state).toBe("completed");
    expect(done.receivedAt).toBe("2026-11-27T10:00:00+07:00");
    expect(done.deadline?.dueDay).toBe("2026-12-02");
    expect(done.outcome?.result?.revokedAt).toBe("2026-11-30T09:00:00+07:00");
    expect(requestDeadlineStatus(done, "2026-12-10T00:00:00+07:00", cal)?.answeredInTime).toBe(true);
  });

  it("a refusal with reasons; a bad answer is refused with a Vietnamese message", () => {
    const refused = applyScienceDepartmentAnswer(
      sentRevocation(),
      {
        receivedAt: "2026-11-27T10:00:00+07:00",
        answer: { type: "refuse", reasons: ["Số hiệu chứng thư không đúng"] },
        at: "2026-11-27T15:00:00+07:00",
        by: so,
      },
      cal,
    );
    expect(refused.outcome).toMatchObject({ kind: "refused", reasons: ["Số hiệu chứng thư không đúng"] });
    expect(() =>
      applyScienceDepartmentAnswer(
        sentRevocation(),
        { receivedAt: "2026-11-27T10:00:00+07:00", answer: { type: "refuse", reasons: [] }, at: "2026-11-27T15:00:00+07:00", by: so },
        cal,
      ),
    ).toThrow(expect.objectContaining({ code: "request.bad-answer" }));
    expect(() =>
      applyScienceDepartmentAnswer(
        sentRevocation(),
        { receivedAt: "2026-11-27T10:00:00+07:00", answer: { type: "approve" }, at: "2026-11-27T15:00:00+07:00", by: so },
        cal,
      ),
    ).toThrow(expect.objectContaining({ messageVi: expect.stringMatching(/^Nội dung trả lời không hợp lệ/) }));
    expect(() =>
      applyScienceDepartmentAnswer(
        sentRevocation(),
        { receivedAt: "2026-11-27T10:00:00+07:00", answer: { type: "complete" }, at: "2026-11-27T09:00:00+07:00", by: so },
        cal,
      ),
    ).toThrow(expect.objectContaining({ code: "request.bad-time" }));
  });
});
