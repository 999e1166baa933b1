/**
 * Vietnam time, one place for the whole product. Vietnam has one time zone and no daylight
 * saving: UTC+07:00. Times are exchanged as ISO 8601 with the offset, dates are shown
 * dd/mm/yyyy, PDF dates carry +07'00'.
 */
export const VIETNAM_OFFSET_MS = 7 * 3600_000;

const p = (n: number, w = 2) => String(n).padStart(w, "0");

/** The wall-clock fields in Vietnam of an instant (read them with getUTC*). */
export function vietnamWallClock(d: Date): Date {
  return new Date(d.getTime() + VIETNAM_OFFSET_MS);
}

/** `2026-11-24T09:15:02+07:00`; with `ms`, `2026-11-24T09:15:02.123+07:00`. */
export function isoVietnam(d: Date, ms = false): string {
  const x = vietnamWallClock(d);
  const frac = ms ? `.${p(x.getUTCMilliseconds(), 3)}` : "";
  return `${p(x.getUTCFullYear(), 4)}-${p(x.getUTCMonth() + 1)}-${p(x.getUTCDate())}T${p(x.getUTCHours())}:${p(x.getUTCMinutes())}:${p(x.getUTCSeconds())}${frac}+07:00`;
}

/** `24/11/2026`: the day in Vietnam of an instant. */
export function ddmmyyyyVietnam(d: Date): string {
  const x = vietnamWallClock(d);
  return `${p(x.getUTCDate())}/${p(x.getUTCMonth() + 1)}/${x.getUTCFullYear()}`;
}

/** The calendar year in Vietnam of an instant. */
export function vietnamYear(d: Date): number {
  return vietnamWallClock(d).getUTCFullYear();
}

/** A PDF date (ISO 32000-1 §7.9.4) in Vietnam time: `D:20261124091502+07'00'`. */
export function pdfDateVietnam(d: Date): string {
  const x = vietnamWallClock(d);
  return `D:${p(x.getUTCFullYear(), 4)}${p(x.getUTCMonth() + 1)}${p(x.getUTCDate())}${p(x.getUTCHours())}${p(x.getUTCMinutes())}${p(x.getUTCSeconds())}+07'00'`;
}

/** A PDF date `D:YYYYMMDDHHmmSSOHH'mm'` (any offset; none means UTC) → the instant, or undefined. */
export function parsePdfDate(s: string | undefined): Date | undefined {
  if (!s) return undefined;
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?'?/.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo = "01", d = "01", h = "00", mi = "00", se = "00", sign, oh = "00", om = "00"] = m;
  let t = Date.UTC(+y!, +mo - 1, +d, +h, +mi, +se);
  if (sign === "+" || sign === "-") t -= (sign === "+" ? 1 : -1) * (+oh * 60 + +om) * 60_000;
  const date = new Date(t);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Whether `claimed` is `reference` shifted by Vietnam's offset, as when a signing tool writes
 * the local wall-clock time into a field that means UTC (CMS signingTime): the claim is then
 * about 7 hours ahead. `slackMs` allows for the seconds or minutes between signing and the
 * time-stamp.
 */
export function looksLikeLocalTimeAsUtc(claimed: Date, reference: Date, slackMs = 15 * 60_000): boolean {
  return Math.abs(claimed.getTime() - reference.getTime() - VIETNAM_OFFSET_MS) <= slackMs;
}
