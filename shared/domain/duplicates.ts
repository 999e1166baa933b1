import { numberAndSymbolKey } from "./number-symbol.ts";
import { foldVietnamese } from "./search-text.ts";

/**
 * Duplicate incoming documents (R16b, Nghị định 30/2020 Phụ lục VI Phần I.III): the clerk is
 * warned when a document has the same identifier as one already registered, or the same
 * number + symbol + issuing body.
 */
export interface IncomingIdentity {
  /** edXML DocumentId `{OrganId},{yyyy/MM/dd},{number/symbol}`, or the SHA-256 of the file when none. */
  documentId?: string | null;
  numberAndSymbol: string;
  /** Tác giả: the issuing body. */
  issuer: string;
  sha256?: string | null;
}

export type DuplicateReason = "same-document-id" | "same-file" | "same-number-symbol-issuer";

export interface DuplicateMatch<T> {
  entry: T;
  reason: DuplicateReason;
}

function issuerKey(s: string): string {
  return foldVietnamese(s).replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

export function duplicateKey(x: IncomingIdentity): string {
  return `${numberAndSymbolKey(x.numberAndSymbol)}|${issuerKey(x.issuer)}`;
}

export function findDuplicates<T extends IncomingIdentity>(candidate: IncomingIdentity, registered: Iterable<T>): DuplicateMatch<T>[] {
  const out: DuplicateMatch<T>[] = [];
  const key = candidate.numberAndSymbol.trim() ? duplicateKey(candidate) : null;
  for (const e of registered) {
    if (candidate.documentId && e.documentId && candidate.documentId === e.documentId) out.push({ entry: e, reason: "same-document-id" });
    else if (candidate.sha256 && e.sha256 && candidate.sha256 === e.sha256) out.push({ entry: e, reason: "same-file" });
    else if (key && e.numberAndSymbol.trim() && duplicateKey(e) === key) out.push({ entry: e, reason: "same-number-symbol-issuer" });
  }
  return out;
}

export const DUPLICATE_REASON_VI: Readonly<Record<DuplicateReason, string>> = {
  "same-document-id": "cùng mã định danh văn bản",
  "same-file": "cùng tệp (trùng SHA-256)",
  "same-number-symbol-issuer": "cùng số, ký hiệu và cơ quan ban hành",
};
