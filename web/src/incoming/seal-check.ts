import { foldVietnamese, holderKindOf } from "../../../shared/domain/index.ts";
import type { SignatureSummary } from "../verify/protocol.ts";

/** "UBND xã An Hưng" and "ỦY BAN NHÂN DÂN XÃ AN HƯNG" name one body. */
function bodyKey(name: string): string {
  return foldVietnamese(name)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .replace(/\bubnd\b/g, "uy ban nhan dan")
    .replace(/\bhdnd\b/g, "hoi dong nhan dan")
    .trim();
}

/**
 * The organisation's signature (the seal, R2) should be the sending office's own: a valid
 * signature of another body is still valid, so this is a warning beside the verdict, not a verdict.
 * Undefined when the seal is the sender's, or when there is no seal or no sender to compare.
 */
export function sealMismatchVi(signatures: readonly SignatureSummary[], sender: string | undefined): string | undefined {
  if (!sender?.trim()) return undefined;
  const seals = signatures.filter((s) => holderKindOf({ commonName: s.signerName, title: s.title, organization: s.organisation }) === "organisation");
  if (seals.length === 0) return undefined;
  if (seals.some((s) => bodyKey(s.signerName) === bodyKey(sender))) return undefined;
  return `Chữ ký số của cơ quan trên văn bản là của "${seals.map((s) => s.signerName).join(", ")}", không phải của nơi gửi "${sender}". Hãy hỏi lại nơi gửi trước khi vào sổ.`;
}
