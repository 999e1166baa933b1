import { describe, expect, it } from "vitest";
import { WorkingDayCalendar } from "../calendar/working-day-calendar.ts";
import { knownNoticesData } from "../calendar/holiday-data.ts";
import {
  applyHandlingEvent,
  handlingAlerts,
  handlingDeadline,
  handlingRefusal,
  handlingTrace,
  newHandling,
  presentationDue,
  registerColumnsFromHandling,
  type HandlingEvent,
  type IncomingHandling,
} from "./index.ts";

const cal = new WorkingDayCalendar(knownNoticesData());
const clerk = { id: "u-clerk", name: "Trần Thị Hoa", title: "Văn thư" };
const leader = { id: "u-leader", name: "Nguyễn Văn An", title: "Chủ tịch" };
const officer = { id: "u-officer", name: "Lê Văn Cường", title: "Công chức Văn phòng - Thống kê" };

function registered(over: Partial<IncomingHandling> = {}): IncomingHandling {
  return newHandling({
    id: "d1",
    officeId: "o1",
    arrivalNumber: 12,
    arrivalYear: 2026,
    numberAndSymbol: "15/QĐ-UBND",
    summary: "Về việc kiểm tra",
    issuer: "UBND thành phố Hải Phòng",
    arrivedAt: "2026-11-26T09:00:00+07:00",
    urgency: "none",
    ...over,
  });
}
const run = (h: IncomingHandling, ...es: HandlingEvent[]) => es.reduce((x, e) => applyHandlingEvent(x, e, cal), h);
const present: HandlingEvent = { type: "present", at: "2026-11-26T10:00:00+07:00", by: clerk, to: leader };
const assign: HandlingEvent = {
  type: "assign",
  at: "2026-11-26T14:00:00+07:00",
  by: leader,
  opinion: "Giao Văn phòng chủ trì, báo cáo trước hạn.",
  assignees: [
    { kind: "person", id: officer.id, name: officer.name, part: "main" },
    { kind: "unit", id: "tc-kt", name: "Bộ phận Tài chính - Kế toán", part: "support" },
  ],
  workingDays: 5,
};

describe("handling an incoming document (Nghị định 30/2020 Điều 23–24)", () => {
  it("presented, assigned with a due date in working days, acknowledged, done", () => {
    const h = run(registered(), present, assign, { type: "acknowledge", at: "2026-11-27T08:05:00+07:00", by: officer });
    expect(h.state).toBe("in-progress");
    // Thursday 26/11 + 5 working days: 27/11, 30/11, 1/12, 2/12, 3/12.
    expect(h.assignment!.dueDay).toBe("2026-12-03");
    expect(registerColumnsFromHandling(h)).toEqual({
      handler: "Lê Văn Cường (chủ trì); Bộ phận Tài chính - Kế toán (phối hợp)",
      handedOverAt: "2026-11-26T14:00:00+07:00",
      receipt: "Lê Văn Cường đã nhận điện tử lúc 08:05 27/11/2026",
    });
    const done = run(h, { type: "complete", at: "2026-12-02T16:00:00+07:00", by: officer, note: "Đã báo cáo." });
    expect(handlingDeadline(done, "2026-12-10T09:00:00+07:00", cal)!.flag).toBe("done-in-time");
  });

  it("due soon, due today, then overdue the day after the due date", () => {
    const h = run(registered(), present, assign);
    expect(handlingDeadline(h, "2026-11-27T09:00:00+07:00", cal)).toMatchObject({ flag: "on-time", workingDaysLeft: 4 });
    expect(handlingDeadline(h, "2026-12-01T09:00:00+07:00", cal)).toMatchObject({ flag: "due-soon", workingDaysLeft: 2 });
    expect(handlingDeadline(h, "2026-12-03T16:59:00+07:00", cal)).toMatchObject({ flag: "due-soon", workingDaysLeft: 0, textVi: "Hạn hôm nay (03/12/2026)" });
    expect(handlingDeadline(h, "2026-12-04T00:00:00+07:00", cal)).toMatchObject({ flag: "overdue", textVi: "Quá hạn 1 ngày làm việc (hạn 03/12/2026)" });
    const alerts = handlingAlerts([h], "2026-12-04T08:00:00+07:00", cal, officer.id);
    expect(alerts.map((a) => a.kind)).toEqual(["overdue"]);
    expect(handlingAlerts([h], "2026-12-04T08:00:00+07:00", cal, "someone-else")).toEqual([]);
  });

  it("presentation: by the end of the next working day; urgent at once", () => {
    expect(presentationDue(registered({ arrivedAt: "2026-11-27T16:00:00+07:00" }), cal)).toEqual({
      atOnce: false,
      dueAt: "2026-12-01T00:00:00+07:00",
      dueDay: "2026-11-30",
    });
    const urgent = registered({ id: "d2", urgency: "Hỏa tốc" });
    const late = registered({ id: "d3", arrivedAt: "2026-11-20T09:00:00+07:00" });
    expect(handlingAlerts([late, urgent], "2026-11-26T09:30:00+07:00", cal).map((a) => [a.handling.id, a.kind])).toEqual([
      ["d2", "present-now"],
      ["d3", "present-late"],
    ]);
  });

  it("checks who acts: clerk presents, leader assigns, only the assignee acknowledges", () => {
    const h = run(registered(), present);
    expect(handlingRefusal(registered(), present, { id: leader.id, roles: ["leader"] })).toBe("Chỉ văn thư trình văn bản đến.");
    expect(handlingRefusal(h, assign, { id: clerk.id, roles: ["clerk"] })).toBe("Chỉ lãnh đạo cho ý kiến chỉ đạo và giao xử lý.");
    expect(handlingRefusal(h, assign, { id: leader.id, roles: ["leader"] })).toBeNull();
    const a = run(h, assign);
    const ack: HandlingEvent = { type: "acknowledge", at: "2026-11-27T08:00:00+07:00", by: clerk };
    expect(handlingRefusal(a, ack, { id: clerk.id, roles: ["clerk"] })).toBe("Chỉ người được giao xử lý mới ký nhận và báo cáo tiến độ.");
    expect(handlingRefusal(a, { ...ack, by: officer }, { id: officer.id, roles: ["clerk"] })).toBeNull();
  });

  it("refuses what the decree does not allow, with a Vietnamese reason", () => {
    const h = run(registered(), present);
    expect(() => run(registered(), assign)).toThrow(expect.objectContaining({ code: "handling.bad-transition" }));
    expect(() => run(h, { ...assign, opinion: "  " } as HandlingEvent)).toThrow(expect.objectContaining({ messageVi: "Hãy ghi ý kiến phân phối, chỉ đạo." }));
    expect(() => run(h, { ...assign, workingDays: 0 } as HandlingEvent)).toThrow(expect.objectContaining({ code: "handling.bad-due" }));
    expect(() => run(h, { ...assign, assignees: [] } as HandlingEvent)).toThrow(expect.objectContaining({ code: "handling.no-main" }));
  });

  it("the trace the edXML package carries: each step with its QLVB time, status code and opinion", () => {
    const h = run(registered(), present, assign, { type: "acknowledge", at: "2026-11-27T08:05:00+07:00", by: officer });
    expect(handlingTrace(h, "HP.1669.008").map((t) => [t.statusCode, t.timestamp])).toEqual([
      ["03", "2026-11-26T10:00:00+07:00"],
      ["04", "2026-11-26T14:00:00+07:00"],
      ["05", "2026-11-27T08:05:00+07:00"],
    ]);
    expect(handlingTrace(h, "HP.1669.008")[1]!.description).toContain(
      "Giao Văn phòng chủ trì, báo cáo trước hạn. — Giao: Lê Văn Cường (chủ trì); Bộ phận Tài chính - Kế toán (phối hợp); hạn 2026-12-03",
    );
  });
});
