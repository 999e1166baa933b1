import { VanthuError } from "../../errors.ts";
import { isoDay } from "../dates.ts";

/** A calendar day in Vietnam, `yyyy-mm-dd`. */
export type IsoDay = string;

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export function isIsoDay(s: string): boolean {
  const m = DAY_RE.exec(s);
  if (!m) return false;
  const t = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return t.getUTCFullYear() === Number(m[1]) && t.getUTCMonth() === Number(m[2]) - 1 && t.getUTCDate() === Number(m[3]);
}

function badDay(s: unknown): VanthuError {
  return new VanthuError("calendar.bad-day", `Ngày không hợp lệ: ${String(s)}`, `Invalid day: ${String(s)}`);
}

/** The Vietnam calendar day of a moment (Date or ISO 8601 time), or a `yyyy-mm-dd` given as is. */
export function toIsoDay(d: Date | string): IsoDay {
  if (typeof d === "string" && DAY_RE.test(d)) {
    if (!isIsoDay(d)) throw badDay(d);
    return d;
  }
  if (typeof d === "string" && !/^\d{4}-\d{2}-\d{2}T/.test(d)) throw badDay(d);
  try {
    return isoDay(d);
  } catch {
    throw badDay(d);
  }
}

function toUtcMs(day: IsoDay): number {
  const m = DAY_RE.exec(day);
  if (!m || !isIsoDay(day)) throw badDay(day);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

function fromUtcMs(ms: number): IsoDay {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: IsoDay, n: number): IsoDay {
  return fromUtcMs(toUtcMs(day) + n * MS_PER_DAY);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(day: IsoDay): number {
  return new Date(toUtcMs(day)).getUTCDay();
}

export function yearOf(day: IsoDay): number {
  return Number(day.slice(0, 4));
}

export function dayOf(year: number, month: number, date: number): IsoDay {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(date).padStart(2, "0")}`;
}

export const WEEKDAY_NAMES_VI = ["Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"] as const;

/** The day after a valid `yyyy-mm-dd` (hot loops: no re-validation). */
export function nextDay(day: IsoDay): IsoDay {
  const y = +day.slice(0, 4);
  const m = +day.slice(5, 7);
  const d = +day.slice(8, 10);
  const lengths = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (d < lengths[m - 1]!) return dayOf(y, m, d + 1);
  return m === 12 ? dayOf(y + 1, 1, 1) : dayOf(y, m + 1, 1);
}
