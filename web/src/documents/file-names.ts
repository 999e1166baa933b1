import { foldVietnamese } from "../../../shared/domain/index.ts";

/** What a file of an outgoing document is, in its name: the draft, the official's signed revision, the issued one. */
export type FileStage = "du-thao" | "ky" | "phat-hanh";

/**
 * The name a downloaded file takes: the document's number and symbol and year, and what the
 * file is (`07/QĐ-UBND`, 2026, signed → `07-QD-UBND-2026-ky.pdf`). Without diacritics or
 * slashes, so it survives every file system and mail client.
 */
export function documentFileName(numberAndSymbol: string | undefined, year: number | undefined, stage: FileStage, fallback = "van-ban"): string {
  const base = numberAndSymbol?.trim() ? foldVietnamese(numberAndSymbol).toUpperCase().replace(/đ/gi, "D") : fallback;
  const slug = base.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return `${[slug || fallback, year, stage].filter((x) => x !== undefined && x !== "").join("-")}.pdf`;
}
