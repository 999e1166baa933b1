import { isoDay } from "../dates.ts";

/**
 * The status of a certificate in the office's inventory (R19): valid, expiring (warnings at
 * configurable thresholds, 30 and 7 days by default), expired, revoked, suspended, or not yet
 * valid. Validity follows Nghị định 68/2024 Điều 31: valid at the time of use and not revoked.
 */
export type CertificateStatus = "valid" | "expiring" | "expired" | "revoked" | "suspended" | "not-yet-valid";

export const CERTIFICATE_STATUS_LABELS_VI: Record<CertificateStatus, string> = {
  valid: "Còn hiệu lực",
  expiring: "Sắp hết hạn",
  expired: "Hết hạn",
  revoked: "Đã thu hồi",
  suspended: "Tạm dừng",
  "not-yet-valid": "Chưa có hiệu lực",
};

export interface ExpiryThresholds {
  /** First warning, days before expiry (default 30). */
  warnDays: number;
  /** Urgent warning (default 7). */
  urgentDays: number;
}

export const DEFAULT_EXPIRY_THRESHOLDS: ExpiryThresholds = { warnDays: 30, urgentDays: 7 };

export interface RevocationInfo {
  /** When the CA revoked it (ISO 8601). */
  revokedAt: string;
  reason?: string;
  /** Where the office learnt it: the CA's CRL or OCSP, or the Sở's answer to a revocation request. */
  source: "crl" | "ocsp" | "request" | "manual";
}

export interface SuspensionInfo {
  from: string;
  until?: string;
  reason?: string;
}

export interface CertificateValidity {
  notBefore: string;
  notAfter: string;
  revocation?: RevocationInfo;
  suspension?: SuspensionInfo;
}

export interface CertificateStatusReport {
  status: CertificateStatus;
  /** "ok", or how loud the warning: "warning" (≤ warnDays), "urgent" (≤ urgentDays), "blocked" (cannot sign). */
  level: "ok" | "warning" | "urgent" | "blocked";
  /** Calendar days (Vietnam) from today to the last day of validity; negative once expired. */
  daysLeft: number;
  labelVi: string;
  messageVi: string;
  /** Usable to sign now. */
  usable: boolean;
}

const DAY = 86_400_000;

function daysBetween(fromDay: string, toDay: string): number {
  return Math.round((Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / DAY);
}

function dayVi(iso: string): string {
  const d = isoDay(iso);
  return `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
}

export function checkThresholds(t: ExpiryThresholds): ExpiryThresholds {
  if (!Number.isInteger(t.warnDays) || !Number.isInteger(t.urgentDays) || t.urgentDays < 0 || t.warnDays < t.urgentDays || t.warnDays > 365) {
    throw new RangeError(`Expiry thresholds must be whole days with 0 ≤ urgent ≤ warn ≤ 365, got ${t.warnDays}/${t.urgentDays}`);
  }
  return t;
}

export function certificateStatus(
  c: CertificateValidity,
  now: Date | string,
  thresholds: ExpiryThresholds = DEFAULT_EXPIRY_THRESHOLDS,
): CertificateStatusReport {
  checkThresholds(thresholds);
  const t = typeof now === "string" ? new Date(now) : now;
  const nowMs = t.getTime();
  const daysLeft = daysBetween(isoDay(t), isoDay(c.notAfter));
  const make = (status: CertificateStatus, level: CertificateStatusReport["level"], messageVi: string): CertificateStatusReport => ({
    status,
    level,
    daysLeft,
    labelVi: CERTIFICATE_STATUS_LABELS_VI[status],
    messageVi,
    usable: status === "valid" || status === "expiring",
  });
  if (c.revocation && Date.parse(c.revocation.revokedAt) <= nowMs) {
    return make(
      "revoked",
      "blocked",
      `Chứng thư số đã bị thu hồi ngày ${dayVi(c.revocation.revokedAt)}${c.revocation.reason ? ` (${c.revocation.reason})` : ""}; không được dùng để ký.`,
    );
  }
  if (c.suspension && Date.parse(c.suspension.from) <= nowMs && (!c.suspension.until || nowMs < Date.parse(c.suspension.until))) {
    return make(
      "suspended",
      "blocked",
      `Chứng thư số đang bị tạm dừng${c.suspension.until ? ` đến ngày ${dayVi(c.suspension.until)}` : ""}; không được dùng để ký.`,
    );
  }
  if (nowMs > Date.parse(c.notAfter)) return make("expired", "blocked", `Chứng thư số đã hết hạn ngày ${dayVi(c.notAfter)}; cần đề nghị gia hạn hoặc cấp mới.`);
  if (nowMs < Date.parse(c.notBefore)) return make("not-yet-valid", "blocked", `Chứng thư số có hiệu lực từ ngày ${dayVi(c.notBefore)}.`);
  if (daysLeft <= thresholds.warnDays) {
    const when = daysLeft === 0 ? "hôm nay" : `sau ${daysLeft} ngày`;
    return make(
      "expiring",
      daysLeft <= thresholds.urgentDays ? "urgent" : "warning",
      `Chứng thư số hết hạn ${when} (ngày ${dayVi(c.notAfter)}); cần đề nghị gia hạn.`,
    );
  }
  return make("valid", "ok", `Chứng thư số còn hiệu lực đến ngày ${dayVi(c.notAfter)}.`);
}
