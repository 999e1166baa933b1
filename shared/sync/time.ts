/** QLVB times are exchanged as ISO 8601 with the Vietnam offset (+07:00); Vietnam has no DST. */
const VN_OFFSET_MS = 7 * 3600_000;
const p = (n: number, w = 2) => String(n).padStart(w, "0");

/** `2026-11-24T09:15:02.123+07:00` — milliseconds kept so that server stamps order. */
export function toVietnamTime(d: Date): string {
  const x = new Date(d.getTime() + VN_OFFSET_MS);
  return `${x.getUTCFullYear()}-${p(x.getUTCMonth() + 1)}-${p(x.getUTCDate())}T${p(x.getUTCHours())}:${p(x.getUTCMinutes())}:${p(x.getUTCSeconds())}.${p(x.getUTCMilliseconds(), 3)}+07:00`;
}

/** The year in Vietnam of an instant (registers are numbered per calendar year). */
export function vietnamYear(d: Date): number {
  return new Date(d.getTime() + VN_OFFSET_MS).getUTCFullYear();
}
