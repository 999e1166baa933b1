/** Vietnam has one time zone and no daylight saving: UTC+07:00. */
const VN_OFFSET_MS = 7 * 3600_000;

function parts(d: Date) {
  const v = new Date(d.getTime() + VN_OFFSET_MS);
  const p = (x: number, w = 2) => String(x).padStart(w, "0");
  return {
    y: p(v.getUTCFullYear(), 4),
    mo: p(v.getUTCMonth() + 1),
    d: p(v.getUTCDate()),
    h: p(v.getUTCHours()),
    mi: p(v.getUTCMinutes()),
    s: p(v.getUTCSeconds()),
  };
}

/** ISO 8601 with the Vietnam offset, e.g. 2026-11-24T09:15:02+07:00 (R3). */
export function formatIsoVietnam(d: Date): string {
  const t = parts(d);
  return `${t.y}-${t.mo}-${t.d}T${t.h}:${t.mi}:${t.s}+07:00`;
}

/** A PDF date (ISO 32000-1 7.9.4) in Vietnam time, e.g. D:20261124091502+07'00'. */
export function formatPdfDate(d: Date): string {
  const t = parts(d);
  return `D:${t.y}${t.mo}${t.d}${t.h}${t.mi}${t.s}+07'00'`;
}

/** dd/mm/yyyy as shown to people. */
export function formatDateVietnam(d: Date): string {
  const t = parts(d);
  return `${t.d}/${t.mo}/${t.y}`;
}
