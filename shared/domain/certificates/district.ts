import type { WorkingDayCalendar } from "../calendar/working-day-calendar.ts";
import { blockingIncident, type TokenIncident } from "./incidents.ts";
import type { CertificateInventoryEntry } from "./inventory.ts";
import {
  isOpenRequest,
  REQUEST_KINDS,
  REQUEST_STATE_LABELS_VI,
  requestDeadlineStatus,
  type CertificateRequest,
  type RequestDeadlineStatus,
} from "./requests.ts";
import { certificateStatus, DEFAULT_EXPIRY_THRESHOLDS, type CertificateStatusReport, type ExpiryThresholds } from "./status.ts";

/**
 * The district view (for district IT, who manage several commune offices): per office, its sync
 * state, the certificates that need attention, open requests and overdue deadlines — computed
 * from what the server holds for each office.
 */
export interface OfficeSyncFacts {
  /** The last time the office's PWA pushed or pulled (server time, ISO 8601). */
  lastSyncAt?: string;
  /** Mutations the server knows are waiting (e.g. reported by the client), when known. */
  pendingMutations?: number;
}

export interface OfficeSnapshot {
  officeId: string;
  officeName: string;
  sync: OfficeSyncFacts;
  inventory: readonly CertificateInventoryEntry[];
  requests: readonly CertificateRequest[];
  incidents: readonly TokenIncident[];
}

export type SyncState = "ok" | "stale" | "never";

export interface CertificateAttention {
  certificateId: string;
  holder: string;
  serialNumber: string;
  status: CertificateStatusReport;
  blockedByIncident: boolean;
}

export interface RequestAttention {
  requestId: string;
  labelVi: string;
  form: string;
  stateVi: string;
  deadline: RequestDeadlineStatus | null;
}

export interface DistrictOfficeRow {
  officeId: string;
  officeName: string;
  syncState: SyncState;
  syncTextVi: string;
  lastSyncAt?: string;
  certificates: CertificateAttention[];
  openRequests: RequestAttention[];
  overdueRequests: RequestAttention[];
  openIncidents: number;
  /** For sorting: overdue and blocked first. */
  severity: number;
}

export interface DistrictOverviewOptions {
  now: Date | string;
  calendar: WorkingDayCalendar;
  thresholds?: ExpiryThresholds;
  /** An office not synced for this long is "stale" (default 24 hours). */
  staleAfterHours?: number;
}

function hoursText(h: number): string {
  if (h < 1) return "dưới 1 giờ trước";
  if (h < 48) return `${Math.floor(h)} giờ trước`;
  return `${Math.floor(h / 24)} ngày trước`;
}

export function districtOverview(offices: readonly OfficeSnapshot[], o: DistrictOverviewOptions): DistrictOfficeRow[] {
  const now = new Date(o.now);
  const stale = o.staleAfterHours ?? 24;
  const rows = offices.map((s): DistrictOfficeRow => {
    let syncState: SyncState = "never";
    let syncTextVi = "Chưa đồng bộ lần nào";
    if (s.sync.lastSyncAt) {
      const h = (now.getTime() - Date.parse(s.sync.lastSyncAt)) / 3600_000;
      syncState = h > stale ? "stale" : "ok";
      syncTextVi = `Đồng bộ ${hoursText(Math.max(0, h))}${s.sync.pendingMutations ? `, còn ${s.sync.pendingMutations} thay đổi chờ gửi` : ""}`;
    }
    const certificates = s.inventory
      .map((c) => ({ c, status: certificateStatus(c, now, o.thresholds ?? DEFAULT_EXPIRY_THRESHOLDS), blocked: Boolean(blockingIncident(c.id, s.incidents)) }))
      .filter((x) => x.status.status !== "valid" || x.blocked)
      .sort((a, b) => a.c.notAfter.localeCompare(b.c.notAfter))
      .map((x) => ({ certificateId: x.c.id, holder: x.c.holder, serialNumber: x.c.serialNumber, status: x.status, blockedByIncident: x.blocked }));
    const openRequests = s.requests.filter(isOpenRequest).map((r) => ({
      requestId: r.id,
      labelVi: REQUEST_KINDS[r.kind].labelVi,
      form: r.form,
      stateVi: REQUEST_STATE_LABELS_VI[r.state],
      deadline: requestDeadlineStatus(r, now, o.calendar),
    }));
    const overdueRequests = openRequests.filter((r) => r.deadline?.overdue);
    const openIncidents = s.incidents.filter((i) => i.state !== "closed").length;
    const severity =
      overdueRequests.length * 100 +
      openIncidents * 50 +
      certificates.filter((c) => c.status.level === "blocked" || c.status.level === "urgent").length * 10 +
      (syncState === "ok" ? 0 : 5) +
      certificates.length;
    return {
      officeId: s.officeId,
      officeName: s.officeName,
      syncState,
      syncTextVi,
      lastSyncAt: s.sync.lastSyncAt,
      certificates,
      openRequests,
      overdueRequests,
      openIncidents,
      severity,
    };
  });
  return rows.sort((a, b) => b.severity - a.severity || a.officeName.localeCompare(b.officeName, "vi"));
}
