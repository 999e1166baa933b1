import { VanthuError } from "../../errors.ts";
import type { CertificateInventoryEntry } from "./inventory.ts";
import type { OfficePerson, PersonRef } from "./people.ts";

/**
 * Custody of the organisation's certificate and token (R22).
 * Quy định Điều 8.3: the head of the office (người đứng đầu) assigns who keeps and uses the
 * organisation's certificate. Điều 17.1–17.2: that person receives, keeps and signs with it
 * personally, and does not hand it to anyone else without written permission of the competent
 * person. (Nghị định 30/2020 Điều 32 puts the organisation's certificate with the văn thư.)
 *
 * Custody is a list of events, never edited: each assignment and each handover, with the written
 * permission (văn bản giao / cho phép) it rests on.
 */
export interface WrittenPermission {
  /** Số, ký hiệu of the decision or written permission, e.g. "25/QĐ-UBND". */
  documentNumber: string;
  /** yyyy-mm-dd */
  documentDate: string;
  /** Who signed it: must be the head of the office. */
  signedBy: PersonRef;
  /** SHA-256 of the signed document kept in the office's store, when it is electronic. */
  documentSha256?: string;
  summary?: string;
}

export type CustodyEventKind = "assignment" | "handover" | "end";

export const CUSTODY_EVENT_LABELS_VI: Record<CustodyEventKind, string> = {
  assignment: "Giao quản lý, sử dụng",
  handover: "Bàn giao",
  end: "Chấm dứt giao quản lý",
};

export interface CustodyEvent {
  id: string;
  certificateId: string;
  kind: CustodyEventKind;
  /** The keeper before (handover). */
  from?: PersonRef;
  /** The new keeper (assignment, handover). */
  to?: PersonRef;
  permission: WrittenPermission;
  /** ISO 8601: from when it applies. */
  effectiveFrom: string;
  /** ISO 8601: a temporary handover (e.g. while the keeper is on leave) ends here; custody returns to `from`. */
  until?: string;
  reason?: string;
  recordedAt: string;
  recordedBy: PersonRef;
}

export interface CurrentCustody {
  keeper: PersonRef;
  event: CustodyEvent;
}

function err(code: string, vi: string, en: string): VanthuError {
  return new VanthuError(code, vi, en);
}

/** Who keeps the certificate at `at`, or null when nobody has been assigned. */
export function currentCustodian(events: readonly CustodyEvent[], certificateId: string, at: Date | string): CurrentCustody | null {
  const t = new Date(at).getTime();
  let current: CurrentCustody | null = null;
  const ordered = events
    .filter((e) => e.certificateId === certificateId)
    .sort((a, b) => Date.parse(a.effectiveFrom) - Date.parse(b.effectiveFrom) || a.recordedAt.localeCompare(b.recordedAt));
  for (const e of ordered) {
    if (Date.parse(e.effectiveFrom) > t) break;
    if (e.kind === "end") current = null;
    else if (e.until && t >= Date.parse(e.until))
      continue; // a temporary handover that is over
    else current = { keeper: e.to!, event: e };
  }
  return current;
}

function checkPermission(p: WrittenPermission | undefined, people: readonly OfficePerson[]): void {
  if (!p || !p.documentNumber?.trim() || !/^\d{4}-\d{2}-\d{2}$/.test(p.documentDate ?? "")) {
    throw err(
      "custody.no-permission",
      "Phải có văn bản giao (số, ký hiệu và ngày) của người đứng đầu cơ quan.",
      "A written permission (number and date) is required",
    );
  }
  const signer = people.find((x) => x.id === p.signedBy?.id);
  if (!signer || !signer.duties.includes("head")) {
    throw err(
      "custody.not-head",
      `Văn bản giao phải do người đứng đầu cơ quan ký; ${p.signedBy?.name ?? "người ký"} không phải người đứng đầu.`,
      `The written permission must be signed by the head of the office, not ${p.signedBy?.name ?? "unknown"}`,
    );
  }
}

/**
 * Records one custody event after checking it against the rules (pure: returns the new list).
 * Refuses: an organisation's custody for a person's certificate, no written permission or one not
 * signed by the head, a handover from someone who does not hold it, a handover to the same person
 * or to someone outside the office.
 */
export function recordCustodyEvent(
  events: readonly CustodyEvent[],
  e: CustodyEvent,
  certificate: CertificateInventoryEntry,
  people: readonly OfficePerson[],
): CustodyEvent[] {
  if (certificate.id !== e.certificateId) throw err("custody.wrong-certificate", "Sự kiện không thuộc chứng thư số này.", "Event is for another certificate");
  if (certificate.holderKind !== "organisation") {
    throw err(
      "custody.personal-certificate",
      "Chứng thư số cá nhân chỉ do chính người được cấp sử dụng, không giao cho người khác (Điều 8.4).",
      "A person's certificate is used only by its holder; it has no custody",
    );
  }
  if (events.some((x) => x.id === e.id)) throw err("custody.duplicate", "Sự kiện này đã được ghi.", `Custody event ${e.id} already recorded`);
  if (Number.isNaN(Date.parse(e.effectiveFrom)) || Number.isNaN(Date.parse(e.recordedAt)))
    throw err("custody.bad-time", "Thời điểm không hợp lệ.", "Invalid time");
  if (e.until && !(Date.parse(e.until) > Date.parse(e.effectiveFrom)))
    throw err("custody.bad-time", "Thời hạn bàn giao phải sau ngày bắt đầu.", "until must be after effectiveFrom");
  checkPermission(e.permission, people);
  const current = currentCustodian(events, e.certificateId, e.effectiveFrom);
  if (e.kind !== "end") {
    const to = e.to && people.find((x) => x.id === e.to!.id);
    if (!to) throw err("custody.unknown-person", "Người nhận không thuộc cơ quan.", `Unknown person ${e.to?.id ?? ""}`);
    if (current && current.keeper.id === to.id)
      throw err("custody.same-person", `${to.name} đang giữ chứng thư số này.`, `${to.name} already keeps this certificate`);
  }
  if (e.kind === "handover") {
    if (!current) throw err("custody.nobody", "Chưa có người được giao giữ chứng thư số: phải giao trước khi bàn giao.", "No current keeper to hand over from");
    if (e.from?.id !== current.keeper.id) {
      throw err(
        "custody.not-keeper",
        `Người bàn giao phải là người đang giữ (${current.keeper.name}).`,
        `Handover must come from the current keeper ${current.keeper.name}`,
      );
    }
  }
  if (e.kind === "end" && !current) throw err("custody.nobody", "Chứng thư số chưa giao cho ai.", "Nobody keeps this certificate");
  return [...events, e];
}
