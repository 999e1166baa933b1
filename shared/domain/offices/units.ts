import { foldVietnamese, matchesQuery, searchTokens } from "../search-text.ts";
import { HAI_PHONG_UNITS } from "./hai-phong-114.ts";

/** A commune-level administrative unit (đơn vị hành chính cấp xã) as the resolution names it. */
export interface CommuneUnit {
  /** The clause (khoản) of Điều 1 of Nghị quyết 1669/NQ-UBTVQH15 that creates it (1–114). */
  clause: number;
  kind: "phường" | "xã" | "đặc khu";
  /** The name without the kind word, as the resolution writes it: "Hồng Bàng". */
  name: string;
}

/** The kinds of office the city setup creates (the sync server's OfficeKind values). */
export type CityOfficeKind = "commune" | "science_department" | "district";

/** One office of the city as the setup creates it. */
export interface CityOffice {
  /**
   * Stable id, the same on every run: "hp-008-phuong-hong-bang". The clause is part of it since
   * two names differ only by a tone mark (xã Cẩm Giàng, khoản 82; xã Cẩm Giang, khoản 83).
   */
  id: string;
  /** "UBND phường Hồng Bàng", "UBND đặc khu Cát Hải". */
  name: string;
  /** "Ủy ban nhân dân phường Hồng Bàng": for the header of documents. */
  fullName: string;
  kind: CityOfficeKind;
  /**
   * The edXML OrganId. The official mã định danh of the new units (Quyết định 20/2020/QĐ-TTg)
   * was not found in a public source, so a local code "HP.1669.<khoản>" is used until district
   * IT enters the official one; the setup never overwrites a code once stored.
   */
  organId: string;
  unit?: CommuneUnit;
}

const slug = (s: string) =>
  foldVietnamese(s)
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

export function communeOffice(u: CommuneUnit): CityOffice {
  return {
    id: `hp-${String(u.clause).padStart(3, "0")}-${slug(u.kind)}-${slug(u.name)}`,
    name: `UBND ${u.kind} ${u.name}`,
    fullName: `Ủy ban nhân dân ${u.kind} ${u.name}`,
    kind: "commune",
    organId: `HP.1669.${String(u.clause).padStart(3, "0")}`,
    unit: u,
  };
}

export const SCIENCE_DEPARTMENT: CityOffice = {
  id: "hp-so-khcn",
  name: "Sở Khoa học và Công nghệ thành phố Hải Phòng",
  fullName: "Sở Khoa học và Công nghệ thành phố Hải Phòng",
  kind: "science_department",
  organId: "HP.SO.KHCN",
};

export const CITY_IT_UNIT: CityOffice = {
  id: "hp-cntt",
  name: "Bộ phận công nghệ thông tin (quản trị hệ thống văn thư số)",
  fullName: "Bộ phận công nghệ thông tin quản trị hệ thống văn thư số thành phố Hải Phòng",
  kind: "district",
  organId: "HP.CNTT",
};

/** The 116 offices of the city: the 114 units of Nghị quyết 1669, the Sở KH&CN and the IT unit. */
export function cityOffices(units: readonly CommuneUnit[] = HAI_PHONG_UNITS): CityOffice[] {
  const out = units.map(communeOffice);
  const ids = new Set(out.map((o) => o.id));
  if (ids.size !== out.length) throw new Error("Two units of the list give the same office id");
  return [...out, SCIENCE_DEPARTMENT, CITY_IT_UNIT];
}

/**
 * Offices whose name matches what the clerk types, with or without diacritics: "hong bang",
 * "cat hai", "ubnd xa an hung". "UBND" and "Ủy ban nhân dân" are the same word to the search.
 */
export function findOffices<T extends { name: string }>(offices: readonly T[], query: string): T[] {
  const q = expandAbbreviations(query);
  if (!q.trim()) return [...offices];
  const found = offices.filter((o) => matchesQuery(searchTokens(expandAbbreviations(o.name)), q));
  // Typed with its tone marks ("Cẩm Giàng"), the exact spelling comes before its look-alike ("Cẩm Giang").
  const exact = (o: T) => o.name.normalize("NFC").toLocaleLowerCase("vi").includes(query.normalize("NFC").trim().toLocaleLowerCase("vi"));
  return [...found.filter(exact), ...found.filter((o) => !exact(o))];
}

function expandAbbreviations(s: string): string {
  return foldVietnamese(s)
    .replace(/\bubnd\b/g, "uy ban nhan dan")
    .replace(/\btp\b\.?/g, "thanh pho");
}
