import { VanthuError } from "../../errors.ts";
import { foldVietnamese } from "../search-text.ts";
import { currentCustodian, type CustodyEvent } from "./custody.ts";
import { blockingIncident, INCIDENT_LABELS_VI, type TokenIncident } from "./incidents.ts";
import type { CertificateInventoryEntry } from "./inventory.ts";
import type { OfficePerson } from "./people.ts";
import { certificateStatus, DEFAULT_EXPIRY_THRESHOLDS, type ExpiryThresholds } from "./status.ts";

/**
 * Whether a person may sign with a certificate of the inventory now — checked in the app before
 * the token is asked for the PIN:
 * - the certificate is usable (not revoked, suspended, expired; Nghị định 68/2024 Điều 31);
 * - no open incident blocks it (R21: blocked from the report until revoked);
 * - organisation's certificate: only its current keeper by written assignment (R22, Điều 8.3, 17.2);
 * - person's certificate: only its holder (Điều 8.4–8.5; KT./TL. sign with their own).
 */
export interface SigningDecision {
  allowed: boolean;
  code: string;
  messageVi: string;
  messageEn: string;
}

export interface SigningGuardOptions {
  now?: Date | string;
  incidents?: readonly TokenIncident[];
  thresholds?: ExpiryThresholds;
}

const ALLOWED: SigningDecision = { allowed: true, code: "ok", messageVi: "Được phép ký.", messageEn: "Allowed" };
const refuse = (code: string, messageVi: string, messageEn: string): SigningDecision => ({ allowed: false, code, messageVi, messageEn });

function usability(certificate: CertificateInventoryEntry, o: SigningGuardOptions): SigningDecision | null {
  const now = o.now ?? new Date();
  const incident = blockingIncident(certificate.id, o.incidents ?? []);
  const status = certificateStatus(certificate, now, o.thresholds ?? DEFAULT_EXPIRY_THRESHOLDS);
  if (status.status === "revoked") return refuse("signing.revoked", status.messageVi, `Certificate ${certificate.serialNumber} is revoked`);
  if (incident) {
    return refuse(
      "signing.incident",
      `Chứng thư số bị khóa ký do sự cố "${INCIDENT_LABELS_VI[incident.kind]}" báo ngày ${incident.reportedAt.slice(8, 10)}/${incident.reportedAt.slice(5, 7)}/${incident.reportedAt.slice(0, 4)}, cho đến khi được thu hồi.`,
      `Certificate ${certificate.serialNumber} is blocked by incident ${incident.id} until revoked`,
    );
  }
  if (!status.usable) return refuse(`signing.${status.status}`, status.messageVi, `Certificate ${certificate.serialNumber} is ${status.status}`);
  return null;
}

export function canSignAsOrganisation(
  person: OfficePerson,
  certificate: CertificateInventoryEntry,
  custody: readonly CustodyEvent[],
  o: SigningGuardOptions = {},
): SigningDecision {
  if (certificate.holderKind !== "organisation") {
    return refuse("signing.not-organisation", "Đây là chứng thư số cá nhân, không dùng để ký với tư cách cơ quan, tổ chức.", "Not an organisation certificate");
  }
  const blocked = usability(certificate, o);
  if (blocked) return blocked;
  const keeper = currentCustodian(custody, certificate.id, o.now ?? new Date());
  if (!keeper) {
    return refuse(
      "signing.no-custodian",
      "Người đứng đầu cơ quan chưa giao bằng văn bản người quản lý, sử dụng chứng thư số của cơ quan: chưa ai được ký.",
      "No one has been assigned custody of the organisation's certificate",
    );
  }
  if (keeper.keeper.id !== person.id) {
    return refuse(
      "signing.not-custodian",
      `Chỉ ${keeper.keeper.name} (được giao theo văn bản ${keeper.event.permission.documentNumber}) được ký bằng chứng thư số của cơ quan; ${person.name} không được giao.`,
      `${person.name} is not the assigned keeper of the organisation's certificate (${keeper.keeper.name} is)`,
    );
  }
  return ALLOWED;
}

export function canSignAsPerson(person: OfficePerson, certificate: CertificateInventoryEntry, o: SigningGuardOptions = {}): SigningDecision {
  if (certificate.holderKind !== "person") {
    return refuse(
      "signing.not-personal",
      "Chứng thư số của cơ quan không dùng để ký với tư cách cá nhân người có thẩm quyền.",
      "An organisation certificate cannot make a person's signature",
    );
  }
  const blocked = usability(certificate, o);
  if (blocked) return blocked;
  // The holder is known by account when the office linked it, else by name (as on the certificate).
  const fold = (x: string) =>
    foldVietnamese(x)
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      .trim();
  const isHolder = certificate.holderPersonId ? certificate.holderPersonId === person.id : fold(certificate.holder) === fold(person.name);
  if (!isHolder) {
    return refuse(
      "signing.not-holder",
      `Chứng thư số là của ${certificate.holder}; ${person.name} phải ký bằng chứng thư số của chính mình.`,
      `${person.name} is not the holder of the certificate of ${certificate.holder}`,
    );
  }
  return ALLOWED;
}

export function assertCanSign(decision: SigningDecision): void {
  if (!decision.allowed) throw new VanthuError(decision.code, decision.messageVi, decision.messageEn);
}
