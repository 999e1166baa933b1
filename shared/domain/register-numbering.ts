import { VanthuError } from "../errors.ts";

/**
 * Numbering of the registers (Điều 15.1, 22.2): from 01 on 1 January to 31 December of the
 * year; incoming numbers (số đến) run in one yearly sequence; a number is unique within the year.
 */
export interface NumberedEntry {
  year: number;
  number: number;
}

/** The next number of the year, given the numbers already taken in that register. */
export function nextRegisterNumber(taken: Iterable<NumberedEntry>, year: number): number {
  let max = 0;
  for (const e of taken) if (e.year === year && e.number > max) max = e.number;
  return max + 1;
}

/** The register year of an ISO date or Date, in Vietnam's time (UTC+7): a document of 31/12 23:30 belongs to that year. */
export function registerYear(at: Date | string): number {
  const d = typeof at === "string" ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) {
    throw new VanthuError("domain.bad-date", "Ngày không hợp lệ.", `Invalid date: ${String(at)}`);
  }
  return new Date(d.getTime() + 7 * 3600_000).getUTCFullYear();
}

export function assertNumberFree(taken: Iterable<NumberedEntry>, year: number, number: number): void {
  for (const e of taken) {
    if (e.year === year && e.number === number) {
      throw new VanthuError(
        "domain.number-taken",
        `Số ${number} của năm ${year} đã được dùng trong sổ.`,
        `Register number ${number} of ${year} is already taken`,
      );
    }
  }
}
