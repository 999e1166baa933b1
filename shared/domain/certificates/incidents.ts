import { VanthuError } from "../../errors.ts";
import type { CertificateInventoryEntry } from "./inventory.ts";
import type { OfficePerson, PersonRef } from "./people.ts";
import { refOf } from "./people.ts";

/**
 * Incidents with a token (R21). Quy định Điều 17.5: a token used for the wrong purpose, lost or
 * stolen is reported at once to the competent person (người có thẩm quyền — the head of the
 * office) and to the IT unit (bộ phận chuyên trách công nghệ thông tin). Nghị định 68/2024
 * Điều 17: a lost token or an exposed key is a ground for revocation, so the report produces a
 * revocation request (Mẫu 05). Until the certificate is revoked the app blocks signing with it.
 */
export type IncidentKind = "lost" | "stolen" | "misused" | "key-exposed";

export const INCIDENT_LABELS_VI: Record<IncidentKind, string> = {
  lost: "Mất thiết bị lưu khóa bí mật",
  stolen: "Thiết bị lưu khóa bí mật bị đánh cắp",
  misused: "Thiết bị lưu khóa bí mật bị sử dụng sai mục đích",
  "key-exposed": "Khóa bí mật bị lộ hoặc nghi bị lộ",
};

/** The ground for revocation written in the request. */
export const INCIDENT_REVOCATION_REASON_VI: Record<IncidentKind, string> = {
  lost: "Thiết bị lưu khóa bí mật bị mất",
  stolen: "Thiết bị lưu khóa bí mật bị đánh cắp",
  misused: "Thiết bị lưu khóa bí mật bị sử dụng sai mục đích, nghi lộ khóa bí mật",
  "key-exposed": "Khóa bí mật bị lộ hoặc nghi bị lộ",
};

export type IncidentState = "open" | "revocation-requested" | "closed";

export interface IncidentNotification {
  to: "head" | "it-unit";
  person: PersonRef;
  /** The message as delivered, Vietnamese. */
  text: string;
  at: string;
}

export interface TokenIncident {
  id: string;
  officeId: string;
  kind: IncidentKind;
  tokenId?: string;
  certificateIds: string[];
  /** When it was noticed (ISO 8601). */
  discoveredAt: string;
  reportedAt: string;
  reportedBy: PersonRef;
  description: string;
  notifications: IncidentNotification[];
  state: IncidentState;
  revocationRequestIds: string[];
  closedAt?: string;
  closedBy?: PersonRef;
  closedReason?: string;
}

export interface ReportIncidentInput {
  id: string;
  officeId: string;
  kind: IncidentKind;
  tokenId?: string;
  /** The certificates on the token; when empty, every inventory certificate on `tokenId`. */
  certificateIds?: string[];
  discoveredAt: string;
  reportedAt: string;
  reportedBy: PersonRef;
  description: string;
}

function fmt(iso: string): string {
  const d = new Date(Date.parse(iso) + 7 * 3600_000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())} ngày ${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

/** Opens an incident and writes the two notifications Điều 17.5 requires. */
export function reportTokenIncident(
  input: ReportIncidentInput,
  inventory: readonly CertificateInventoryEntry[],
  people: readonly OfficePerson[],
): TokenIncident {
  if (!(input.kind in INCIDENT_LABELS_VI))
    throw new VanthuError("incident.bad-kind", "Loại sự cố không hợp lệ.", `Unknown incident kind ${String(input.kind)}`);
  if (!input.description?.trim())
    throw new VanthuError("incident.no-description", "Hãy mô tả sự cố (ở đâu, khi nào, thế nào).", "Incident description is required");
  if (Number.isNaN(Date.parse(input.discoveredAt)) || Number.isNaN(Date.parse(input.reportedAt)))
    throw new VanthuError("incident.bad-time", "Thời điểm không hợp lệ.", "Invalid time");
  const ids = input.certificateIds?.length ? input.certificateIds : inventory.filter((c) => input.tokenId && c.tokenId === input.tokenId).map((c) => c.id);
  const certs = ids.map((id) => inventory.find((c) => c.id === id));
  if (certs.length === 0 || certs.some((c) => !c)) {
    throw new VanthuError(
      "incident.no-certificate",
      "Không xác định được chứng thư số trên thiết bị: chọn chứng thư trong danh mục.",
      "Incident names no known certificate",
    );
  }
  const head = people.find((p) => p.duties.includes("head"));
  const it = people.find((p) => p.duties.includes("it"));
  if (!head || !it) {
    throw new VanthuError(
      "incident.no-recipient",
      "Chưa khai báo người đứng đầu cơ quan hoặc bộ phận công nghệ thông tin để nhận báo cáo sự cố.",
      "The office has no head or IT unit to notify",
    );
  }
  const list = certs.map((c) => `${c!.holder} (số hiệu ${c!.serialNumber})`).join("; ");
  const text =
    `BÁO CÁO SỰ CỐ: ${INCIDENT_LABELS_VI[input.kind]}. Phát hiện lúc ${fmt(input.discoveredAt)}; người báo cáo: ${input.reportedBy.name}. ` +
    `Chứng thư số liên quan: ${list}. Mô tả: ${input.description.trim()}. ` +
    `Chứng thư số đã bị khóa ký trong hệ thống; đề nghị thu hồi (Mẫu 05) đã được lập để trình ký.`;
  return {
    id: input.id,
    officeId: input.officeId,
    kind: input.kind,
    tokenId: input.tokenId,
    certificateIds: ids,
    discoveredAt: input.discoveredAt,
    reportedAt: input.reportedAt,
    reportedBy: input.reportedBy,
    description: input.description.trim(),
    notifications: [
      { to: "head", person: refOf(head), text, at: input.reportedAt },
      { to: "it-unit", person: refOf(it), text, at: input.reportedAt },
    ],
    state: "open",
    revocationRequestIds: [],
  };
}

export function linkRevocationRequest(incident: TokenIncident, requestId: string): TokenIncident {
  if (incident.state === "closed") throw new VanthuError("incident.closed", "Sự cố đã đóng.", "Incident is closed");
  return { ...incident, state: "revocation-requested", revocationRequestIds: [...new Set([...incident.revocationRequestIds, requestId])] };
}

/** Closes the incident: when every certificate is revoked, or by the head's decision with a reason. */
export function closeIncident(
  incident: TokenIncident,
  by: OfficePerson,
  at: string,
  reason: string,
  inventory: readonly CertificateInventoryEntry[],
): TokenIncident {
  const allRevoked = incident.certificateIds.every((id) => inventory.find((c) => c.id === id)?.revocation);
  if (!allRevoked && !by.duties.includes("head")) {
    throw new VanthuError(
      "incident.not-head",
      "Chỉ người đứng đầu cơ quan được đóng sự cố khi chứng thư số chưa bị thu hồi.",
      "Only the head may close an incident before revocation",
    );
  }
  if (!reason.trim()) throw new VanthuError("incident.no-reason", "Hãy ghi lý do đóng sự cố.", "A reason is required to close an incident");
  return { ...incident, state: "closed", closedAt: at, closedBy: refOf(by), closedReason: reason.trim() };
}

/** The open incident that blocks a certificate, if any. */
export function blockingIncident(certificateId: string, incidents: readonly TokenIncident[]): TokenIncident | undefined {
  return incidents.find((i) => i.state !== "closed" && i.certificateIds.includes(certificateId));
}
