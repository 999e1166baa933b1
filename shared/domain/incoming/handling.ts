import { VanthuError } from "../../errors.ts";
import type { IsoDay } from "../calendar/days.ts";
import type { WorkingDayCalendar } from "../calendar/working-day-calendar.ts";
import type { PersonRef } from "../certificates/people.ts";
import type { Urgency } from "../secrecy.ts";

/**
 * The handling of an incoming document after registration (Nghị định 30/2020 Điều 23–24):
 * the clerk presents it to the person in charge the same day — at the latest the next working
 * day, urgent ones at once (Điều 23.1); the leader writes the handling opinion (ý kiến phân phối,
 * chỉ đạo) and assigns a unit or person with a due date (hạn giải quyết) in working days
 * (Điều 24); the assignee receives it (ký nhận) and reports it done. Every time is the server's
 * QLVB time (R7). The register's "Đơn vị hoặc người nhận", "Ngày chuyển" and "Ký nhận" columns
 * are read from this record, so nobody types them twice.
 */
export type HandlingState = "registered" | "presented" | "assigned" | "in-progress" | "done";

export const HANDLING_STATE_VI: Readonly<Record<HandlingState, string>> = {
  registered: "Đã vào sổ, chờ trình",
  presented: "Đã trình, chờ ý kiến chỉ đạo",
  assigned: "Đã giao xử lý",
  "in-progress": "Đang xử lý",
  done: "Đã hoàn thành",
};

/** Who handles it: a unit (bộ phận) of the office, or a person; "main" leads (chủ trì), "support" helps (phối hợp). */
export interface Assignee {
  kind: "unit" | "person";
  /** The user id of a person; the unit's code for a unit. */
  id: string;
  name: string;
  part: "main" | "support";
}

export type HandlingEvent =
  | { type: "present"; at: string; by: PersonRef; to: PersonRef; note?: string }
  | { type: "assign"; at: string; by: PersonRef; opinion: string; assignees: Assignee[]; workingDays: number }
  | { type: "acknowledge"; at: string; by: PersonRef }
  | { type: "progress"; at: string; by: PersonRef; note: string }
  | { type: "complete"; at: string; by: PersonRef; note: string };

export interface IncomingHandling {
  /** The incoming register entry (and delivery) it belongs to. */
  id: string;
  officeId: string;
  /** Số đến and year, to show with it. */
  arrivalNumber: number;
  arrivalYear: number;
  numberAndSymbol: string;
  summary: string;
  issuer: string;
  /** Ngày đến (QLVB). */
  arrivedAt: string;
  urgency: Urgency;
  state: HandlingState;
  presentation?: { at: string; by: PersonRef; to: PersonRef; note?: string };
  assignment?: { at: string; by: PersonRef; opinion: string; assignees: Assignee[]; workingDays: number; dueDay: IsoDay; dueAt: string };
  acknowledgements: { at: string; by: PersonRef }[];
  completion?: { at: string; by: PersonRef; note: string };
  history: HandlingEvent[];
}

function bad(code: string, vi: string, en: string): VanthuError {
  return new VanthuError(code, vi, en);
}

export function newHandling(x: Omit<IncomingHandling, "state" | "acknowledgements" | "history">): IncomingHandling {
  return { ...x, state: "registered", acknowledgements: [], history: [] };
}

/** The roles of the sync server's accounts that matter here. */
export interface HandlingActor {
  id: string;
  roles: readonly string[];
}

const ALLOWED: Record<HandlingEvent["type"], HandlingState[]> = {
  present: ["registered", "presented"],
  assign: ["presented", "assigned", "in-progress"],
  acknowledge: ["assigned", "in-progress"],
  progress: ["assigned", "in-progress"],
  complete: ["assigned", "in-progress"],
};

/**
 * Who may do what: the clerk presents; a leader assigns (and may re-assign); only an assigned
 * person acknowledges, reports and completes (a leader may complete too). Returns the refusal
 * in Vietnamese, or null.
 */
export function handlingRefusal(h: IncomingHandling, e: HandlingEvent, actor: HandlingActor): string | null {
  const is = (r: string) => actor.roles.includes(r);
  const assigned = h.assignment?.assignees.some((a) => a.kind === "person" && a.id === actor.id) ?? false;
  switch (e.type) {
    case "present":
      return is("clerk") ? null : "Chỉ văn thư trình văn bản đến.";
    case "assign":
      return is("leader") ? null : "Chỉ lãnh đạo cho ý kiến chỉ đạo và giao xử lý.";
    case "acknowledge":
    case "progress":
      return assigned ? null : "Chỉ người được giao xử lý mới ký nhận và báo cáo tiến độ.";
    case "complete":
      return assigned || is("leader") ? null : "Chỉ người được giao xử lý hoặc lãnh đạo mới kết thúc xử lý.";
  }
}

/** Moves the handling on by one event (pure); the caller checks the actor with handlingRefusal first. */
export function applyHandlingEvent(h: IncomingHandling, e: HandlingEvent, calendar: WorkingDayCalendar): IncomingHandling {
  if (!ALLOWED[e.type].includes(h.state)) {
    throw bad(
      "handling.bad-transition",
      `Không thể thực hiện khi văn bản đang ở trạng thái "${HANDLING_STATE_VI[h.state]}".`,
      `Cannot apply ${e.type} in state ${h.state}`,
    );
  }
  if (Number.isNaN(Date.parse(e.at))) throw bad("handling.bad-time", "Thời điểm không hợp lệ.", `Invalid time ${e.at}`);
  const next: IncomingHandling = { ...h, history: [...h.history, e] };
  switch (e.type) {
    case "present":
      if (!e.to?.id || !e.to.name?.trim()) throw bad("handling.no-recipient", "Hãy chọn người có thẩm quyền để trình.", "present needs a person");
      next.presentation = { at: e.at, by: e.by, to: e.to, ...(e.note?.trim() ? { note: e.note.trim() } : {}) };
      next.state = "presented";
      break;
    case "assign": {
      const opinion = e.opinion?.trim() ?? "";
      if (!opinion) throw bad("handling.no-opinion", "Hãy ghi ý kiến phân phối, chỉ đạo.", "assign needs an opinion");
      if (opinion.length > 2000) throw bad("handling.opinion-too-long", "Ý kiến chỉ đạo dài quá 2000 ký tự.", "opinion longer than 2000 characters");
      const mains = e.assignees.filter((a) => a.part === "main");
      if (mains.length !== 1)
        throw bad("handling.no-main", "Hãy giao cho đúng một đơn vị hoặc người chủ trì xử lý.", `assign needs exactly one main assignee, got ${mains.length}`);
      if (e.assignees.some((a) => !a.id || !a.name?.trim()))
        throw bad("handling.bad-assignee", "Đơn vị hoặc người được giao không hợp lệ.", "assignee without id or name");
      if (!Number.isInteger(e.workingDays) || e.workingDays < 1 || e.workingDays > 365) {
        throw bad("handling.bad-due", "Hạn giải quyết phải từ 1 đến 365 ngày làm việc.", `workingDays ${e.workingDays} out of range`);
      }
      const d = calendar.deadline(e.at, e.workingDays);
      next.assignment = {
        at: e.at,
        by: e.by,
        opinion,
        assignees: [...mains, ...e.assignees.filter((a) => a.part !== "main")],
        workingDays: e.workingDays,
        dueDay: d.dueDay,
        dueAt: d.dueAt,
      };
      // A re-assignment asks the new assignees to acknowledge again.
      next.acknowledgements = [];
      next.state = "assigned";
      break;
    }
    case "acknowledge":
      if (!h.acknowledgements.some((a) => a.by.id === e.by.id)) next.acknowledgements = [...h.acknowledgements, { at: e.at, by: e.by }];
      next.state = "in-progress";
      break;
    case "progress":
      if (!e.note?.trim()) throw bad("handling.no-note", "Hãy ghi nội dung tiến độ.", "progress needs a note");
      next.state = "in-progress";
      break;
    case "complete":
      if (!e.note?.trim()) throw bad("handling.no-note", "Hãy ghi kết quả xử lý.", "complete needs a note");
      next.completion = { at: e.at, by: e.by, note: e.note.trim() };
      next.state = "done";
      break;
  }
  return next;
}
