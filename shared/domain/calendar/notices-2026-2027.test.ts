import { describe, expect, it } from "vitest";
import { WorkingDayCalendar } from "./working-day-calendar.ts";
import { knownNoticesData } from "./holiday-data.ts";
import { lunarNewYear } from "./lunar.ts";

const cal = new WorkingDayCalendar(knownNoticesData());
const working = (days: string[]) => days.map((d) => cal.isWorkingDay(d));

describe("the notices of 2026 and the generated days of 2027", () => {
  it("Tết Dương lịch 2026: 01–04/01 off, Saturday 10/01 worked (12729/VPCP-KGVX)", () => {
    expect(working(["2026-01-01", "2026-01-02", "2026-01-05", "2026-01-10"])).toEqual([false, false, true, true]);
  });

  it("Tết Bính Ngọ 2026: 14/02–22/02 off, 23/02 the first working day", () => {
    const feb = Array.from({ length: 10 }, (_, i) => `2026-02-${String(14 + i).padStart(2, "0")}`);
    expect(working(feb)).toEqual([false, false, false, false, false, false, false, false, false, true]);
    expect(cal.dayOff("2026-02-16")!.basis).toContain("Tết 2026: 14/02–22/02/2026");
  });

  it("Giỗ Tổ 2026 on Sunday 26/4 gives Monday 27/4; 30/4 and 1/5 are Thursday and Friday", () => {
    expect(working(["2026-04-26", "2026-04-27", "2026-04-28", "2026-04-30", "2026-05-01", "2026-05-04"])).toEqual([false, false, true, false, false, true]);
  });

  it("Quốc khánh 2026: 29/8–02/9 off with Monday 31/8 swapped for Saturday 22/8", () => {
    expect(working(["2026-08-22", "2026-08-28", "2026-08-31", "2026-09-01", "2026-09-02", "2026-09-03"])).toEqual([true, true, false, false, false, true]);
  });

  it("Tết Đinh Mùi falls on Saturday 06/02/2027: 05/02–11/02 off by the law's default until the notice is entered", () => {
    expect(lunarNewYear(2027)).toBe("2027-02-06");
    expect(working(["2027-02-04", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"])).toEqual([
      true,
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
    // A deadline of 3 working days from Thursday 04/02/2027 ends on Tuesday 16/02 (12/02, 15/02, 16/02).
    expect(cal.addWorkingDays("2027-02-04", 3)).toBe("2027-02-16");
  });
});
