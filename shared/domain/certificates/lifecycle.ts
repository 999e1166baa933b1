import type { AuditEntryInput } from "../audit/audit-chain.ts";
import { CUSTODY_EVENT_LABELS_VI, type CustodyEvent } from "./custody.ts";
import { INCIDENT_LABELS_VI, INCIDENT_REVOCATION_REASON_VI, type TokenIncident } from "./incidents.ts";
import { fromBase64, inventoryEntryFromCertificate, type CertificateInventoryEntry } from "./inventory.ts";
import type { PersonRef } from "./people.ts";
import {
  createCertificateRequest,
  REQUEST_KINDS,
  REQUEST_STATE_LABELS_VI,
  type CertificateRequest,
  type ContactPerson,
  type RequestEvent,
} from "./requests.ts";

/**
 * The glue between incidents, requests, the inventory and the audit trail: what the PWA and the
 * server call at each step, so both record the same things.
 */

/** R21: the revocation request (Mẫu 05) an incident produces, one line per certificate on the token. */
export function revocationRequestFromIncident(
  incident: TokenIncident,
  inventory: readonly CertificateInventoryEntry[],
  o: { id: string; contact: ContactPerson; createdAt: string; createdBy: PersonRef },
): CertificateRequest {
  const certificates = incident.certificateIds.map((id) => {
    const c = inventory.find((x) => x.id === id);
    if (!c) throw new Error(`certificate ${id} of incident ${incident.id} not in inventory`);
    return {
      holder: c.holder,
      serialNumber: c.serialNumber,
      tokenSerial: c.tokenId,
      reason: INCIDENT_REVOCATION_REASON_VI[incident.kind],
      certificateId: c.id,
    };
  });
  return createCertificateRequest({
    id: o.id,
    officeId: incident.officeId,
    fields: { kind: "revocation", contact: o.contact, certificates },
    createdAt: o.createdAt,
    createdBy: o.createdBy,
    incidentId: incident.id,
  });
}

/**
 * The Sở's answer applied to the inventory: a completed revocation marks its certificates revoked;
 * a completed renewal writes the new expiry (and keeps the old one in `renewals`); a completed new
 * issue adds the certificates the answer carries (see newCertificatesFromAnswer).
 */
export function applyRequestOutcomeToInventory(inventory: readonly CertificateInventoryEntry[], r: CertificateRequest): CertificateInventoryEntry[] {
  if (r.kind === "renewal" && r.outcome?.kind === "completed" && r.fields.kind === "renewal") return applyRenewal(inventory, r);
  if (r.kind !== "revocation" || r.outcome?.kind !== "completed" || r.fields.kind !== "revocation") return [...inventory];
  const revokedAt = r.outcome.result?.revokedAt ?? r.outcome.at;
  const ids = new Set(r.fields.certificates.map((l) => l.certificateId).filter(Boolean));
  const serials = new Set(r.fields.certificates.map((l) => l.serialNumber.toUpperCase()));
  return inventory.map((c) =>
    (ids.has(c.id) || serials.has(c.serialNumber.toUpperCase())) && !c.revocation
      ? {
          ...c,
          revocation: {
            revokedAt,
            reason:
              r.fields.kind === "revocation"
                ? r.fields.certificates.find((l) => l.serialNumber.toUpperCase() === c.serialNumber.toUpperCase())?.reason
                : undefined,
            source: "request" as const,
          },
        }
      : c,
  );
}

function applyRenewal(inventory: readonly CertificateInventoryEntry[], r: CertificateRequest): CertificateInventoryEntry[] {
  const out = r.outcome!;
  const newNotAfter = out.result?.newNotAfter;
  if (!newNotAfter || r.fields.kind !== "renewal") return [...inventory];
  const lines = r.fields.certificates;
  const matches = (c: CertificateInventoryEntry) =>
    lines.some((l) => (l.certificateId && l.certificateId === c.id) || l.serialNumber.toUpperCase() === c.serialNumber.toUpperCase());
  return inventory.map((c) => {
    if (!matches(c) || c.renewals?.some((x) => x.requestId === r.id)) return c;
    const renewal = {
      requestId: r.id,
      previousNotAfter: c.notAfter,
      newNotAfter,
      ...(out.result?.newSerialNumber ? { newSerialNumber: out.result.newSerialNumber } : {}),
      answeredAt: out.at,
    };
    return { ...c, notAfter: newNotAfter, renewals: [...(c.renewals ?? []), renewal] };
  });
}

/**
 * A completed new issue (Mẫu 01/02/03) whose answer carries the new certificates: entries for the
 * inventory, read from the certificates themselves (holder, serial, validity are never typed).
 */
export async function newCertificatesFromAnswer(r: CertificateRequest, o: { addedAt: string }): Promise<CertificateInventoryEntry[]> {
  if (!["issue-person", "issue-organisation", "issue-device"].includes(r.kind) || r.outcome?.kind !== "completed") return [];
  const out: CertificateInventoryEntry[] = [];
  for (const b64 of r.outcome.result?.certificates ?? []) {
    out.push(
      await inventoryEntryFromCertificate(fromBase64(b64), {
        officeId: r.officeId,
        source: "file",
        addedAt: o.addedAt,
        holderKind: r.kind === "issue-person" ? "person" : "organisation",
      }),
    );
  }
  return out;
}

const EVENT_VI: Record<RequestEvent["type"], string> = {
  sign: "ký văn bản",
  send: "gửi",
  receive: "Sở Khoa học và Công nghệ tiếp nhận",
  "request-supplement": "Sở yêu cầu bổ sung",
  complete: "Sở đã giải quyết",
  refuse: "Sở từ chối",
  cancel: "hủy",
};

function timeOf(at: string, qlvb: boolean) {
  return { at, source: qlvb ? ("qlvb" as const) : ("provisional" as const) };
}

export function auditForRequestEvent(r: CertificateRequest, e: RequestEvent, o: { id: string; qlvbTime: boolean }): AuditEntryInput {
  const rule = REQUEST_KINDS[r.kind];
  const reasons = "reasons" in e ? ` Lý do: ${e.reasons.join("; ")}.` : "";
  return {
    id: o.id,
    officeId: r.officeId,
    action: "request",
    actor: e.by,
    time: timeOf(e.at, o.qlvbTime),
    summary: `Đề nghị ${rule.labelVi.toLocaleLowerCase("vi")} (${rule.form}): ${EVENT_VI[e.type]}.${reasons}`,
    subject: { kind: "request", id: r.id, label: r.document?.number ?? `${rule.form} ${r.id}` },
    details: { event: e.type, state: REQUEST_STATE_LABELS_VI[r.state], ...(r.deadline ? { dueDay: r.deadline.dueDay } : {}) },
  };
}

export function auditForIncident(i: TokenIncident, o: { id: string; qlvbTime: boolean }): AuditEntryInput {
  return {
    id: o.id,
    officeId: i.officeId,
    action: "incident",
    actor: i.reportedBy,
    time: timeOf(i.reportedAt, o.qlvbTime),
    summary: `${INCIDENT_LABELS_VI[i.kind]}: báo cáo người đứng đầu (${i.notifications.find((n) => n.to === "head")?.person.name}) và bộ phận công nghệ thông tin (${i.notifications.find((n) => n.to === "it-unit")?.person.name}); chứng thư số bị khóa ký.`,
    subject: { kind: "incident", id: i.id, label: i.tokenId ? `Thiết bị ${i.tokenId}` : undefined },
    details: { certificateIds: i.certificateIds, discoveredAt: i.discoveredAt },
  };
}

export function auditForCustody(e: CustodyEvent, certificate: CertificateInventoryEntry, o: { id: string; qlvbTime: boolean }): AuditEntryInput {
  const who = e.kind === "end" ? "" : e.kind === "handover" ? ` từ ${e.from?.name} sang ${e.to?.name}` : ` cho ${e.to?.name}`;
  return {
    id: o.id,
    officeId: certificate.officeId,
    action: "custody-change",
    actor: e.recordedBy,
    time: timeOf(e.recordedAt, o.qlvbTime),
    summary: `${CUSTODY_EVENT_LABELS_VI[e.kind]} chứng thư số của cơ quan${who}, theo văn bản ${e.permission.documentNumber} ngày ${e.permission.documentDate.split("-").reverse().join("/")} của ${e.permission.signedBy.name}.`,
    subject: { kind: "certificate", id: certificate.id, label: `${certificate.holder} (${certificate.serialNumber})` },
    details: { event: e.id, kind: e.kind, ...(e.until ? { until: e.until } : {}) },
  };
}
