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

const LEVEL_BY_FOLDED: Record<string, Secrecy> = { mat: "Mật", "toi mat": "Tối mật", "tuyet mat": "Tuyệt mật" };
const RANK: Record<Secrecy, number> = { none: 0, Mật: 1, "Tối mật": 2, "Tuyệt mật": 3 };
/** What may stand beside the secrecy word in one stamp (Nghị định 30/2020, Phụ lục I: "Độ mật", "Độ khẩn"). */
const URGENCY_FOLDED = /^(?:khan|thuong khan|hoa toc(?: hen gio)?)$/;

function fold(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * A typed "MẤT" (lost) or "MẶT" folds like "MẬT": when a word carries diacritics, they must
 * be the ones of "mật"; a stamp typed without any diacritics ("TOI MAT") still counts.
 */
function isSecrecyWord(word: string): boolean {
  const w = word.normalize("NFC").toLocaleLowerCase("vi");
  return w === "mật" || w === "mat";
}

/** The level a stamp (one line or one column segment of text) carries, if it is one. */
function stampLevel(segment: string): Secrecy {
  const raw = segment
    .normalize("NFC")
    .trim()
    .replace(/^[\[(]+|[\])]+$/g, "")
    .trim();
  if (!raw) return "none";
  // "Độ mật: Mật" — the form's own wording.
  const labelled = /^(?:độ|do)\s+(?:mật|mat)\s*[:：]\s*(.+)$/iu.exec(raw);
  const body = labelled ? labelled[1]!.trim() : raw;
  // "TỐI MẬT - KHẨN", "MẬT, HỎA TỐC", "TUYỆT MẬT – THƯỢNG KHẨN"
  const parts = body.split(/\s*[-–—,;/|]\s*/u).filter(Boolean);
  let level: Secrecy = "none";
  for (const part of parts) {
    const words = part.split(/\s+/);
    const f = fold(part);
    const candidate = LEVEL_BY_FOLDED[f];
    if (candidate && isSecrecyWord(words[words.length - 1]!)) {
      if (RANK[candidate] > RANK[level]) level = candidate;
    } else if (!URGENCY_FOLDED.test(f)) {
      return "none"; // other words: a sentence that mentions "mật", not a stamp
    }
  }
  return level;
}

/**
 * The secrecy mark of a document (R9), from text extracted from its first page: "MẬT",
 * "TỐI MẬT", "TUYỆT MẬT" stamped alone, in any case, with or without diacritics, as "Độ mật:
 * Mật", or together with the urgency ("TỐI MẬT - KHẨN"). Text extraction may join columns on
 * one line, so runs of two or more spaces and tabs split a line into segments too.
 */
export function detectSecrecyMark(text: string): Secrecy {
  let level: Secrecy = "none";
  for (const line of text.normalize("NFC").split(/\r?\n/)) {
    for (const segment of line.split(/\t|\s{2,}/)) {
      const l = stampLevel(segment);
      if (RANK[l] > RANK[level]) level = l;
    }
  }
  return level;
}
