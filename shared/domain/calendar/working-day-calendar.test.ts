import { describe, expect, it } from "vitest";
import { WorkingDayCalendar } from "./working-day-calendar.ts";
import { defaultDaysOff, nationalDayAdjacent } from "./holidays.ts";
import { knownNoticesData, parseHolidayCalendarData, withOverride, withoutOverride, type HolidayCalendarData } from "./holiday-data.ts";
import { VanthuError } from "../../errors.ts";

const law = new WorkingDayCalendar();
function caught(fn: () => unknown): VanthuError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VanthuError) return e;
    throw e;
  }
  throw new Error("expected a VanthuError");
}
const days = (year: number, cal = law) => cal.daysOff(year).map((d) => `${d.day} ${d.kind}`);

describe("holidays of Bộ luật Lao động 2019 Điều 112, with nghỉ bù (Điều 111.3)", () => {
  it("generates 2026: Tết Bính Ngọ Mon 16/02 – Fri 20/02, Giỗ Tổ on a Sunday compensated on Monday", () => {
    expect(days(2026)).toEqual([
      "2026-01-01 holiday",
      "2026-02-16 holiday",
      "2026-02-17 holiday",
      "2026-02-18 holiday",
      "2026-02-19 holiday",
      "2026-02-20 holiday",
      "2026-04-26 holiday",
      "2026-04-27 compensatory",
      "2026-04-30 holiday",
      "2026-05-01 holiday",
      "2026-09-01 holiday",
      "2026-09-02 holiday",
    ]);
    const tet = law.daysOff(2026).filter((d) => d.name.startsWith("Tết Âm lịch"));
    expect(tet.map((d) => d.name)).toEqual([
      "Tết Âm lịch (29 tháng Chạp)",
      "Tết Âm lịch (mùng 1 tháng Giêng)",
      "Tết Âm lịch (mùng 2 tháng Giêng)",
      "Tết Âm lịch (mùng 3 tháng Giêng)",
      "Tết Âm lịch (mùng 4 tháng Giêng)",
    ]);
    expect(tet[0]!.basis).toBe("Bộ luật Lao động 2019, Điều 112.1.b");
  });

  it("compensates each weekend holiday on its own next working day (2023: 29/4 Sat, 30/4 Sun, 1/5 Mon → off until 3/5)", () => {
    const spring = defaultDaysOff(2023).filter((d) => d.day >= "2023-04-28" && d.day <= "2023-05-05");
    expect(spring.map((d) => `${d.day} ${d.kind}`)).toEqual([
      "2023-04-29 holiday",
      "2023-04-30 holiday",
      "2023-05-01 holiday",
      "2023-05-02 compensatory",
      "2023-05-03 compensatory",
    ]);
    expect(law.isWorkingDay("2023-05-04")).toBe(true);
    // 1/1/2023 was a Sunday: Monday 2/1 off.
    expect(law.dayOff("2023-01-02")?.kind).toBe("compensatory");
  });

  it("puts the day next to Quốc khánh beside the weekend", () => {
    expect(nationalDayAdjacent(2021)).toBe("2021-09-03"); // Thu → Fri
    expect(nationalDayAdjacent(2022)).toBe("2022-09-01"); // Fri → Thu
    expect(nationalDayAdjacent(2023)).toBe("2023-09-01"); // Sat → Fri, and Mon 4/9 compensates
    expect(nationalDayAdjacent(2024)).toBe("2024-09-03"); // Mon → Tue
    expect(nationalDayAdjacent(2025)).toBe("2025-09-01"); // Tue → Mon
    expect(law.dayOff("2023-09-04")?.kind).toBe("compensatory");
  });
});

describe("addWorkingDays and legal deadlines", () => {
  it("steps over month and year ends, leap days included", async () => {
    const { nextDay } = await import("./days.ts");
    expect(["2024-02-28", "2024-02-29", "2025-02-28", "2026-12-31", "2026-04-30", "2100-02-28", "2000-02-28"].map(nextDay)).toEqual([
      "2024-02-29",
      "2024-03-01",
      "2025-03-01",
      "2027-01-01",
      "2026-05-01",
      "2100-03-01",
      "2000-02-29",
    ]);
    // Over the new year: Thursday 31/12/2026, 1 working day → Monday 04/01/2027 (1/1 Friday off).
    expect(law.addWorkingDays("2026-12-31T10:00:00+07:00", 1)).toBe("2027-01-04");
  });

  it("a request received on a Friday afternoon with 1 working day is due on Monday", () => {
    expect(law.addWorkingDays("2026-11-27T15:30:00+07:00", 1)).toBe("2026-11-30");
    const d = law.deadline("2026-11-27T15:30:00+07:00", 1);
    expect(d).toEqual({ startDay: "2026-11-27", workingDays: 1, dueDay: "2026-11-30", dueAt: "2026-12-01T00:00:00+07:00" });
  });

  it("counts the day in Vietnam time, not UTC", () => {
    // Thursday 20:00 UTC is Friday 03:00 in Hải Phòng.
    expect(law.addWorkingDays("2026-11-26T20:00:00Z", 1)).toBe("2026-11-30");
    expect(law.addWorkingDays(new Date("2026-11-26T16:59:59Z"), 1)).toBe("2026-11-27");
  });

  it("a request received on a weekend counts from the next day, and n = 0 is the day itself", () => {
    expect(law.addWorkingDays("2026-11-28", 1)).toBe("2026-11-30");
    expect(law.addWorkingDays("2026-11-28", 0)).toBe("2026-11-28");
  });

  it("Tết moves deadlines: 3 working days from Thursday 12/02/2026 end on 24/02", () => {
    expect(law.addWorkingDays("2026-02-12T10:00:00+07:00", 3)).toBe("2026-02-24");
    expect(law.addWorkingDays("2026-02-13T16:00:00+07:00", 1)).toBe("2026-02-23");
    expect(law.workingDaysBetween("2026-02-13", "2026-02-24")).toBe(2);
  });

  it("a holiday moves a deadline: Giỗ Tổ on Sunday 26/04/2026, compensated Monday, then 30/4 and 1/5", () => {
    expect(law.addWorkingDays("2026-04-24T09:00:00+07:00", 1)).toBe("2026-04-28");
    expect(law.addWorkingDays("2026-04-29T09:00:00+07:00", 1)).toBe("2026-05-04");
    expect(law.addWorkingDays("2026-08-31T09:00:00+07:00", 1)).toBe("2026-09-03");
  });

  it("refuses a bad count or a bad date with a Vietnamese message", () => {
    expect(() => law.addWorkingDays("2026-11-27", -1)).toThrow(VanthuError);
    expect(() => law.addWorkingDays("2026-11-27", 1.5)).toThrow(/Invalid number/);
    expect(() => law.addWorkingDays("2026-02-30", 1)).toThrow(/Invalid day/);
    expect(caught(() => law.addWorkingDays("hôm qua", 1)).messageVi).toBe("Ngày không hợp lệ: hôm qua");
  });
});

describe("the holiday calendar is data district IT edits; overrides win", () => {
  it("applies the yearly notice: Tết 2025 off Mon 27/01 – Fri 31/01, Monday 03/02 a working day", () => {
    const defaults = days(2025).filter((d) => d < "2025-02-10");
    expect(defaults).toEqual([
      "2025-01-01 holiday",
      "2025-01-28 holiday",
      "2025-01-29 holiday",
      "2025-01-30 holiday",
      "2025-01-31 holiday",
      "2025-02-01 holiday",
      "2025-02-03 compensatory",
    ]);
    const withNotices = new WorkingDayCalendar(knownNoticesData());
    expect(days(2025, withNotices).filter((d) => d < "2025-02-10")).toEqual([
      "2025-01-01 holiday",
      "2025-01-27 notice",
      "2025-01-28 holiday",
      "2025-01-29 holiday",
      "2025-01-30 holiday",
      "2025-01-31 holiday",
      "2025-02-01 holiday",
    ]);
    // The same request, received Friday 24/01/2025, is due on different days.
    expect(law.addWorkingDays("2025-01-24T14:00:00+07:00", 1)).toBe("2025-01-27");
    expect(withNotices.addWorkingDays("2025-01-24T14:00:00+07:00", 1)).toBe("2025-02-03");
  });

  it("a Saturday worked in exchange (làm bù) counts as a working day", () => {
    const cal = new WorkingDayCalendar(knownNoticesData());
    expect(cal.isWorkingDay("2025-04-26")).toBe(true); // Saturday
    expect(cal.isWorkingDay("2025-05-02")).toBe(false); // Friday swapped
    expect(cal.addWorkingDays("2025-04-25T10:00:00+07:00", 1)).toBe("2025-04-26");
    expect(cal.addWorkingDays("2025-04-29T10:00:00+07:00", 1)).toBe("2025-05-05");
  });

  it("adds and removes a day, and the default comes back", () => {
    let data: HolidayCalendarData = { version: 1, overrides: [] };
    data = withOverride(data, { day: "2026-09-03", action: "off", name: "Nghỉ Quốc khánh theo thông báo", basis: "Thông báo của Thủ tướng Chính phủ (thử)" });
    data = withOverride(data, { day: "2026-09-01", action: "work", name: "Làm việc", basis: "Thông báo của Thủ tướng Chính phủ (thử)" });
    const cal = new WorkingDayCalendar(data);
    expect(cal.isWorkingDay("2026-09-01")).toBe(true);
    expect(cal.dayOff("2026-09-03")).toMatchObject({ kind: "notice", source: "override" });
    expect(cal.addWorkingDays("2026-08-31", 1)).toBe("2026-09-01");
    const back = new WorkingDayCalendar(withoutOverride(data, "2026-09-01"));
    expect(back.isWorkingDay("2026-09-01")).toBe(false);
  });

  it("refuses bad data clearly and keeps nothing of it", () => {
    expect(() => parseHolidayCalendarData({ version: 1, overrides: [{ day: "2026-02-30", action: "off", name: "x", basis: "y" }] })).toThrow(
      /overrides\.0\.day/,
    );
    expect(() => parseHolidayCalendarData({ version: 1, overrides: [{ day: "2026-02-03", action: "skip", name: "x", basis: "y" }] })).toThrow(VanthuError);
    expect(() => parseHolidayCalendarData({ version: 2, overrides: [] })).toThrow(VanthuError);
    expect(() =>
      parseHolidayCalendarData({
        version: 1,
        overrides: [
          { day: "2026-02-03", action: "off", name: "x", basis: "y" },
          { day: "2026-02-03", action: "work", name: "x", basis: "y" },
        ],
      }),
    ).toThrow(/both a day off and a working day/);
    expect(caught(() => parseHolidayCalendarData({ version: 1, overrides: [{ day: "03/02/2026", action: "off", name: "x", basis: "y" }] })).messageVi).toMatch(
      /^Dữ liệu lịch nghỉ không hợp lệ/,
    );
  });
});
