import { z } from "zod";
import { VanthuError } from "../../errors.ts";
import { isIsoDay, type IsoDay } from "./days.ts";

/**
 * The holiday calendar as data that district IT edits (lịch nghỉ lễ, tết): the days generated
 * from the law are a starting point; each override wins over them. "off" makes a day a day off
 * (the year's Tết notice, a swapped day), "work" makes a day a working day (a generated Tết day
 * the notice moved, a Saturday worked in exchange — làm bù).
 */
export interface CalendarOverride {
  day: IsoDay;
  action: "off" | "work";
  /** What people read: "Nghỉ Tết Âm lịch theo thông báo", "Làm bù cho ngày 02/5". */
  name: string;
  /** The document it rests on, e.g. "Thông báo số …/TB-BNV ngày …". */
  basis: string;
  /** Who entered it and when (ISO 8601), for the audit trail. */
  enteredBy?: string;
  enteredAt?: string;
}

export interface HolidayCalendarData {
  version: 1;
  overrides: CalendarOverride[];
}

const overrideSchema = z.object({
  day: z.string().refine(isIsoDay, "not a yyyy-mm-dd day"),
  action: z.enum(["off", "work"]),
  name: z.string().trim().min(1).max(200),
  basis: z.string().trim().min(1).max(300),
  enteredBy: z.string().max(200).optional(),
  enteredAt: z.string().max(40).optional(),
});
const dataSchema = z.object({ version: z.literal(1), overrides: z.array(overrideSchema).max(2000) });

/** Checks data typed or uploaded by district IT; throws one clear error and keeps nothing half-read. */
export function parseHolidayCalendarData(input: unknown): HolidayCalendarData {
  const r = dataSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const where = issue.path.join(".");
    throw new VanthuError(
      "calendar.bad-data",
      `Dữ liệu lịch nghỉ không hợp lệ ở "${where}": cần ngày dạng yyyy-mm-dd, loại "off" (nghỉ) hoặc "work" (làm việc), tên và căn cứ.`,
      `Invalid holiday calendar data at ${where}: ${issue.message}`,
    );
  }
  const seen = new Map<IsoDay, CalendarOverride>();
  for (const o of r.data.overrides) {
    const prev = seen.get(o.day);
    if (prev && prev.action !== o.action) {
      throw new VanthuError(
        "calendar.conflict",
        `Ngày ${o.day} vừa được ghi là ngày nghỉ vừa là ngày làm việc.`,
        `Day ${o.day} is both a day off and a working day in the overrides`,
      );
    }
    seen.set(o.day, o);
  }
  return { version: 1, overrides: [...seen.values()].sort((a, b) => a.day.localeCompare(b.day)) };
}

/** Adds or replaces the override of one day (pure: returns new data). */
export function withOverride(data: HolidayCalendarData, override: CalendarOverride): HolidayCalendarData {
  return parseHolidayCalendarData({ version: 1, overrides: [...data.overrides.filter((o) => o.day !== override.day), override] });
}

/** Removes the override of one day, so the generated default applies again. */
export function withoutOverride(data: HolidayCalendarData, day: IsoDay): HolidayCalendarData {
  return { version: 1, overrides: data.overrides.filter((o) => o.day !== day) };
}

const NOTICE = "Lịch nghỉ của cán bộ, công chức, viên chức do Thủ tướng Chính phủ quyết định hằng năm (Bộ luật Lao động 2019, Điều 112.3)";

/**
 * The yearly notices of recent years, as far as this project knows them: a seed for district IT,
 * to check against the published notice before relying on it (each entry says so in `basis`).
 * Only the days where the notice differs from the generated default are listed.
 */
export const KNOWN_NOTICE_OVERRIDES: readonly CalendarOverride[] = [
  // Tết Quý Mão: nghỉ 20/01–26/01/2023 (Fri–Thu); the default would have been Mon 23 – Fri 27.
  { day: "2023-01-20", action: "off", name: "Nghỉ Tết Âm lịch (29 tháng Chạp)", basis: `${NOTICE} — Tết 2023: 20/01–26/01/2023; đối chiếu văn bản gốc` },
  { day: "2023-01-27", action: "work", name: "Làm việc (lịch nghỉ Tết 2023 kết thúc 26/01)", basis: `${NOTICE} — Tết 2023; đối chiếu văn bản gốc` },
  // Tết Giáp Thìn: nghỉ 08/02–14/02/2024.
  { day: "2024-02-08", action: "off", name: "Nghỉ Tết Âm lịch (29 tháng Chạp)", basis: `${NOTICE} — Tết 2024: 08/02–14/02/2024; đối chiếu văn bản gốc` },
  { day: "2024-02-15", action: "work", name: "Làm việc (lịch nghỉ Tết 2024 kết thúc 14/02)", basis: `${NOTICE} — Tết 2024; đối chiếu văn bản gốc` },
  // 30/4–1/5/2024: nghỉ 27/4–1/5, Monday 29/4 swapped with Saturday 4/5.
  {
    day: "2024-04-29",
    action: "off",
    name: "Nghỉ hoán đổi (30/4 – 1/5)",
    basis: `${NOTICE} — 30/4–1/5/2024, hoán đổi với thứ Bảy 04/5; đối chiếu văn bản gốc`,
  },
  { day: "2024-05-04", action: "work", name: "Làm bù cho thứ Hai 29/4", basis: `${NOTICE} — 30/4–1/5/2024; đối chiếu văn bản gốc` },
  // Tết Ất Tỵ: nghỉ 25/01–02/02/2025 (weekdays Mon 27 – Fri 31).
  { day: "2025-01-27", action: "off", name: "Nghỉ Tết Âm lịch (28 tháng Chạp)", basis: `${NOTICE} — Tết 2025: 25/01–02/02/2025; đối chiếu văn bản gốc` },
  { day: "2025-02-03", action: "work", name: "Làm việc (lịch nghỉ Tết 2025 kết thúc 02/02)", basis: `${NOTICE} — Tết 2025; đối chiếu văn bản gốc` },
  // 30/4–1/5/2025: Friday 2/5 swapped with Saturday 26/4.
  {
    day: "2025-05-02",
    action: "off",
    name: "Nghỉ hoán đổi (30/4 – 1/5)",
    basis: `${NOTICE} — 30/4–1/5/2025, hoán đổi với thứ Bảy 26/4; đối chiếu văn bản gốc`,
  },
  { day: "2025-04-26", action: "work", name: "Làm bù cho thứ Sáu 02/5", basis: `${NOTICE} — 30/4–1/5/2025; đối chiếu văn bản gốc` },
  // 2026, read from the published notices (press copies of the Văn phòng Chính phủ letters):
  // Tết Dương lịch: Văn bản số 12729/VPCP-KGVX ngày 25/12/2025 — nghỉ 01/01–04/01/2026, thứ Sáu 02/01 hoán đổi với thứ Bảy 10/01.
  {
    day: "2026-01-02",
    action: "off",
    name: "Nghỉ hoán đổi (Tết Dương lịch)",
    basis: "Văn bản số 12729/VPCP-KGVX ngày 25/12/2025 (ý kiến Phó Thủ tướng Phạm Thị Thanh Trà): nghỉ 01/01–04/01/2026, hoán đổi với thứ Bảy 10/01/2026",
  },
  { day: "2026-01-10", action: "work", name: "Làm bù cho thứ Sáu 02/01", basis: "Văn bản số 12729/VPCP-KGVX ngày 25/12/2025" },
  // Tết Bính Ngọ and Quốc khánh 2026: the Prime Minister's decision as the Văn phòng Chính phủ conveyed it (reported 13/10/2025):
  // Tết 14/02 (27 Chạp) – 22/02/2026 (mùng 6), which is the generated default on weekdays (16–20/02), recorded here for its source;
  // Quốc khánh 29/8–02/9/2026, thứ Hai 31/8 hoán đổi với thứ Bảy 22/8.
  {
    day: "2026-02-16",
    action: "off",
    name: "Nghỉ Tết Âm lịch (29 tháng Chạp)",
    basis: `${NOTICE} — Tết 2026: 14/02–22/02/2026 (văn bản của Văn phòng Chính phủ truyền đạt ý kiến Thủ tướng, tháng 10/2025); số văn bản chưa đối chiếu`,
  },
  {
    day: "2026-08-31",
    action: "off",
    name: "Nghỉ hoán đổi (Quốc khánh)",
    basis: `${NOTICE} — Quốc khánh 2026: 29/8–02/9/2026, thứ Hai 31/8 hoán đổi với thứ Bảy 22/8 (văn bản của Văn phòng Chính phủ, tháng 10/2025); số văn bản chưa đối chiếu`,
  },
  { day: "2026-08-22", action: "work", name: "Làm bù cho thứ Hai 31/8", basis: `${NOTICE} — Quốc khánh 2026; số văn bản chưa đối chiếu` },
  // 2027: no notice was found published yet. Tết Đinh Mùi falls on Saturday 06/02/2027; the generated days
  // (05/02–09/02 with 10/02 and 11/02 in compensation, Điều 111.3) apply until district IT enters the notice.
];

export function knownNoticesData(): HolidayCalendarData {
  return parseHolidayCalendarData({ version: 1, overrides: [...KNOWN_NOTICE_OVERRIDES] });
}
