import { formatDateTimeVi, formatDateVi } from "../dates.ts";
import type { WorkingDayCalendar } from "../calendar/working-day-calendar.ts";
import { currentCustodian, type CustodyEvent } from "./custody.ts";
import { blockingIncident, INCIDENT_LABELS_VI, type TokenIncident } from "./incidents.ts";
import type { CertificateInventoryEntry } from "./inventory.ts";
import { REQUEST_KINDS, REQUEST_STATE_LABELS_VI, requestDeadlineStatus, type CertificateRequest } from "./requests.ts";
import { certificateStatus, DEFAULT_EXPIRY_THRESHOLDS, type CertificateStatusReport, type ExpiryThresholds } from "./status.ts";

/**
 * What the screens show, as plain rows with every text in Vietnamese: the views stay thin and
 * these are tested without a browser.
 */
export interface InventoryRow {
  id: string;
  holder: string;
  kindVi: string;
  title: string;
  organisation: string;
  serialNumber: string;
  validityVi: string;
  status: CertificateStatusReport;
  tokenVi: string;
  custodianVi: string;
  /** Why it cannot sign now, or "" when it can. */
  blockedVi: string;
}

export function inventoryRows(
  inventory: readonly CertificateInventoryEntry[],
  o: { now: Date | string; custody?: readonly CustodyEvent[]; incidents?: readonly TokenIncident[]; thresholds?: ExpiryThresholds },
): InventoryRow[] {
  return [...inventory]
    .sort((a, b) => a.notAfter.localeCompare(b.notAfter))
    .map((c) => {
      const status = certificateStatus(c, o.now, o.thresholds ?? DEFAULT_EXPIRY_THRESHOLDS);
      const incident = blockingIncident(c.id, o.incidents ?? []);
      const keeper = c.holderKind === "organisation" ? currentCustodian(o.custody ?? [], c.id, o.now) : null;
      let blockedVi = "";
      if (!status.usable) blockedVi = status.messageVi;
      else if (incident)
        blockedVi = `Khóa ký: ${INCIDENT_LABELS_VI[incident.kind].toLocaleLowerCase("vi")} (báo ${formatDateVi(incident.reportedAt)}), chờ thu hồi.`;
      return {
        id: c.id,
        holder: c.holder,
        kindVi: c.holderKind === "organisation" ? "Cơ quan, tổ chức" : "Cá nhân",
        title: c.title ?? "",
        organisation: c.organisation ?? "",
        serialNumber: c.serialNumber,
        validityVi: `${formatDateVi(c.notBefore)} – ${formatDateVi(c.notAfter)}`,
        status,
        tokenVi: c.tokenId ?? (c.source === "file" ? "Nhập từ tệp" : ""),
        custodianVi:
          c.holderKind === "organisation" ? (keeper ? `${keeper.keeper.name} (văn bản ${keeper.event.permission.documentNumber})` : "Chưa giao") : c.holder,
        blockedVi,
      };
    });
}

export interface RequestRow {
  id: string;
  form: string;
  labelVi: string;
  stateVi: string;
  documentNumber: string;
  sentVi: string;
  receivedVi: string;
  deadlineVi: string;
  deadlineLevel: "none" | "ok" | "due-today" | "overdue" | "answered-late" | "answered";
  outcomeVi: string;
  basisVi: string;
}

export function requestRows(requests: readonly CertificateRequest[], o: { now: Date | string; calendar: WorkingDayCalendar }): RequestRow[] {
  return [...requests]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map((r) => {
      const rule = REQUEST_KINDS[r.kind];
      const d = requestDeadlineStatus(r, o.now, o.calendar);
      let deadlineVi = "Tính từ khi Sở tiếp nhận";
      let deadlineLevel: RequestRow["deadlineLevel"] = "none";
      if (d) {
        const due = `Hạn ${formatDateVi(`${d.dueDay}T12:00:00+07:00`)}`;
        if (d.answeredInTime !== undefined) {
          deadlineVi = d.answeredInTime ? `${due} — trả lời đúng hạn` : `${due} — trả lời quá hạn`;
          deadlineLevel = d.answeredInTime ? "answered" : "answered-late";
        } else if (d.overdue) {
          deadlineVi = `${due} — quá hạn ${-d.workingDaysLeft} ngày làm việc`;
          deadlineLevel = "overdue";
        } else if (d.workingDaysLeft === 0) {
          deadlineVi = `${due} — hết hạn hôm nay`;
          deadlineLevel = "due-today";
        } else {
          deadlineVi = `${due} — còn ${d.workingDaysLeft} ngày làm việc`;
          deadlineLevel = "ok";
        }
        if (!d.confirmed) deadlineVi += " (thời hạn chưa được xác nhận)";
      }
      let outcomeVi = "";
      if (r.outcome?.kind === "completed") outcomeVi = `Đã giải quyết ${formatDateTimeVi(r.outcome.at)}${r.outcome.note ? `: ${r.outcome.note}` : ""}`;
      if (r.outcome?.kind === "refused") outcomeVi = `Từ chối ${formatDateTimeVi(r.outcome.at)}. Lý do: ${(r.outcome.reasons ?? []).join("; ")}`;
      if (r.state === "needs-supplement") {
        const last = [...r.history].reverse().find((h) => h.type === "request-supplement");
        if (last && "reasons" in last) outcomeVi = `Cần bổ sung: ${last.reasons.join("; ")}`;
      }
      return {
        id: r.id,
        form: r.form,
        labelVi: rule.labelVi,
        stateVi: REQUEST_STATE_LABELS_VI[r.state],
        documentNumber: r.document?.number ?? "",
        sentVi: r.sentAt ? formatDateTimeVi(r.sentAt) : "",
        receivedVi: r.receivedAt ? formatDateTimeVi(r.receivedAt) : "",
        deadlineVi,
        deadlineLevel,
        outcomeVi,
        basisVi: rule.deadlineBasis,
      };
    });
}
