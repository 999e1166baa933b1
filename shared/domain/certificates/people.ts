/** People of the office as the certificate rules see them. */
export type OfficeDuty = "head" | "deputy" | "clerk" | "it" | "official";

export interface OfficePerson {
  id: string;
  name: string;
  title?: string;
  /** "head": người đứng đầu (Chủ tịch UBND); "it": bộ phận chuyên trách công nghệ thông tin / phụ trách chữ ký số. */
  duties: readonly OfficeDuty[];
}

export interface PersonRef {
  id: string;
  name: string;
  title?: string;
}

export function refOf(p: OfficePerson | PersonRef): PersonRef {
  return p.title ? { id: p.id, name: p.name, title: p.title } : { id: p.id, name: p.name };
}
