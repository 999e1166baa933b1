import { describe, expect, it } from "vitest";
import { julianDayNumber, dateOfJulianDay, leapMonthOf, lunarNewYear, lunarToSolar, solarToLunar, isoOf } from "./lunar.ts";

describe("Vietnamese lunar calendar (Hồ Ngọc Đức's method, UTC+7)", () => {
  it("finds Tết Nguyên đán on the published dates", () => {
    expect(lunarNewYear(2023)).toBe("2023-01-22");
    expect(lunarNewYear(2024)).toBe("2024-02-10");
    expect(lunarNewYear(2025)).toBe("2025-01-29");
    expect(lunarNewYear(2026)).toBe("2026-02-17");
    expect(lunarNewYear(2027)).toBe("2027-02-06");
    expect([2019, 2020, 2021, 2022, 2028, 2029].map((y) => lunarNewYear(y))).toEqual([
      "2019-02-05",
      "2020-01-25",
      "2021-02-12",
      "2022-02-01",
      "2028-01-26",
      "2029-02-13",
    ]);
  });

  it("uses Vietnam's meridian, not China's: Tết 1985 and 2007 differ", () => {
    // Vietnam 21/01/1985 (China 20/02/1985); Vietnam 17/02/2007 (China 18/02/2007).
    expect(lunarNewYear(1985)).toBe("1985-01-21");
    expect(lunarNewYear(2007)).toBe("2007-02-17");
    // The same computation on UTC+8 gives China's dates.
    expect(isoOf(lunarToSolar({ day: 1, month: 1, year: 1985, leap: false }, 8)!)).toBe("1985-02-20");
    expect(isoOf(lunarToSolar({ day: 1, month: 1, year: 2007, leap: false }, 8)!)).toBe("2007-02-18");
  });

  it("finds Giỗ Tổ Hùng Vương (10/3 âm lịch)", () => {
    expect(isoOf(lunarToSolar({ day: 10, month: 3, year: 2025, leap: false })!)).toBe("2025-04-07");
    expect(isoOf(lunarToSolar({ day: 10, month: 3, year: 2026, leap: false })!)).toBe("2026-04-26");
    expect(isoOf(lunarToSolar({ day: 10, month: 3, year: 2024, leap: false })!)).toBe("2024-04-18");
    expect([2019, 2020, 2021, 2022].map((y) => isoOf(lunarToSolar({ day: 10, month: 3, year: y, leap: false })!))).toEqual([
      "2019-04-14",
      "2020-04-02",
      "2021-04-21",
      "2022-04-10",
    ]);
  });

  it("knows the leap months (tháng nhuận)", () => {
    expect(leapMonthOf(2023)).toBe(2);
    expect(leapMonthOf(2025)).toBe(6);
    expect(leapMonthOf(2024)).toBeNull();
    expect(leapMonthOf(2020)).toBe(4);
    // 2033: the leap month falls after the solstice (tháng 11 nhuận), the case naive rules get wrong.
    expect(leapMonthOf(2033)).toBe(11);
    expect(leapMonthOf(2026)).toBeNull();
    // 1/6 nhuận Ất Tỵ = 25/07/2025; 1/2 nhuận Quý Mão = 22/03/2023.
    expect(isoOf(lunarToSolar({ day: 1, month: 6, year: 2025, leap: true })!)).toBe("2025-07-25");
    expect(isoOf(lunarToSolar({ day: 1, month: 2, year: 2023, leap: true })!)).toBe("2023-03-22");
    expect(solarToLunar(25, 7, 2025)).toEqual({ day: 1, month: 6, year: 2025, leap: true });
    expect(lunarToSolar({ day: 1, month: 5, year: 2026, leap: true })).toBeNull();
  });

  it("converts both ways, consistently, for every day of 2000–2040", () => {
    let jd = julianDayNumber(1, 1, 2000);
    const end = julianDayNumber(31, 12, 2040);
    let previous = solarToLunar(31, 12, 1999);
    for (; jd <= end; jd++) {
      const d = dateOfJulianDay(jd);
      const l = solarToLunar(d.day, d.month, d.year);
      expect(lunarToSolar(l)).toEqual(d);
      // Days advance by one, or a new month starts at day 1 after day 29 or 30.
      if (l.day !== 1) expect(l.day).toBe(previous.day + 1);
      else expect([29, 30]).toContain(previous.day);
      previous = l;
    }
  });

  it("refuses dates that do not exist and years outside its range", () => {
    expect(lunarToSolar({ day: 31, month: 1, year: 2025, leap: false })).toBeNull();
    expect(lunarToSolar({ day: 1, month: 13, year: 2025, leap: false })).toBeNull();
    expect(() => lunarNewYear(1700)).toThrow(RangeError);
  });

  it("round-trips Julian day numbers", () => {
    expect(julianDayNumber(1, 1, 2000)).toBe(2451545);
    expect(dateOfJulianDay(2451545)).toEqual({ day: 1, month: 1, year: 2000 });
  });
});
