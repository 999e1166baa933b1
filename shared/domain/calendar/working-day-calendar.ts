import { VanthuError } from "../../errors.ts";
import { addDays, dayOf, nextDay, toIsoDay, yearOf, type IsoDay } from "./days.ts";
import { defaultDaysOff, isWeeklyRestDay, type DayOff } from "./holidays.ts";
import type { CalendarOverride, HolidayCalendarData } from "./holiday-data.ts";

/**
 * WorkingDayCalendar — lịch ngày làm việc: weekends, the public holidays of Bộ luật Lao động 2019
 * Điều 112 (Tết computed from the lunar calendar), compensatory days (Điều 111.3), and the
 * overrides district IT keeps per year (the yearly notices), which win over the generated days.
 *
 * Legal deadlines (thời hạn … ngày làm việc) are counted as Bộ luật Dân sự 2015 says:
 * Điều 147.1 — a period in days starts on the day after the event (the day a request is received
 * is not counted); Điều 148 — it ends at 24:00 of its last day, and a last day that is a weekly
 * rest day or a holiday moves to the next working day. Counting only working days, the last day
 * is always a working day.
 */
export interface LegalDeadline {
  /** The day the event happened (request received), Vietnam time. */
  startDay: IsoDay;
  workingDays: number;
  /** The last day of the period. */
  dueDay: IsoDay;
  /** The end of the period, 24:00 of the due day (ISO 8601, +07:00). */
  dueAt: string;
}

export class WorkingDayCalendar {
  private readonly overrides: Map<IsoDay, CalendarOverride>;
  private readonly cache = new Map<number, Map<IsoDay, DayOff>>();
  /** Every non-working day of a year (weekends included), for the counting loops. */
  private readonly offSets = new Map<number, Set<IsoDay>>();

  constructor(data?: HolidayCalendarData) {
    this.overrides = new Map((data?.overrides ?? []).map((o) => [o.day, o]));
  }

  /** The days off of a year other than ordinary weekends: holidays, compensatory days and notice days, in order. */
  daysOff(year: number): DayOff[] {
    return [...this.yearMap(year).values()].sort((a, b) => a.day.localeCompare(b.day));
  }

  /** Why a day is a day off, or null (weekends answer with a generated entry). */
  dayOff(d: Date | string): DayOff | null {
    const day = toIsoDay(d);
    const off = this.yearMap(yearOf(day)).get(day);
    if (off) return off;
    if (isWeeklyRestDay(day) && this.overrides.get(day)?.action !== "work") {
      return { day, kind: "holiday", name: "Nghỉ hằng tuần", basis: "Quyết định 188/1999/QĐ-TTg (tuần làm việc 40 giờ)", source: "default" };
    }
    return null;
  }

  isWorkingDay(d: Date | string): boolean {
    return this.dayOff(d) === null;
  }

  /** The first working day strictly after `d`. */
  nextWorkingDay(d: Date | string): IsoDay {
    return this.addWorkingDays(d, 1);
  }

  /**
   * The n-th working day after the day of `start` (start's day not counted, BLDS 2015 Điều 147).
   * n = 0 gives the start day itself.
   */
  addWorkingDays(start: Date | string, n: number): IsoDay {
    if (!Number.isInteger(n) || n < 0 || n > 3660) {
      throw new VanthuError("calendar.bad-count", `Số ngày làm việc không hợp lệ: ${n}`, `Invalid number of working days: ${n}`);
    }
    let day = toIsoDay(start);
    let left = n;
    while (left > 0) {
      day = nextDay(day);
      if (!this.offSet(yearOf(day)).has(day)) left--;
    }
    return day;
  }

  /** The deadline of a period of `workingDays` working days counted from the moment `receivedAt`. */
  deadline(receivedAt: Date | string, workingDays: number): LegalDeadline {
    const startDay = toIsoDay(receivedAt);
    const dueDay = this.addWorkingDays(startDay, workingDays);
    return { startDay, workingDays, dueDay, dueAt: `${addDays(dueDay, 1)}T00:00:00+07:00` };
  }

  /** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
  workingDaysBetween(from: Date | string, to: Date | string): number {
    let day = toIsoDay(from);
    const end = toIsoDay(to);
    let n = 0;
    while (day < end) {
      day = nextDay(day);
      if (!this.offSet(yearOf(day)).has(day)) n++;
    }
    return n;
  }

  private offSet(year: number): Set<IsoDay> {
    let set = this.offSets.get(year);
    if (set) return set;
    set = new Set(this.yearMap(year).keys());
    for (let d = dayOf(year, 1, 1); yearOf(d) === year; d = nextDay(d)) {
      if (isWeeklyRestDay(d) && this.overrides.get(d)?.action !== "work") set.add(d);
    }
    this.offSets.set(year, set);
    return set;
  }

  private yearMap(year: number): Map<IsoDay, DayOff> {
    let m = this.cache.get(year);
    if (m) return m;
    m = new Map(defaultDaysOff(year).map((d) => [d.day, d]));
    for (const o of this.overrides.values()) {
      if (yearOf(o.day) !== year) continue;
      if (o.action === "work") m.delete(o.day);
      else m.set(o.day, { day: o.day, kind: "notice", name: o.name, basis: o.basis, source: "override" });
    }
    this.cache.set(year, m);
    return m;
  }
}
