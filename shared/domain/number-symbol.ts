import { VanthuError } from "../errors.ts";
import { DOCUMENT_TYPES, documentTypeByCode } from "./document-types.ts";

/**
 * Số và ký hiệu (number and symbol), Nghị định 30/2020 Phụ lục I:
 * `15/QĐ-BNV`, `05/BNV-VP`, `12/UBND-VX`. Numbers below 10 take a leading 0;
 * `/` between number and symbol, `-` between symbol groups, no spaces.
 */
export interface NumberAndSymbolParts {
  number: number;
  /** Document type code (see DOCUMENT_TYPES). */
  typeCode: string;
  /** Abbreviation of the issuing body, e.g. "UBND". */
  issuerSymbol: string;
  /**
   * For công văn (no type abbreviation): the drafting unit or field, e.g. "VP", "VX".
   * Optional for other types (e.g. `15/QĐ-UBND`).
   */
  unitSymbol?: string;
}

const SYMBOL_GROUP = /^[\p{L}\p{N}.]+$/u;

export function formatDocumentNumber(n: number): string {
  if (!Number.isInteger(n) || n < 1) {
    throw new VanthuError("domain.bad-number", `Số văn bản không hợp lệ: ${n}.`, `Invalid document number: ${n}`);
  }
  return n < 10 ? `0${n}` : String(n);
}

function checkGroup(label: string, v: string): string {
  const s = v.trim();
  if (!s || !SYMBOL_GROUP.test(s)) {
    throw new VanthuError("domain.bad-symbol", `Ký hiệu ${label} không hợp lệ: "${v}" (chỉ chữ, số, không dấu cách).`, `Invalid ${label} symbol: "${v}"`);
  }
  return s;
}

export function formatNumberAndSymbol(p: NumberAndSymbolParts): string {
  const type = documentTypeByCode(p.typeCode);
  if (!type) {
    throw new VanthuError("domain.unknown-type", `Loại văn bản không có trong Nghị định 30/2020: ${p.typeCode}.`, `Unknown document type: ${p.typeCode}`);
  }
  const groups: string[] = [];
  if (type.abbreviation) groups.push(type.abbreviation);
  groups.push(checkGroup("cơ quan", p.issuerSymbol));
  if (p.unitSymbol) groups.push(checkGroup("đơn vị", p.unitSymbol));
  else if (!type.abbreviation) {
    throw new VanthuError(
      "domain.missing-unit",
      "Công văn cần ký hiệu của đơn vị soạn thảo hoặc lĩnh vực (ví dụ: UBND-VP).",
      "A công văn needs the drafting unit's symbol",
    );
  }
  return `${formatDocumentNumber(p.number)}/${groups.join("-")}`;
}

export interface ParsedNumberAndSymbol {
  number: number;
  symbol: string;
  groups: string[];
}

/** Reads "Số: 15/QĐ-BNV" or "15/QĐ-BNV"; tolerant of spaces people type. Returns null when it is not one. */
export function parseNumberAndSymbol(text: string): ParsedNumberAndSymbol | null {
  const m = /^\s*(?:số\s*:?\s*)?(\d{1,6})\s*\/\s*([\p{L}\p{N}.]+(?:\s*-\s*[\p{L}\p{N}.]+)*)\s*$/iu.exec(text.normalize("NFC"));
  if (!m) return null;
  const groups = m[2]!.split("-").map((g) => g.trim());
  return { number: Number(m[1]), symbol: groups.join("-"), groups };
}

/** The comparable key of a number and symbol: leading zeros and case do not make two documents different. */
export function numberAndSymbolKey(text: string): string {
  const p = parseNumberAndSymbol(text);
  if (!p) return text.normalize("NFC").replace(/\s+/g, "").toUpperCase();
  return `${p.number}/${p.symbol.toUpperCase()}`;
}

/**
 * The type a number and symbol names: `15/QĐ-UBND` is a Quyết định; a symbol that starts with
 * the body's abbreviation (`12/UBND-VP`) is a công văn. Undefined when it cannot be read.
 */
export function typeCodeFromNumberAndSymbol(text: string): string | undefined {
  const p = parseNumberAndSymbol(text);
  if (!p) return undefined;
  const first = p.groups[0]!;
  const t = DOCUMENT_TYPES.find((x) => x.abbreviation !== null && x.abbreviation.toUpperCase() === first.toUpperCase());
  return t ? t.code : "CV";
}
