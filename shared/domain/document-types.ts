/**
 * Types of administrative documents and their abbreviations (tên loại văn bản và chữ viết tắt),
 * Nghị định 30/2020/NĐ-CP Điều 7 and Phụ lục III.
 */
export interface DocumentType {
  /** Stable code used in data; equal to the abbreviation, or a name for types without one. */
  readonly code: string;
  /** Tên loại văn bản, as written on the document. */
  readonly name: string;
  /** Chữ viết tắt used in the symbol; null for công văn and thư công, which have none. */
  readonly abbreviation: string | null;
}

export const DOCUMENT_TYPES: readonly DocumentType[] = [
  { code: "NQ", name: "Nghị quyết", abbreviation: "NQ" },
  { code: "QĐ", name: "Quyết định", abbreviation: "QĐ" },
  { code: "CT", name: "Chỉ thị", abbreviation: "CT" },
  { code: "QC", name: "Quy chế", abbreviation: "QC" },
  { code: "QyĐ", name: "Quy định", abbreviation: "QyĐ" },
  { code: "TC", name: "Thông cáo", abbreviation: "TC" },
  { code: "TB", name: "Thông báo", abbreviation: "TB" },
  { code: "HD", name: "Hướng dẫn", abbreviation: "HD" },
  { code: "CTr", name: "Chương trình", abbreviation: "CTr" },
  { code: "KH", name: "Kế hoạch", abbreviation: "KH" },
  { code: "PA", name: "Phương án", abbreviation: "PA" },
  { code: "ĐA", name: "Đề án", abbreviation: "ĐA" },
  { code: "DA", name: "Dự án", abbreviation: "DA" },
  { code: "BC", name: "Báo cáo", abbreviation: "BC" },
  { code: "BB", name: "Biên bản", abbreviation: "BB" },
  { code: "TTr", name: "Tờ trình", abbreviation: "TTr" },
  { code: "HĐ", name: "Hợp đồng", abbreviation: "HĐ" },
  { code: "CĐ", name: "Công điện", abbreviation: "CĐ" },
  { code: "BGN", name: "Bản ghi nhớ", abbreviation: "BGN" },
  { code: "BTT", name: "Bản thỏa thuận", abbreviation: "BTT" },
  { code: "GUQ", name: "Giấy ủy quyền", abbreviation: "GUQ" },
  { code: "GM", name: "Giấy mời", abbreviation: "GM" },
  { code: "GGT", name: "Giấy giới thiệu", abbreviation: "GGT" },
  { code: "GNP", name: "Giấy nghỉ phép", abbreviation: "GNP" },
  { code: "PG", name: "Phiếu gửi", abbreviation: "PG" },
  { code: "PC", name: "Phiếu chuyển", abbreviation: "PC" },
  { code: "PB", name: "Phiếu báo", abbreviation: "PB" },
  { code: "CV", name: "Công văn", abbreviation: null },
  { code: "THC", name: "Thư công", abbreviation: null },
];

/** Forms of electronic copy (hình thức bản sao), one yearly counter for all three (Điều 25-26). */
export type CopyForm = "SY" | "TrS" | "SL";
export const COPY_FORMS: Readonly<Record<CopyForm, string>> = {
  SY: "Bản sao y",
  TrS: "Bản trích sao",
  SL: "Bản sao lục",
};

const byCode = new Map(DOCUMENT_TYPES.map((t) => [t.code, t]));

export function documentTypeByCode(code: string): DocumentType | undefined {
  return byCode.get(code);
}

/** Types whose symbol is the body's and then the drafting unit's, not the type's abbreviation. */
export function hasNoTypeAbbreviation(code: string): boolean {
  return byCode.get(code)?.abbreviation === null;
}
