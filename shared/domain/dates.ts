import { VanthuError } from "../errors.ts";

/** Dates are shown dd/mm/yyyy; times are stored ISO 8601 with the Vietnam offset (+07:00). Vietnam has no DST. */
const VN_OFFSET_MS = 7 * 3600_000;

function vn(d: Date | string): Date {
  const x = typeof d === "string" ? new Date(d) : d;
  if (Number.isNaN(x.getTime())) throw new VanthuError("domain.bad-date", "Ngày không hợp lệ.", `Invalid date: ${String(d)}`);
  return new Date(x.getTime() + VN_OFFSET_MS);
}
const p2 = (n: number) => String(n).padStart(2, "0");

export function formatDateVi(d: Date | string): string {
  const x = vn(d);
  return `${p2(x.getUTCDate())}/${p2(x.getUTCMonth() + 1)}/${x.getUTCFullYear()}`;
}

export function formatDateTimeVi(d: Date | string): string {
  const x = vn(d);
  return `${p2(x.getUTCHours())}:${p2(x.getUTCMinutes())} ${formatDateVi(d)}`;
}

/** `2026-11-24T09:15:02+07:00` */
export function toVietnamIso(d: Date | string): string {
  const x = vn(d);
  return `${x.getUTCFullYear()}-${p2(x.getUTCMonth() + 1)}-${p2(x.getUTCDate())}T${p2(x.getUTCHours())}:${p2(x.getUTCMinutes())}:${p2(x.getUTCSeconds())}+07:00`;
}

/** A calendar day as stored: `yyyy-mm-dd`. */
export function isoDay(d: Date | string): string {
  return toVietnamIso(d).slice(0, 10);
}

/** Parses dd/mm/yyyy (what people type) into `yyyy-mm-dd`; null when it is not a real date. */
export function parseDateVi(s: string): string | null {
  const m = /^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$/.exec(s);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
  return `${y}-${p2(mo)}-${p2(d)}`;
}

/** `yyyy-mm-dd` → dd/mm/yyyy */
export function dayToVi(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : day;
}
