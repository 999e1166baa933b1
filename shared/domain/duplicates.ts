import { parseNumberAndSymbol } from "./number-symbol.ts";
import { foldVietnamese } from "./search-text.ts";

/**
 * Duplicate incoming documents (R16b, Nghị định 30/2020 Phụ lục VI Phần I.III): the clerk is
 * warned when a document has the same identifier as one already registered, or the same
 * number + symbol + issuing body. Issuers are written in full or abbreviated ("UBND" / "Ủy ban
 * nhân dân", "TP." / "thành phố") and symbols with or without diacritics ("QD" / "QĐ"): both are
 * normalised before comparing, and the match says what was normalised so the clerk sees why.
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
  /** Why two different spellings are one document, in Vietnamese (empty when written identically). */
  explanation: string[];
}

/**
 * Abbreviations of bodies used in Vietnamese administrative writing (Nghị định 30/2020 Phụ lục
 * III lists the symbols; the names of bodies are abbreviated by custom), folded, matched as whole words.
 */
const ISSUER_ABBREVIATIONS: readonly [RegExp, string, string][] = [
  [/\bubnd\b/g, "uy ban nhan dan", "UBND = Ủy ban nhân dân"],
  [/\bhdnd\b/g, "hoi dong nhan dan", "HĐND = Hội đồng nhân dân"],
  [/\bubmttq\b/g, "uy ban mat tran to quoc", "UBMTTQ = Ủy ban Mặt trận Tổ quốc"],
  [/\bkh&cn\b|\bkhcn\b/g, "khoa hoc va cong nghe", "KH&CN = Khoa học và Công nghệ"],
  [/\btp\b\.?/g, "thanh pho", "TP. = thành phố"],
  [/\btt\b\.?(?=\s)/g, "thi tran", "TT. = thị trấn"],
  [/\bcp\b/g, "chinh phu", "CP = Chính phủ"],
];

/** The issuer as compared: folded, abbreviations written out, punctuation and spacing ignored. */
export function normaliseIssuer(s: string): { key: string; applied: string[] } {
  let t = ` ${foldVietnamese(s.normalize("NFC"))} `;
  const applied: string[] = [];
  for (const [re, full, label] of ISSUER_ABBREVIATIONS) {
    const next = t.replace(re, full);
    if (next !== t) applied.push(label);
    t = next;
  }
  return { key: t.replace(/[^\p{L}\p{N}]+/gu, " ").trim(), applied };
}

/** The number and symbol as compared: leading zeros, case, spaces and diacritics ignored ("07/QD-UBND" = "7/QĐ-UBND"). */
export function normaliseNumberAndSymbol(text: string): string {
  const p = parseNumberAndSymbol(text);
  const raw = p ? `${p.number}/${p.symbol}` : text.replace(/\s+/g, "");
  return foldVietnamese(raw.normalize("NFC")).toUpperCase();
}

export function duplicateKey(x: IncomingIdentity): string {
  return `${normaliseNumberAndSymbol(x.numberAndSymbol)}|${normaliseIssuer(x.issuer).key}`;
}

/** What had to be normalised for two spellings to agree (empty when they are written alike). */
export function explainSameDocument(a: IncomingIdentity, b: IncomingIdentity): string[] {
  const out: string[] = [];
  const sa = a.numberAndSymbol.trim();
  const sb = b.numberAndSymbol.trim();
  if (sa !== sb) {
    const pa = parseNumberAndSymbol(sa);
    const pb = parseNumberAndSymbol(sb);
    const why: string[] = [];
    if (pa && pb) {
      const digits = (t: string) => /(\d+)\s*\//.exec(t)?.[1] ?? "";
      if (digits(sa) !== digits(sb)) why.push("số 0 ở đầu");
      if (pa.symbol !== pb.symbol) {
        if (pa.symbol.toUpperCase() === pb.symbol.toUpperCase()) why.push("chữ hoa, chữ thường");
        else why.push("viết có dấu và không dấu (Đ/D)");
      }
    }
    out.push(`Số, ký hiệu "${sa}" và "${sb}" là một${why.length ? ` (khác nhau ở: ${why.join(", ")})` : ""}`);
  }
  if (a.issuer.trim() !== b.issuer.trim()) {
    const labels = [...new Set([...normaliseIssuer(a.issuer).applied, ...normaliseIssuer(b.issuer).applied])];
    out.push(
      `Cơ quan ban hành "${a.issuer.trim()}" và "${b.issuer.trim()}" là một${labels.length ? ` (${labels.join("; ")})` : " (khác nhau ở chữ hoa, dấu hoặc dấu câu)"}`,
    );
  }
  return out;
}

export function findDuplicates<T extends IncomingIdentity>(candidate: IncomingIdentity, registered: Iterable<T>): DuplicateMatch<T>[] {
  const out: DuplicateMatch<T>[] = [];
  const key = candidate.numberAndSymbol.trim() ? duplicateKey(candidate) : null;
  for (const e of registered) {
    if (candidate.documentId && e.documentId && candidate.documentId === e.documentId) out.push({ entry: e, reason: "same-document-id", explanation: [] });
    else if (candidate.sha256 && e.sha256 && candidate.sha256 === e.sha256) out.push({ entry: e, reason: "same-file", explanation: [] });
    else if (key && e.numberAndSymbol.trim() && duplicateKey(e) === key)
      out.push({ entry: e, reason: "same-number-symbol-issuer", explanation: explainSameDocument(candidate, e) });
  }
  return out;
}

export const DUPLICATE_REASON_VI: Readonly<Record<DuplicateReason, string>> = {
  "same-document-id": "cùng mã định danh văn bản",
  "same-file": "cùng tệp (trùng SHA-256)",
  "same-number-symbol-issuer": "cùng số, ký hiệu và cơ quan ban hành",
};
