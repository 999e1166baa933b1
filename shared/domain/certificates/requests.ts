import { VanthuError } from "../../errors.ts";
import type { WorkingDayCalendar, LegalDeadline } from "../calendar/working-day-calendar.ts";
import type { PersonRef } from "./people.ts";

/**
 * Requests to the certification service (R20), sent by the managing office (cơ quan, tổ chức
 * quản lý trực tiếp) as signed documents through the document system to the Sở Khoa học và Công
 * nghệ (Quy định Điều 6.2), on the forms of Nghị định 68/2024/NĐ-CP:
 *   Mẫu 01 — certificate for a person; Mẫu 02 — for an organisation; Mẫu 03 — for a device,
 *   service or software; Mẫu 04 — renewal or change of information; Mẫu 05 — revocation;
 *   Mẫu 06 — recovery of a token (Quy định Điều 11.2.a); Mẫu 07 — the token handover notice.
 * Each is tracked with its legal deadline in working days, counted from the day the Sở received a
 * complete request (QLVB receive time), and its outcome — a refusal always with its reasons.
 */
export type RequestKind = "issue-person" | "issue-organisation" | "issue-device" | "renewal" | "change" | "revocation" | "token-recovery" | "token-handover";

export interface RequestKindRule {
  form: "Mẫu 01" | "Mẫu 02" | "Mẫu 03" | "Mẫu 04" | "Mẫu 05" | "Mẫu 06" | "Mẫu 07";
  labelVi: string;
  /** Trích yếu: "V/v đề nghị …". */
  subjectVi: string;
  workingDays: number;
  /** Where the deadline comes from. */
  deadlineBasis: string;
  /** False where the number was not found in the decree's text (domain-notes: unconfirmed). */
  deadlineConfirmed: boolean;
}

export const REQUEST_KINDS: Record<RequestKind, RequestKindRule> = {
  "issue-person": {
    form: "Mẫu 01",
    labelVi: "Cấp mới chứng thư số cho cá nhân",
    subjectVi: "đề nghị cấp chứng thư chữ ký số chuyên dùng công vụ cho cá nhân",
    workingDays: 3,
    deadlineBasis: "Nghị định 68/2024/NĐ-CP, Điều 11 (03 ngày làm việc kể từ khi nhận đủ hồ sơ hợp lệ)",
    deadlineConfirmed: true,
  },
  "issue-organisation": {
    form: "Mẫu 02",
    labelVi: "Cấp mới chứng thư số cho cơ quan, tổ chức",
    subjectVi: "đề nghị cấp chứng thư chữ ký số chuyên dùng công vụ cho cơ quan, tổ chức",
    workingDays: 3,
    deadlineBasis: "Nghị định 68/2024/NĐ-CP, Điều 11 (03 ngày làm việc kể từ khi nhận đủ hồ sơ hợp lệ)",
    deadlineConfirmed: true,
  },
  "issue-device": {
    form: "Mẫu 03",
    labelVi: "Cấp mới chứng thư số cho thiết bị, dịch vụ, phần mềm",
    subjectVi: "đề nghị cấp chứng thư chữ ký số chuyên dùng công vụ cho thiết bị, dịch vụ, phần mềm",
    workingDays: 3,
    deadlineBasis: "Nghị định 68/2024/NĐ-CP, Điều 11 (03 ngày làm việc kể từ khi nhận đủ hồ sơ hợp lệ)",
    deadlineConfirmed: true,
  },
  "token-handover": {
    form: "Mẫu 07",
    labelVi: "Thông báo bàn giao thiết bị lưu khóa bí mật",
    subjectVi: "thông báo bàn giao thiết bị lưu khóa bí mật",
    // A notice: the Sở records it, there is no time limit to answer it.
    workingDays: 0,
    deadlineBasis: "Thông báo, không có thời hạn giải quyết",
    deadlineConfirmed: true,
  },
  renewal: {
    form: "Mẫu 04",
    labelVi: "Gia hạn chứng thư số",
    subjectVi: "đề nghị gia hạn chứng thư chữ ký số chuyên dùng công vụ",
    workingDays: 3,
    deadlineBasis: "03 ngày làm việc theo quy định trước Nghị định 68/2024 — chưa đối chiếu được với Nghị định 68/2024",
    deadlineConfirmed: false,
  },
  change: {
    form: "Mẫu 04",
    labelVi: "Thay đổi nội dung thông tin chứng thư số",
    subjectVi: "đề nghị thay đổi nội dung thông tin chứng thư chữ ký số chuyên dùng công vụ",
    workingDays: 3,
    deadlineBasis: "03 ngày làm việc theo quy định trước Nghị định 68/2024 — chưa đối chiếu được với Nghị định 68/2024",
    deadlineConfirmed: false,
  },
  revocation: {
    form: "Mẫu 05",
    labelVi: "Thu hồi chứng thư số",
    subjectVi: "đề nghị thu hồi chứng thư chữ ký số chuyên dùng công vụ",
    workingDays: 3,
    deadlineBasis: "03 ngày làm việc theo quy định trước Nghị định 68/2024 — chưa đối chiếu được với Nghị định 68/2024 (Điều 17–20)",
    deadlineConfirmed: false,
  },
  "token-recovery": {
    form: "Mẫu 06",
    labelVi: "Khôi phục thiết bị lưu khóa bí mật",
    subjectVi: "đề nghị khôi phục thiết bị lưu khóa bí mật",
    workingDays: 1,
    deadlineBasis: "Quy định quản lý, sử dụng chữ ký số chuyên dùng công vụ thành phố Hải Phòng, Điều 11.2.b (01 ngày làm việc)",
    deadlineConfirmed: true,
  },
};

export const REQUEST_ADDRESSEE_VI = "Sở Khoa học và Công nghệ thành phố Hải Phòng";

/** Grounds for revocation, Nghị định 68/2024 Điều 17 (as domain-notes lists them). */
export const REVOCATION_GROUNDS_VI = [
  "Chứng thư chữ ký số hết hạn sử dụng",
  "Khóa bí mật bị lộ hoặc nghi bị lộ",
  "Thiết bị lưu khóa bí mật bị mất",
  "Thiết bị lưu khóa bí mật bị hỏng",
  "Thay đổi vị trí công tác, chức danh không còn phù hợp với chứng thư số",
  "Nghỉ hưu, thôi việc",
  "Từ trần",
  "Cơ quan, tổ chức giải thể, chia tách, sáp nhập",
] as const;

// ---- The form's fields ----

/** The managing office, as the header and the body of every form name it. */
export interface RequestingOffice {
  id: string;
  /** "Ủy ban nhân dân phường Hồng Bàng" */
  name: string;
  /** The body above it, for the header: "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG". */
  parentName?: string;
  address?: string;
  taxCode?: string;
  budgetCode?: string;
  province: string;
  email?: string;
  /** The office's symbol for công văn: "UBND" or "UBND-VP". */
  symbol: string;
  /** Place name in the date line: "Hải Phòng". */
  place: string;
}

/** The person who receives the token / coordinates with the Sở (mục 1 of the forms). */
export interface ContactPerson {
  fullName: string;
  idNumber?: string;
  idIssuedDate?: string;
  idIssuedPlace?: string;
  title: string;
  phone: string;
  email: string;
  address?: string;
}

/** At most 5 years for a new certificate — person, organisation or device (Nghị định 68/2024, Điều 9). */
export const MAX_NEW_VALIDITY_MONTHS = 60;
/** At most 3 years for a renewal (Nghị định 68/2024, Điều 9). */
export const MAX_RENEWAL_MONTHS = 36;

export interface PersonSubscriber {
  fullName: string;
  idNumber: string;
  title: string;
  unit: string;
  email: string;
  phone?: string;
  province: string;
  /** Thời hạn đề nghị, in months (≤ 60). */
  validityMonths?: number;
}

/** Mẫu 03: a device, a service or a piece of software that signs by itself (e.g. the QLVB system). */
export interface DeviceSubscriber {
  kind: "device" | "service" | "software";
  /** Tên thiết bị, dịch vụ, phần mềm. */
  name: string;
  /** Its identifier: domain name, serial number or version. */
  identifier: string;
  /** The unit that manages it. */
  managingUnit: string;
  province: string;
  email: string;
  validityMonths?: number;
}

/** Mẫu 07: one token handed over. */
export interface TokenHandoverLine {
  tokenSerial: string;
  /** Whose certificate is on it. */
  holder: string;
  serialNumber: string;
  /** Handed by (bên giao) and received by (bên nhận), with the day. */
  handedBy: string;
  receivedBy: string;
  handoverDate: string;
}

export interface OrganisationSubscriber {
  name: string;
  address: string;
  taxCode?: string;
  budgetCode?: string;
  province: string;
  email: string;
  validityMonths?: number;
}

/**
 * What a Mẫu 04 change is about (Nghị định 68/2024, Điều 15): a person's official e-mail or
 * work unit inside the same body; an organisation's name or address. A new title (chức vụ) or a
 * move to another body is not a change: the certificate no longer matches its holder, so it is
 * revoked (Điều 17) and a new one issued.
 */
export type ChangeField = "email" | "unit" | "org-name" | "org-address" | "title" | "organisation";

export const CHANGE_FIELD_LABELS_VI: Record<ChangeField, string> = {
  email: "Địa chỉ thư điện tử công vụ",
  unit: "Đơn vị công tác trong cùng cơ quan",
  "org-name": "Tên cơ quan, tổ chức",
  "org-address": "Địa chỉ cơ quan, tổ chức",
  title: "Chức vụ (phải thu hồi và cấp mới)",
  organisation: "Chuyển sang cơ quan khác (phải thu hồi và cấp mới)",
};

export interface CertificateLine {
  holder: string;
  serialNumber: string;
  /** The token's serial, when it matters (revocation, recovery). */
  tokenSerial?: string;
  /** Mẫu 04 renewal: months asked (≤ 36, Nghị định 68/2024 Điều 9). */
  renewalMonths?: number;
  /** Mẫu 04 change: what changes, and the new information. */
  changeField?: ChangeField;
  newInformation?: string;
  /** Mẫu 05 / 06: the ground. */
  reason?: string;
  /** Inventory id. */
  certificateId?: string;
}

export type RequestFields =
  | { kind: "issue-person"; contact: ContactPerson; subscribers: PersonSubscriber[] }
  | { kind: "issue-organisation"; contact: ContactPerson; organisations: OrganisationSubscriber[] }
  | { kind: "issue-device"; contact: ContactPerson; devices: DeviceSubscriber[] }
  | { kind: "token-handover"; contact: ContactPerson; tokens: TokenHandoverLine[] }
  | { kind: "renewal" | "change" | "revocation" | "token-recovery"; contact: ContactPerson; certificates: CertificateLine[] };

// ---- Lifecycle ----

export type RequestState = "draft" | "signed" | "sent" | "received" | "needs-supplement" | "completed" | "refused" | "cancelled";

export const REQUEST_STATE_LABELS_VI: Record<RequestState, string> = {
  draft: "Dự thảo",
  signed: "Đã ký",
  sent: "Đã gửi",
  received: "Sở đã nhận",
  "needs-supplement": "Yêu cầu bổ sung",
  completed: "Đã giải quyết",
  refused: "Bị từ chối",
  cancelled: "Đã hủy",
};

export type RequestEvent =
  | { type: "sign"; at: string; by: PersonRef; documentSha256: string; documentNumber: string }
  /** The QLVB send time (R7). */
  | { type: "send"; at: string; by: PersonRef }
  /** The Sở's QLVB receive time: the deadline starts the next day. */
  | { type: "receive"; at: string; by: PersonRef }
  | { type: "request-supplement"; at: string; by: PersonRef; reasons: string[] }
  | {
      type: "complete";
      at: string;
      by: PersonRef;
      note?: string;
      /** revokedAt: a revocation; newNotAfter (and newSerialNumber): a renewal; certificates (DER, base64): a new issue. */
      result?: { revokedAt?: string; newSerialNumber?: string; newNotAfter?: string; certificates?: string[] };
    }
  | { type: "refuse"; at: string; by: PersonRef; reasons: string[] }
  | { type: "cancel"; at: string; by: PersonRef; reason: string };

export interface CertificateRequest {
  id: string;
  officeId: string;
  kind: RequestKind;
  form: RequestKindRule["form"];
  fields: RequestFields;
  state: RequestState;
  createdAt: string;
  createdBy: PersonRef;
  /** The incident that produced it (R21). */
  incidentId?: string;
  /** The signed document (PDF, by SHA-256) and its number. */
  document?: { sha256: string; number: string };
  /** The office's draft (dự thảo) of the request's công văn, while it is being signed and issued. */
  draftId?: string;
  /** The documentRef the công văn travels under in the exchange (the outgoing register entry's id). */
  exchangeRef?: string;
  sentAt?: string;
  receivedAt?: string;
  deadline?: LegalDeadline;
  outcome?: {
    kind: "completed" | "refused";
    at: string;
    by: PersonRef;
    reasons?: string[];
    note?: string;
    result?: Extract<RequestEvent, { type: "complete" }>["result"];
  };
  history: (RequestEvent & { state: RequestState })[];
}

function bad(code: string, vi: string, en: string): VanthuError {
  return new VanthuError(code, vi, en);
}

function nonEmpty(s: string | undefined): boolean {
  return typeof s === "string" && s.trim().length > 0;
}

/** The form's required fields; returns Vietnamese problems (empty when complete). */
export function missingRequestFields(f: RequestFields): string[] {
  const out: string[] = [];
  const c = f.contact;
  if (!c || !nonEmpty(c.fullName)) out.push("Họ và tên người đầu mối");
  if (c && !nonEmpty(c.title)) out.push("Chức vụ người đầu mối");
  if (c && !nonEmpty(c.phone)) out.push("Số điện thoại người đầu mối");
  if (c && !nonEmpty(c.email)) out.push("Thư điện tử công vụ người đầu mối");
  if (f.kind === "issue-person") {
    if (!f.subscribers.length) out.push("Danh sách cá nhân đề nghị cấp");
    f.subscribers.forEach((s, i) => {
      for (const [k, label] of [
        ["fullName", "họ và tên"],
        ["idNumber", "số định danh cá nhân"],
        ["title", "chức vụ"],
        ["unit", "cơ quan, đơn vị công tác"],
        ["email", "thư điện tử công vụ"],
      ] as const) {
        if (!nonEmpty(s[k])) out.push(`Dòng ${i + 1}: ${label}`);
      }
    });
  } else if (f.kind === "issue-organisation") {
    if (!f.organisations.length) out.push("Danh sách cơ quan, tổ chức đề nghị cấp");
    f.organisations.forEach((o, i) => {
      for (const [k, label] of [
        ["name", "tên cơ quan, tổ chức"],
        ["address", "địa chỉ"],
        ["email", "thư điện tử công vụ"],
      ] as const) {
        if (!nonEmpty(o[k])) out.push(`Dòng ${i + 1}: ${label}`);
      }
    });
  } else if (f.kind === "issue-device") {
    if (!f.devices.length) out.push("Danh sách thiết bị, dịch vụ, phần mềm đề nghị cấp");
    f.devices.forEach((d, i) => {
      for (const [k, label] of [
        ["name", "tên thiết bị, dịch vụ, phần mềm"],
        ["identifier", "tên miền, số hiệu hoặc phiên bản"],
        ["managingUnit", "đơn vị quản lý"],
        ["email", "thư điện tử công vụ"],
      ] as const) {
        if (!nonEmpty(d[k])) out.push(`Dòng ${i + 1}: ${label}`);
      }
    });
  } else if (f.kind === "token-handover") {
    if (!f.tokens.length) out.push("Danh sách thiết bị lưu khóa bí mật bàn giao");
    f.tokens.forEach((t, i) => {
      for (const [k, label] of [
        ["tokenSerial", "số hiệu thiết bị"],
        ["holder", "tên thuê bao"],
        ["serialNumber", "số hiệu chứng thư số"],
        ["handedBy", "bên giao"],
        ["receivedBy", "bên nhận"],
        ["handoverDate", "ngày bàn giao"],
      ] as const) {
        if (!nonEmpty(t[k])) out.push(`Dòng ${i + 1}: ${label}`);
      }
      if (nonEmpty(t.handedBy) && nonEmpty(t.receivedBy) && t.handedBy.trim() === t.receivedBy.trim())
        out.push(`Dòng ${i + 1}: bên giao và bên nhận phải là hai người khác nhau`);
    });
  } else {
    if (!f.certificates.length) out.push("Danh sách chứng thư số");
    f.certificates.forEach((l, i) => {
      if (!nonEmpty(l.holder)) out.push(`Dòng ${i + 1}: tên thuê bao`);
      if (!nonEmpty(l.serialNumber)) out.push(`Dòng ${i + 1}: số hiệu chứng thư số`);
      if ((f.kind === "revocation" || f.kind === "token-recovery") && !nonEmpty(l.reason)) out.push(`Dòng ${i + 1}: lý do`);
      if (f.kind === "token-recovery" && !nonEmpty(l.tokenSerial)) out.push(`Dòng ${i + 1}: số hiệu thiết bị lưu khóa bí mật`);
      if (f.kind === "change") out.push(...changeProblems(l, i));
      if (f.kind === "token-recovery" && nonEmpty(l.reason) && isLossReason(l.reason!)) {
        out.push(
          `Dòng ${i + 1}: thiết bị bị mất hoặc bị lấy cắp thì không khôi phục được — hãy báo cáo sự cố và đề nghị thu hồi chứng thư số (Mẫu 05) (Quy định Điều 17.5)`,
        );
      }
      if (
        f.kind === "renewal" &&
        l.renewalMonths !== undefined &&
        (!Number.isInteger(l.renewalMonths) || l.renewalMonths < 1 || l.renewalMonths > MAX_RENEWAL_MONTHS)
      ) {
        out.push(`Dòng ${i + 1}: thời gian gia hạn tối đa ${MAX_RENEWAL_MONTHS} tháng (Nghị định 68/2024, Điều 9)`);
      }
    });
  }
  if (f.kind === "issue-person" || f.kind === "issue-organisation" || f.kind === "issue-device") {
    const lines: { validityMonths?: number }[] = f.kind === "issue-person" ? f.subscribers : f.kind === "issue-organisation" ? f.organisations : f.devices;
    lines.forEach((l, i) => {
      if (l.validityMonths !== undefined && (!Number.isInteger(l.validityMonths) || l.validityMonths < 1 || l.validityMonths > MAX_NEW_VALIDITY_MONTHS)) {
        out.push(`Dòng ${i + 1}: thời hạn chứng thư số cấp mới tối đa 05 năm (${MAX_NEW_VALIDITY_MONTHS} tháng) (Nghị định 68/2024, Điều 9)`);
      }
    });
  }
  return out;
}

const NOT_A_CHANGE_VI =
  "không phải là thay đổi thông tin: chứng thư số không còn đúng với người giữ, phải đề nghị thu hồi (Mẫu 05) và cấp mới (Mẫu 01) (Nghị định 68/2024, Điều 15, 17)";

function changeProblems(l: CertificateLine, i: number): string[] {
  const out: string[] = [];
  if (!l.changeField) out.push(`Dòng ${i + 1}: loại thông tin thay đổi (thư điện tử, đơn vị công tác, tên hoặc địa chỉ cơ quan)`);
  if (!nonEmpty(l.newInformation)) out.push(`Dòng ${i + 1}: nội dung thông tin thay đổi`);
  if (l.changeField === "title") out.push(`Dòng ${i + 1}: thay đổi chức vụ ${NOT_A_CHANGE_VI}`);
  else if (l.changeField === "organisation") out.push(`Dòng ${i + 1}: chuyển sang cơ quan khác ${NOT_A_CHANGE_VI}`);
  else if (nonEmpty(l.newInformation) && /(^|[^\p{L}])(chức vụ|chức danh|bổ nhiệm|điều động|luân chuyển)(?!\p{L})/iu.test(l.newInformation!.normalize("NFC"))) {
    out.push(`Dòng ${i + 1}: nội dung nói về chức vụ hoặc điều động — thay đổi chức vụ hay cơ quan công tác ${NOT_A_CHANGE_VI}`);
  }
  return out;
}

/** "Mất", "thất lạc", "bị lấy cắp"…: a token that is gone cannot be recovered (but "mất mã PIN" is not a loss of the token). */
export function isLossReason(reason: string): boolean {
  const t = reason.normalize("NFC").toLocaleLowerCase("vi");
  return /(^|[^\p{L}])(mất|thất lạc|lấy cắp|đánh cắp|bị trộm|đánh rơi)(?!\p{L})(?!\s+(mã|mật khẩu|pin))/u.test(t);
}

export interface NewRequestInput {
  id: string;
  officeId: string;
  fields: RequestFields;
  createdAt: string;
  createdBy: PersonRef;
  incidentId?: string;
}

export function createCertificateRequest(input: NewRequestInput): CertificateRequest {
  const kind = input.fields?.kind;
  if (!kind || !(kind in REQUEST_KINDS)) throw bad("request.bad-kind", "Loại đề nghị không hợp lệ.", `Unknown request kind ${String(kind)}`);
  return {
    id: input.id,
    officeId: input.officeId,
    kind,
    form: REQUEST_KINDS[kind].form,
    fields: input.fields,
    state: "draft",
    createdAt: input.createdAt,
    createdBy: input.createdBy,
    incidentId: input.incidentId,
    history: [],
  };
}

const ALLOWED: Record<RequestEvent["type"], RequestState[]> = {
  sign: ["draft"],
  send: ["signed", "needs-supplement"],
  receive: ["sent"],
  "request-supplement": ["received"],
  complete: ["received"],
  refuse: ["received"],
  cancel: ["draft", "signed", "needs-supplement"],
};

const NEXT: Record<RequestEvent["type"], RequestState> = {
  sign: "signed",
  send: "sent",
  receive: "received",
  "request-supplement": "needs-supplement",
  complete: "completed",
  refuse: "refused",
  cancel: "cancelled",
};

/**
 * Moves a request on by one event (pure). The deadline is (re)computed on "receive" from the QLVB
 * receive time with the working-day calendar; a supplemented request starts a new period when the
 * Sở receives it again, since the period runs from a complete request.
 */
export function applyRequestEvent(r: CertificateRequest, e: RequestEvent, calendar: WorkingDayCalendar): CertificateRequest {
  if (!ALLOWED[e.type]?.includes(r.state)) {
    throw bad(
      "request.bad-transition",
      `Không thể "${e.type}" khi đề nghị đang ở trạng thái "${REQUEST_STATE_LABELS_VI[r.state]}".`,
      `Cannot apply ${e.type} to a request in state ${r.state}`,
    );
  }
  if (Number.isNaN(Date.parse(e.at))) throw bad("request.bad-time", "Thời điểm không hợp lệ.", `Invalid time ${e.at}`);
  const next: CertificateRequest = { ...r, state: NEXT[e.type], history: [...r.history, { ...e, state: NEXT[e.type] }] };
  switch (e.type) {
    case "sign": {
      const missing = missingRequestFields(r.fields);
      if (missing.length)
        throw bad("request.incomplete", `Đề nghị còn thiếu: ${missing.join("; ")}.`, `Request is incomplete: ${missing.length} field(s) missing`);
      if (!/^[0-9a-f]{64}$/.test(e.documentSha256) || !nonEmpty(e.documentNumber))
        throw bad("request.no-document", "Thiếu văn bản đề nghị đã ký.", "Signed document missing");
      next.document = { sha256: e.documentSha256, number: e.documentNumber.trim() };
      break;
    }
    case "send":
      next.sentAt = e.at;
      break;
    case "receive":
      next.receivedAt = e.at;
      // The period runs from the day the Sở received a complete request (a supplemented one starts again).
      next.deadline = REQUEST_KINDS[r.kind].workingDays > 0 ? calendar.deadline(e.at, REQUEST_KINDS[r.kind].workingDays) : undefined;
      break;
    case "request-supplement":
      if (!e.reasons.some(nonEmpty)) throw bad("request.no-reasons", "Yêu cầu bổ sung phải nêu rõ nội dung cần bổ sung.", "A supplement request needs reasons");
      next.deadline = undefined;
      break;
    case "refuse":
      // Quy định Điều 11.2: a refusal is notified in writing with its reasons.
      if (!e.reasons.some(nonEmpty)) throw bad("request.no-reasons", "Từ chối phải nêu rõ lý do.", "A refusal needs reasons");
      next.outcome = { kind: "refused", at: e.at, by: e.by, reasons: e.reasons.filter(nonEmpty).map((s) => s.trim()) };
      break;
    case "complete":
      if (r.kind === "revocation" && !e.result?.revokedAt)
        throw bad("request.no-revocation-time", "Phải ghi thời điểm thu hồi chứng thư số.", "A completed revocation needs revokedAt");
      if (r.kind === "renewal" && !e.result?.newNotAfter)
        throw bad("request.no-new-expiry", "Phải ghi ngày hết hạn mới của chứng thư số được gia hạn.", "A completed renewal needs newNotAfter");
      next.outcome = { kind: "completed", at: e.at, by: e.by, note: e.note, result: e.result };
      break;
    case "cancel":
      if (!nonEmpty(e.reason)) throw bad("request.no-reasons", "Hãy ghi lý do hủy đề nghị.", "A cancellation needs a reason");
      break;
  }
  return next;
}

export interface RequestDeadlineStatus {
  dueDay: string;
  dueAt: string;
  /** Answered (completed or refused) after the deadline, or still open past it. */
  overdue: boolean;
  /** Working days left after today (0 on the due day), negative when overdue and open. */
  workingDaysLeft: number;
  answeredInTime?: boolean;
  confirmed: boolean;
  basis: string;
}

/** The deadline as district IT and the office see it now; null before the Sở received the request. */
export function requestDeadlineStatus(r: CertificateRequest, now: Date | string, calendar: WorkingDayCalendar): RequestDeadlineStatus | null {
  if (!r.deadline) return null;
  const rule = REQUEST_KINDS[r.kind];
  const base = { dueDay: r.deadline.dueDay, dueAt: r.deadline.dueAt, confirmed: rule.deadlineConfirmed, basis: rule.deadlineBasis };
  if (r.outcome) {
    const inTime = Date.parse(r.outcome.at) < Date.parse(r.deadline.dueAt);
    return { ...base, overdue: !inTime, workingDaysLeft: 0, answeredInTime: inTime };
  }
  const nowMs = new Date(now).getTime();
  const overdue = nowMs >= Date.parse(r.deadline.dueAt);
  const left = overdue ? -calendar.workingDaysBetween(r.deadline.dueDay, now) : calendar.workingDaysBetween(now, r.deadline.dueDay);
  return { ...base, overdue, workingDaysLeft: left };
}

/** Links the request to the draft of its công văn and, once issued, to the exchange reference (pure). */
export function linkRequestDocument(r: CertificateRequest, link: { draftId?: string; exchangeRef?: string }): CertificateRequest {
  if (r.exchangeRef && link.exchangeRef && link.exchangeRef !== r.exchangeRef) {
    throw bad("request.relinked", "Đề nghị đã gắn với một văn bản đã gửi khác.", `Request ${r.id} already travels as ${r.exchangeRef}`);
  }
  return { ...r, ...(link.draftId ? { draftId: link.draftId } : {}), ...(link.exchangeRef ? { exchangeRef: link.exchangeRef } : {}) };
}

export function isOpenRequest(r: CertificateRequest): boolean {
  return !["completed", "refused", "cancelled"].includes(r.state);
}
