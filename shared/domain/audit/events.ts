import type { AuditActor, AuditEntryInput, AuditTime } from "./audit-chain.ts";

/**
 * The audit entries of the document work R23 names — signing, verification, acceptance and
 * refusal — made the same way wherever they happen (PWA after signing or verifying, server when
 * it stamps the QLVB time).
 */
interface Common {
  id: string;
  officeId: string;
  actor: AuditActor;
  time: AuditTime;
  /** The document: its SHA-256 and, when it has one, its số và ký hiệu. */
  documentSha256: string;
  documentNumber?: string;
}

const TYPE_VI = {
  signer: "chữ ký số của người có thẩm quyền",
  issuer: "chữ ký số của cơ quan, tổ chức",
  copy: "chữ ký số trên bản sao điện tử",
  attachment: "chữ ký số trên văn bản kèm theo",
  appendix: "chữ ký số trên phụ lục",
} as const;

function subject(c: Common) {
  return { kind: "document" as const, id: c.documentSha256, label: c.documentNumber };
}

export function auditForSigning(
  c: Common & { signatureType: keyof typeof TYPE_VI; certificateSerial: string; certificateHolder: string; signerIsDemo?: boolean },
): AuditEntryInput {
  return {
    id: c.id,
    officeId: c.officeId,
    action: "signing",
    actor: c.actor,
    time: c.time,
    summary: `Ký ${TYPE_VI[c.signatureType]} lên văn bản ${c.documentNumber ?? c.documentSha256.slice(0, 16)} bằng chứng thư số ${c.certificateSerial} (${c.certificateHolder})${c.signerIsDemo ? " — khóa thử, không có giá trị pháp lý" : ""}.`,
    subject: subject(c),
    details: { signatureType: c.signatureType, certificateSerial: c.certificateSerial, demo: Boolean(c.signerIsDemo) },
  };
}

export function auditForVerification(
  c: Common & { verdict: "valid" | "invalid" | "indeterminate" | "error"; signatures: number; reportId?: string },
): AuditEntryInput {
  const verdictVi = { valid: "hợp lệ", invalid: "không hợp lệ", indeterminate: "chưa xác định được", error: "lỗi khi kiểm tra" }[c.verdict];
  return {
    id: c.id,
    officeId: c.officeId,
    action: "verification",
    actor: c.actor,
    time: c.time,
    summary: `Kiểm tra ${c.signatures} chữ ký số trên văn bản ${c.documentNumber ?? c.documentSha256.slice(0, 16)}: ${verdictVi}.`,
    subject: subject(c),
    details: { verdict: c.verdict, signatures: c.signatures, ...(c.reportId ? { reportId: c.reportId } : {}) },
  };
}

export function auditForAcceptance(c: Common & { arrivalNumber?: number; sender: string }): AuditEntryInput {
  return {
    id: c.id,
    officeId: c.officeId,
    action: "acceptance",
    actor: c.actor,
    time: c.time,
    summary: `Tiếp nhận văn bản ${c.documentNumber ?? ""} của ${c.sender}${c.arrivalNumber !== undefined ? `, số đến ${c.arrivalNumber}` : ""}.`.replace(
      "văn bản  của",
      "văn bản của",
    ),
    subject: subject(c),
    details: { sender: c.sender, ...(c.arrivalNumber !== undefined ? { arrivalNumber: c.arrivalNumber } : {}) },
  };
}

export function auditForRefusal(c: Common & { reason: string; sender: string }): AuditEntryInput {
  return {
    id: c.id,
    officeId: c.officeId,
    action: "refusal",
    actor: c.actor,
    time: c.time,
    summary: `Từ chối tiếp nhận văn bản ${c.documentNumber ?? ""} của ${c.sender}. Lý do: ${c.reason}`.replace("văn bản  của", "văn bản của"),
    subject: subject(c),
    details: { sender: c.sender, reason: c.reason },
  };
}
