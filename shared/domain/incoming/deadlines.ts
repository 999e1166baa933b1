import type { IsoDay } from "../calendar/days.ts";
import type { WorkingDayCalendar } from "../calendar/working-day-calendar.ts";
import { dayToVi } from "../dates.ts";
import type { IncomingHandling } from "./handling.ts";

/**
 * The two clocks of an incoming document: presenting it (Nghị định 30/2020 Điều 23.1: the same
 * day, at the latest the next working day; urgent documents at once) and handling it by the due
 * date the leader set. Both are judged against the QLVB time the caller passes as `now`.
 */
export interface PresentationDue {
  /** Urgent (Khẩn, Thượng khẩn, Hỏa tốc): at once. */
  atOnce: boolean;
  /** End of the next working day after arrival (24:00, +07:00). */
  dueAt: string;
  dueDay: IsoDay;
}

export function presentationDue(h: Pick<IncomingHandling, "arrivedAt" | "urgency">, calendar: WorkingDayCalendar): PresentationDue {
  const d = calendar.deadline(h.arrivedAt, 1);
  return { atOnce: h.urgency !== "none", dueAt: d.dueAt, dueDay: d.dueDay };
}

export type DeadlineFlag = "overdue" | "due-soon" | "on-time" | "done-in-time" | "done-late";

export interface HandlingDeadline {
  flag: DeadlineFlag;
  dueDay: IsoDay;
  /** Working days left after today (0 on the due day); for an overdue one, working days past it (negative). */
  workingDaysLeft: number;
  /** "Hạn 05/12/2026 — còn 2 ngày làm việc", "Quá hạn 1 ngày làm việc (hạn 04/12/2026)". */
  textVi: string;
}

/** Working days at or under which an open document counts as due soon. */
export const DUE_SOON_WORKING_DAYS = 2;

export function handlingDeadline(
  h: IncomingHandling,
  now: Date | string,
  calendar: WorkingDayCalendar,
  dueSoon = DUE_SOON_WORKING_DAYS,
): HandlingDeadline | null {
  const a = h.assignment;
  if (!a) return null;
  const due = dayToVi(a.dueDay);
  if (h.completion) {
    const inTime = Date.parse(h.completion.at) < Date.parse(a.dueAt);
    return {
      flag: inTime ? "done-in-time" : "done-late",
      dueDay: a.dueDay,
      workingDaysLeft: 0,
      textVi: inTime ? `Hoàn thành đúng hạn (hạn ${due})` : `Hoàn thành quá hạn (hạn ${due})`,
    };
  }
  const nowMs = new Date(now).getTime();
  if (nowMs >= Date.parse(a.dueAt)) {
    const late = Math.max(1, calendar.workingDaysBetween(a.dueDay, now));
    return { flag: "overdue", dueDay: a.dueDay, workingDaysLeft: -late, textVi: `Quá hạn ${late} ngày làm việc (hạn ${due})` };
  }
  const left = calendar.workingDaysBetween(now, a.dueDay);
  const flag = left <= dueSoon ? "due-soon" : "on-time";
  return { flag, dueDay: a.dueDay, workingDaysLeft: left, textVi: left === 0 ? `Hạn hôm nay (${due})` : `Hạn ${due} — còn ${left} ngày làm việc` };
}

export interface HandlingAlert {
  handling: IncomingHandling;
  kind: "overdue" | "due-soon" | "present-late" | "present-now";
  textVi: string;
}

/**
 * What the dashboard and the leader's list show: overdue first, then due soon, then documents
 * not yet presented in time (urgent ones at once). Optionally only those for one person.
 */
export function handlingAlerts(all: readonly IncomingHandling[], now: Date | string, calendar: WorkingDayCalendar, forPersonId?: string): HandlingAlert[] {
  const out: HandlingAlert[] = [];
  const nowMs = new Date(now).getTime();
  for (const h of all) {
    if (forPersonId && !concerns(h, forPersonId)) continue;
    const d = handlingDeadline(h, now, calendar);
    if (d?.flag === "overdue" || d?.flag === "due-soon") out.push({ handling: h, kind: d.flag, textVi: d.textVi });
    else if (h.state === "registered") {
      const p = presentationDue(h, calendar);
      if (p.atOnce) out.push({ handling: h, kind: "present-now", textVi: `Văn bản ${h.urgency.toLocaleLowerCase("vi")}: trình ngay` });
      else if (nowMs >= Date.parse(p.dueAt)) out.push({ handling: h, kind: "present-late", textVi: `Chưa trình, quá hạn trình (hạn ${dayToVi(p.dueDay)})` });
    }
  }
  const rank = { overdue: 0, "present-now": 1, "due-soon": 2, "present-late": 3 } as const;
  return out.sort(
    (a, b) =>
      rank[a.kind] - rank[b.kind] || (a.handling.assignment?.dueAt ?? a.handling.arrivedAt).localeCompare(b.handling.assignment?.dueAt ?? b.handling.arrivedAt),
  );
}

/** The person was presented the document, assigned it, or assigned it to others. */
function concerns(h: IncomingHandling, personId: string): boolean {
  if (h.presentation?.to.id === personId && h.state === "presented") return true;
  if (h.assignment?.by.id === personId) return true;
  return h.assignment?.assignees.some((a) => a.kind === "person" && a.id === personId) ?? false;
}
