import { DOCUMENT_TYPES, foldVietnamese, parseNumberAndSymbol, typeCodeFromNumberAndSymbol } from "../../../shared/domain/index.ts";

/**
 * The ND30 fields of an incoming document read from its first page's text (Nghị định 30/2020,
 * Phụ lục I layout): số và ký hiệu after "Số:", the date from "…, ngày 20 tháng 11 năm 2026",
 * the issuing body from the capitals at the top left, and the trích yếu (the "V/v" line of a
 * công văn, or the line under the type's title). Proposals for the clerk to check, never a
 * verdict: an image-only scan has no text and gets none.
 */
export interface ProposedFields {
  numberAndSymbol?: string;
  /** yyyy-mm-dd */
  documentDate?: string;
  issuer?: string;
  typeCode?: string;
  summary?: string;
}

const MOTTO = /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập\s*-\s*Tự do\s*-\s*Hạnh phúc/giu;
const TYPE_TITLES = new Map(DOCUMENT_TYPES.filter((t) => t.code !== "CV").map((t) => [t.name.toLocaleUpperCase("vi"), t.code]));

function isCapitals(line: string): boolean {
  const letters = line.replace(/[^\p{L}]/gu, "");
  return letters.length >= 3 && letters === letters.toLocaleUpperCase("vi");
}

/** `knownOffices`: the directory's names; an issuer printed in capitals is given its proper spelling when it matches one. */
export function proposeFields(text: string, knownOffices: readonly string[] = []): ProposedFields {
  const lines = text
    .split(/\n+/)
    .map((l) => l.replace(MOTTO, " ").replace(/\s+/g, " ").trim())
    .filter(Boolean);
  const out: ProposedFields = {};
  const num = /\bSố\s*[:.]?\s*(\d{1,4}(?:\/\d{4})?\/[\p{L}\p{N}.\-]+)/u.exec(text);
  if (num && parseNumberAndSymbol(num[1]!)) {
    out.numberAndSymbol = num[1]!;
    out.typeCode = typeCodeFromNumberAndSymbol(num[1]!);
  }
  const date = /ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})/iu.exec(text);
  if (date) {
    const [d, m, y] = [Number(date[1]), Number(date[2]), Number(date[3])];
    if (d >= 1 && d <= 31 && m >= 1 && m <= 12) out.documentDate = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  }
  // The issuing body: the last line in capitals before "Số:" (the first may be the parent body).
  const numberLine = lines.findIndex((l) => /^Số\s*[:.]/u.test(l));
  const head = lines.slice(0, numberLine > 0 ? numberLine : 3).filter(isCapitals);
  const issuer = head.at(-1);
  if (issuer) {
    const known = knownOffices.find((o) => foldVietnamese(o) === foldVietnamese(issuer));
    out.issuer = known ?? issuer;
  }
  const vv = lines.find((l) => /^V\/v\b/iu.test(l));
  if (vv) out.summary = vv.replace(/^V\/v\s*/iu, "Về việc ").trim();
  else {
    const t = lines.findIndex((l) => TYPE_TITLES.has(l.toLocaleUpperCase("vi")) && isCapitals(l));
    if (t >= 0) {
      out.typeCode ??= TYPE_TITLES.get(lines[t]!.toLocaleUpperCase("vi"));
      if (lines[t + 1] && !isCapitals(lines[t + 1]!)) out.summary = lines[t + 1];
    }
  }
  return out;
}
