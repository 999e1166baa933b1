import { VanthuError } from "../errors.ts";

/**
 * Độ mật. Documents classified as state secrets are never signed, sent or stored by this
 * system (R9, Quy định Điều 4.1): refuse them clearly.
 */
export type Secrecy = "none" | "Mật" | "Tối mật" | "Tuyệt mật";
export const SECRECY_LEVELS: readonly Secrecy[] = ["none", "Mật", "Tối mật", "Tuyệt mật"];

/** Mức độ khẩn. */
export type Urgency = "none" | "Khẩn" | "Thượng khẩn" | "Hỏa tốc";
export const URGENCY_LEVELS: readonly Urgency[] = ["none", "Khẩn", "Thượng khẩn", "Hỏa tốc"];

export function isClassified(s: Secrecy | string | undefined | null): boolean {
  return s === "Mật" || s === "Tối mật" || s === "Tuyệt mật";
}

export const SECRECY_REFUSAL_VI =
  "Văn bản mật (Mật, Tối mật, Tuyệt mật) không được ký, gửi hay lưu trên hệ thống này (Điều 4.1 Quy định). Hãy xử lý theo quy định về bảo vệ bí mật nhà nước.";

/** Throws when the level is a state-secret one: the caller must then keep nothing. */
export function refuseClassified(s: Secrecy | string | undefined | null): void {
  if (isClassified(s)) {
    throw new VanthuError("domain.classified", SECRECY_REFUSAL_VI, `Classified document (${s}) refused (R9)`);
  }
}

/** Looks for a secrecy mark in text extracted from a document's first page ("MẬT", "TỐI MẬT", "TUYỆT MẬT" stamped alone on a line). */
export function detectSecrecyMark(text: string): Secrecy {
  const lines = text.normalize("NFC").split(/\r?\n/).map((l) => l.trim().toUpperCase());
  if (lines.includes("TUYỆT MẬT")) return "Tuyệt mật";
  if (lines.includes("TỐI MẬT")) return "Tối mật";
  if (lines.includes("MẬT")) return "Mật";
  return "none";
}
