import { dayToVi } from "./dates.ts";
import type { IncomingRegisterEntry, OutgoingRegisterEntry } from "./registers.ts";

/**
 * The cover (bìa) of a printed register, Nghị định 30/2020 Phụ lục IV: the managing body, the
 * body, the register's title, "Năm", "Từ ngày … đến ngày …", for the outgoing register also
 * "Từ số … đến số …", and "Quyển số". The dates and numbers are read from the entries of the
 * book, so the cover cannot say something the pages do not.
 */
export interface RegisterCover {
  managingBody: string;
  body: string;
  title: "SỔ ĐĂNG KÝ VĂN BẢN ĐI" | "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN";
  yearLine: string;
  dateRangeLine: string;
  /** Outgoing register only. */
  numberRangeLine?: string;
  bookLine: string;
}

export interface RegisterCoverInput {
  office: { name: string; parentName?: string };
  year: number;
  /** Quyển số: the book's number within the year, from 1. */
  bookNumber: number;
}

const two = (n: number) => String(n).padStart(2, "0");
const dots = "…";

export function outgoingRegisterCover(entries: readonly OutgoingRegisterEntry[], o: RegisterCoverInput): RegisterCover {
  const sorted = [...entries].filter((e) => e.year === o.year).sort((a, b) => a.number - b.number);
  const days = sorted.map((e) => e.documentDate).sort();
  return {
    ...head(o),
    title: "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
    dateRangeLine: dateRange(days),
    numberRangeLine: sorted.length ? `Từ số ${two(sorted[0]!.number)} đến số ${two(sorted.at(-1)!.number)}` : `Từ số ${dots} đến số ${dots}`,
  };
}

export function incomingRegisterCover(entries: readonly IncomingRegisterEntry[], o: RegisterCoverInput): RegisterCover {
  // Ngày đến is a QLVB time with its offset: the day is the day in Vietnam.
  const days = entries
    .filter((e) => e.year === o.year)
    .map((e) => vietnamDay(e.arrivedAt))
    .sort();
  return { ...head(o), title: "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", dateRangeLine: dateRange(days) };
}

function head(o: RegisterCoverInput) {
  if (!Number.isInteger(o.bookNumber) || o.bookNumber < 1) throw new RangeError(`book number ${o.bookNumber} must be a positive integer`);
  return {
    managingBody: (o.office.parentName ?? "").toLocaleUpperCase("vi"),
    body: o.office.name.toLocaleUpperCase("vi"),
    yearLine: `Năm: ${o.year}`,
    bookLine: `Quyển số: ${two(o.bookNumber)}`,
  };
}

function dateRange(sortedDays: string[]): string {
  if (!sortedDays.length) return `Từ ngày ${dots} đến ngày ${dots}`;
  return `Từ ngày ${dayToVi(sortedDays[0]!)} đến ngày ${dayToVi(sortedDays.at(-1)!)}`;
}

function vietnamDay(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso.slice(0, 10);
  return new Date(t + 7 * 3600_000).toISOString().slice(0, 10);
}
