/**
 * The Vietnamese lunisolar calendar (âm lịch), computed astronomically for the meridian of
 * UTC+7, after the method Hồ Ngọc Đức published ("Âm lịch Việt Nam"): a lunar month begins on
 * the civil day (at UTC+7) that contains the new moon; month 11 is the month containing the
 * winter solstice; in a year with 13 months, the leap month is the first one after month 11
 * that contains no major solar term (trung khí, sun longitude a multiple of 30°).
 *
 * Written from the published algorithm (Jean Meeus' new-moon series, truncated; low-precision
 * solar longitude). Using UTC+7 and not China's UTC+8 is what makes Vietnam's Tết differ from
 * China's in some years (1985: 21/01 in Vietnam, 20/02 in China).
 */

/** Vietnam's time zone for the calendar (hours east of UTC). */
export const VIETNAM_TIME_ZONE = 7;

export interface LunarDate {
  day: number;
  month: number;
  year: number;
  /** True in the repeated month (tháng nhuận). */
  leap: boolean;
}

export interface SolarDate {
  day: number;
  month: number;
  year: number;
}

const { floor, sin, PI } = Math;
const DEG = PI / 180;
/** Mean synodic month, days. */
const SYNODIC = 29.530588853;
/** Julian day of the new moon of 1 January 1900 13:52 UTC, the series' origin. */
const EPOCH_NEW_MOON = 2415021.076998695;

/** Julian day number of a Gregorian calendar date (proleptic Julian before 15/10/1582). */
export function julianDayNumber(day: number, month: number, year: number): number {
  const a = floor((14 - month) / 12);
  const y = year + 4800 - a;
  const m = month + 12 * a - 3;
  let jd = day + floor((153 * m + 2) / 5) + 365 * y + floor(y / 4) - floor(y / 100) + floor(y / 400) - 32045;
  if (jd < 2299161) jd = day + floor((153 * m + 2) / 5) + 365 * y + floor(y / 4) - 32083;
  return jd;
}

/** The calendar date of a Julian day number. */
export function dateOfJulianDay(jd: number): SolarDate {
  let b: number;
  let c: number;
  if (jd > 2299160) {
    const a = jd + 32044;
    b = floor((4 * a + 3) / 146097);
    c = a - floor((b * 146097) / 4);
  } else {
    b = 0;
    c = jd + 32082;
  }
  const d = floor((4 * c + 3) / 1461);
  const e = c - floor((1461 * d) / 4);
  const m = floor((5 * e + 2) / 153);
  return {
    day: e - floor((153 * m + 2) / 5) + 1,
    month: m + 3 - 12 * floor(m / 10),
    year: b * 100 + d - 4800 + floor(m / 10),
  };
}

/** The moment (Julian date, UT) of the k-th new moon after 1 January 1900. */
function newMoonMoment(k: number): number {
  const T = k / 1236.85;
  const T2 = T * T;
  const T3 = T2 * T;
  let jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 - 0.000000155 * T3;
  jd += 0.00033 * sin((166.56 + 132.87 * T - 0.009173 * T2) * DEG);
  const M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3; // sun's mean anomaly
  const Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3; // moon's mean anomaly
  const F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3; // moon's argument of latitude
  let c = (0.1734 - 0.000393 * T) * sin(M * DEG) + 0.0021 * sin(2 * M * DEG);
  c -= 0.4068 * sin(Mpr * DEG) - 0.0161 * sin(2 * Mpr * DEG);
  c -= 0.0004 * sin(3 * Mpr * DEG);
  c += 0.0104 * sin(2 * F * DEG) - 0.0051 * sin((M + Mpr) * DEG);
  c -= 0.0074 * sin((M - Mpr) * DEG) + 0.0004 * sin((2 * F + M) * DEG);
  c -= 0.0004 * sin((2 * F - M) * DEG) - 0.0006 * sin((2 * F + Mpr) * DEG);
  c += 0.001 * sin((2 * F - Mpr) * DEG) + 0.0005 * sin((2 * Mpr + M) * DEG);
  // ΔT (TT − UT), in days.
  const deltaT = T < -11 ? 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3 : -0.000278 + 0.000265 * T + 0.000262 * T2;
  return jd + c - deltaT;
}

/** The Julian day number of the civil day (in `tz`) that contains the k-th new moon. */
function newMoonDay(k: number, tz: number): number {
  return floor(newMoonMoment(k) + 0.5 + tz / 24);
}

/** The sun's apparent longitude, radians in [0, 2π), at Julian date `jdn` (UT). */
function sunLongitude(jdn: number): number {
  const T = (jdn - 2451545.0) / 36525;
  const T2 = T * T;
  const M = 357.5291 + 35999.0503 * T - 0.0001559 * T2 - 0.00000048 * T * T2;
  const L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2;
  let DL = (1.9146 - 0.004817 * T - 0.000014 * T2) * sin(DEG * M);
  DL += (0.019993 - 0.000101 * T) * sin(2 * DEG * M) + 0.00029 * sin(3 * DEG * M);
  let L = (L0 + DL) * DEG;
  L -= 2 * PI * floor(L / (2 * PI));
  return L;
}

/** Which of the 12 sectors of 30° the sun is in at the start of the civil day `dayNumber` (0 = 0°–30°). */
function sunSector(dayNumber: number, tz: number): number {
  return floor((sunLongitude(dayNumber - 0.5 - tz / 24) / PI) * 6);
}

/** The day on which lunar month 11 (the month of the winter solstice) of `year` begins. */
function lunarMonth11Start(year: number, tz: number): number {
  const off = julianDayNumber(31, 12, year) - 2415021;
  const k = floor(off / SYNODIC);
  const nm = newMoonDay(k, tz);
  // If the month starting at nm already has the sun past 270°, the solstice fell in the month before.
  return sunSector(nm, tz) >= 9 ? newMoonDay(k - 1, tz) : nm;
}

/** In a 13-month year starting at month 11 `a11`: the offset (from month 11) of the leap month. */
function leapMonthOffset(a11: number, tz: number): number {
  const k = floor((a11 - EPOCH_NEW_MOON) / SYNODIC + 0.5);
  let i = 1;
  let arc = sunSector(newMoonDay(k + i, tz), tz);
  let last: number;
  do {
    last = arc;
    i++;
    arc = sunSector(newMoonDay(k + i, tz), tz);
  } while (arc !== last && i < 14);
  return i - 1;
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < 1800 || year > 2199) {
    throw new RangeError(`Lunar calendar computed for years 1800–2199 only, got ${year}`);
  }
}

/** Dương lịch → âm lịch. */
export function solarToLunar(day: number, month: number, year: number, tz = VIETNAM_TIME_ZONE): LunarDate {
  checkYear(year);
  const dayNumber = julianDayNumber(day, month, year);
  const k = floor((dayNumber - EPOCH_NEW_MOON) / SYNODIC);
  let monthStart = newMoonDay(k + 1, tz);
  if (monthStart > dayNumber) monthStart = newMoonDay(k, tz);
  let a11 = lunarMonth11Start(year, tz);
  let b11 = a11;
  let lunarYear: number;
  if (a11 >= monthStart) {
    lunarYear = year;
    a11 = lunarMonth11Start(year - 1, tz);
  } else {
    lunarYear = year + 1;
    b11 = lunarMonth11Start(year + 1, tz);
  }
  const lunarDay = dayNumber - monthStart + 1;
  const diff = floor((monthStart - a11) / 29);
  let leap = false;
  let lunarMonth = diff + 11;
  if (b11 - a11 > 365) {
    const leapDiff = leapMonthOffset(a11, tz);
    if (diff >= leapDiff) {
      lunarMonth = diff + 10;
      if (diff === leapDiff) leap = true;
    }
  }
  if (lunarMonth > 12) lunarMonth -= 12;
  if (lunarMonth >= 11 && diff < 4) lunarYear -= 1;
  return { day: lunarDay, month: lunarMonth, year: lunarYear, leap };
}

/** Âm lịch → dương lịch; null when the date does not exist (e.g. a leap month the year lacks). */
export function lunarToSolar(lunar: LunarDate, tz = VIETNAM_TIME_ZONE): SolarDate | null {
  const { day, month, year, leap } = lunar;
  checkYear(year);
  if (!Number.isInteger(month) || month < 1 || month > 12 || !Number.isInteger(day) || day < 1 || day > 30) return null;
  let a11: number;
  let b11: number;
  if (month < 11) {
    a11 = lunarMonth11Start(year - 1, tz);
    b11 = lunarMonth11Start(year, tz);
  } else {
    a11 = lunarMonth11Start(year, tz);
    b11 = lunarMonth11Start(year + 1, tz);
  }
  const k = floor(0.5 + (a11 - EPOCH_NEW_MOON) / SYNODIC);
  let off = month - 11;
  if (off < 0) off += 12;
  if (b11 - a11 > 365) {
    const leapOff = leapMonthOffset(a11, tz);
    let leapMonth = leapOff - 2;
    if (leapMonth < 0) leapMonth += 12;
    if (leap && month !== leapMonth) return null;
    if (leap || off >= leapOff) off += 1;
  } else if (leap) {
    return null;
  }
  const monthStart = newMoonDay(k + off, tz);
  // Day 30 of a 29-day month does not exist.
  if (day === 30 && newMoonDay(k + off + 1, tz) - monthStart < 30) return null;
  return dateOfJulianDay(monthStart + day - 1);
}

/** The leap month of lunar year `year` (1–12), or null in a 12-month year. */
export function leapMonthOf(year: number, tz = VIETNAM_TIME_ZONE): number | null {
  checkYear(year);
  for (let m = 1; m <= 12; m++) if (lunarToSolar({ day: 1, month: m, year, leap: true }, tz)) return m;
  return null;
}

/** Tết Nguyên đán (1 tháng Giêng) of lunar year `year`, as yyyy-mm-dd. */
export function lunarNewYear(year: number, tz = VIETNAM_TIME_ZONE): string {
  const d = lunarToSolar({ day: 1, month: 1, year, leap: false }, tz);
  if (!d) throw new Error(`no lunar new year for ${year}`);
  return isoOf(d);
}

export function isoOf(d: SolarDate): string {
  return `${String(d.year).padStart(4, "0")}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
}
