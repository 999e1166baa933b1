import { lunarToSolar, solarToLunar, isoOf } from "./lunar.ts";
import { addDays, dayOf, weekdayOf, type IsoDay } from "./days.ts";

/**
 * The public holidays of Bộ luật Lao động 2019 (45/2019/QH14), Điều 112 khoản 1, which apply to
 * cán bộ, công chức, viên chức as to every employee:
 *   a) Tết Dương lịch: 01 ngày (1/1 dương lịch);
 *   b) Tết Âm lịch: 05 ngày;
 *   c) Ngày Chiến thắng: 01 ngày (30/4 dương lịch);
 *   d) Ngày Quốc tế lao động: 01 ngày (1/5 dương lịch);
 *   đ) Quốc khánh: 02 ngày (2/9 dương lịch và 01 ngày liền kề trước hoặc sau);
 *   e) Ngày Giỗ Tổ Hùng Vương: 01 ngày (10/3 âm lịch).
 * Điều 112 khoản 3: every year the Prime Minister fixes the Tết days (b) and the day next to
 * Quốc khánh (đ). What this file generates is therefore a default, to be corrected by the
 * year's notice (see overrides in working-day-calendar.ts).
 *
 * Weekly rest: Saturday and Sunday for state bodies (Quyết định 188/1999/QĐ-TTg, 40-hour week).
 * Điều 111 khoản 3: a holiday that falls on the weekly rest day is compensated on the next
 * working day (nghỉ bù).
 */
export type DayOffKind = "holiday" | "compensatory" | "notice";

export interface DayOff {
  day: IsoDay;
  kind: DayOffKind;
  /** What people read, e.g. "Tết Âm lịch (mùng 1 tháng Giêng)". */
  name: string;
  /** The legal basis, e.g. "Bộ luật Lao động 2019, Điều 112.1.b". */
  basis: string;
  /** Generated from the law, or entered by district IT. */
  source: "default" | "override";
}

export const WEEKLY_REST_DAYS: readonly number[] = [0, 6];
const BLLD = "Bộ luật Lao động 2019";

export function isWeeklyRestDay(day: IsoDay): boolean {
  return WEEKLY_REST_DAYS.includes(weekdayOf(day));
}

/** The day next to Quốc khánh, chosen to join the weekend as the Prime Minister has done every year since 2021. */
export function nationalDayAdjacent(year: number): IsoDay {
  const sep2 = dayOf(year, 9, 2);
  switch (weekdayOf(sep2)) {
    case 1: // Monday: 1/9 is a Sunday → Tuesday 3/9 (as in 2024)
    case 4: // Thursday → Friday 3/9 (2021)
    case 0: // Sunday → Monday 3/9
      return dayOf(year, 9, 3);
    default: // Tuesday → Monday 1/9 (2025); Friday → Thursday 1/9 (2022); Saturday → Friday 1/9 (2023); Wednesday → Tuesday 1/9
      return dayOf(year, 9, 1);
  }
}

const TET_DAY_NAMES = ["mùng 1", "mùng 2", "mùng 3", "mùng 4"];

/** The five Tết days by default: the last day of the old lunar year and the first four of the new one. */
export function defaultTetDays(year: number): DayOff[] {
  const first = lunarToSolar({ day: 1, month: 1, year, leap: false });
  if (!first) throw new Error(`no Tết for ${year}`);
  const tet = isoOf(first);
  const eve = addDays(tet, -1);
  const [ey, em, ed] = eve.split("-").map(Number) as [number, number, number];
  const eveLunar = solarToLunar(ed, em, ey);
  const basis = `${BLLD}, Điều 112.1.b`;
  return [
    { day: eve, kind: "holiday", name: `Tết Âm lịch (${eveLunar.day} tháng Chạp)`, basis, source: "default" },
    ...TET_DAY_NAMES.map((n, i) => ({
      day: addDays(tet, i),
      kind: "holiday" as const,
      name: `Tết Âm lịch (${n} tháng Giêng)`,
      basis,
      source: "default" as const,
    })),
  ];
}

/** The holidays of Điều 112.1 for one calendar year, without compensation. */
export function statutoryHolidays(year: number): DayOff[] {
  const h = (day: IsoDay, name: string, point: string): DayOff => ({ day, kind: "holiday", name, basis: `${BLLD}, Điều 112.1.${point}`, source: "default" });
  const gioTo = lunarToSolar({ day: 10, month: 3, year, leap: false });
  if (!gioTo) throw new Error(`no 10/3 âm lịch in ${year}`);
  const list: DayOff[] = [
    h(dayOf(year, 1, 1), "Tết Dương lịch", "a"),
    ...defaultTetDays(year),
    h(isoOf(gioTo), "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "e"),
    h(dayOf(year, 4, 30), "Ngày Chiến thắng", "c"),
    h(dayOf(year, 5, 1), "Ngày Quốc tế lao động", "d"),
    h(dayOf(year, 9, 2), "Quốc khánh", "đ"),
    h(nationalDayAdjacent(year), "Quốc khánh (ngày liền kề)", "đ"),
  ];
  return list.sort((a, b) => a.day.localeCompare(b.day));
}

/**
 * The statutory holidays plus the compensatory days of Điều 111.3: each holiday on a Saturday or
 * Sunday gives the next working day off (taken in order, so two weekend holidays give two days).
 */
export function defaultDaysOff(year: number): DayOff[] {
  const holidays = statutoryHolidays(year);
  const taken = new Set(holidays.map((d) => d.day));
  const result = [...holidays];
  for (const h of holidays) {
    if (!isWeeklyRestDay(h.day)) continue;
    let d = addDays(h.day, 1);
    while (isWeeklyRestDay(d) || taken.has(d)) d = addDays(d, 1);
    taken.add(d);
    result.push({ day: d, kind: "compensatory", name: `Nghỉ bù ${h.name}`, basis: `${BLLD}, Điều 111.3`, source: "default" });
  }
  return result.sort((a, b) => a.day.localeCompare(b.day));
}
