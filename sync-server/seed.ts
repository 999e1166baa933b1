import { ROLE_LABELS_VI } from "../shared/sync/rules.ts";
import type { Role } from "../shared/sync/schemas.ts";
import { hashPassword } from "./auth/password.ts";
import type { SyncStorage } from "./storage/storage.ts";

/** Shown beside everything the demo seed makes. */
export const DEMO_LABEL = "CHỈ DÙNG THỬ — không có giá trị pháp lý";
export const DEMO_PASSWORD = "thu-nghiem-2026";

export interface DemoAccount {
  username: string;
  password: string;
  fullName: string;
  roles: Role[];
  /** The roles as people read them (Văn thư, Lãnh đạo…). */
  rolesVi: string[];
  office: string;
  officeId: string;
}

/**
 * The demo offices, with the names of Hải Phòng's units (../shared/data/hai-phong-114.csv:
 * phường Hồng Bàng, xã An Hưng) written in full, as their organisation certificates name them
 * (the agent's demo token holds "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG": agent/demo/index.ts).
 * Ids are stable: tests and the end-to-end story address them.
 */
export const DEMO_OFFICES = {
  hongBang: { id: "demo-hong-bang", name: "Ủy ban nhân dân phường Hồng Bàng", kind: "commune", organId: "DEMO.00.31.H26" },
  anHung: { id: "demo-an-hung", name: "Ủy ban nhân dân xã An Hưng", kind: "commune", organId: "DEMO.00.32.H26" },
  soKhcn: { id: "demo-so-khcn", name: "Sở Khoa học và Công nghệ thành phố Hải Phòng", kind: "science_department", organId: "DEMO.00.01.H26" },
  district: { id: "demo-it", name: "Tổ công nghệ thông tin khu vực Hồng Bàng", kind: "district", organId: "DEMO.00.90.H26" },
} as const;

type OfficeKey = keyof typeof DEMO_OFFICES;

/**
 * The people of the demo. The leader of phường Hồng Bàng is the holder of the agent's demo
 * personal certificate (DEMO_LEADER_NAME there), so that what he signs matches his account.
 */
const DEMO_PEOPLE: { username: string; fullName: string; roles: Role[]; office: OfficeKey; manages?: OfficeKey[] }[] = [
  { username: "vanthu.hongbang", fullName: "Trần Thị Bình", roles: ["clerk"], office: "hongBang" },
  { username: "lanhdao.hongbang", fullName: "Nguyễn Văn Thử", roles: ["leader"], office: "hongBang" },
  { username: "cks.hongbang", fullName: "Lê Văn Cường", roles: ["signature_officer"], office: "hongBang" },
  { username: "vanthu.anhung", fullName: "Phạm Thị Hoa", roles: ["clerk"], office: "anHung" },
  { username: "lanhdao.anhung", fullName: "Đỗ Văn Nam", roles: ["leader"], office: "anHung" },
  { username: "vanthu.sokhcn", fullName: "Vũ Thị Lan", roles: ["clerk", "signature_officer"], office: "soKhcn" },
  { username: "it.khuvuc", fullName: "Hoàng Văn Minh", roles: ["district_it"], office: "district", manages: ["hongBang", "anHung"] },
  { username: "thanhtra.khuvuc", fullName: "Ngô Thị Thanh", roles: ["inspector"], office: "district", manages: ["hongBang", "anHung"] },
];

/**
 * For `npm start` on an empty database: the demo offices and one account per role, all marked
 * as demo. Never runs on a database that has any office.
 */
export async function seedDemo(storage: SyncStorage): Promise<DemoAccount[] | undefined> {
  if (!(await storage.offices.isEmpty())) return undefined;
  for (const o of Object.values(DEMO_OFFICES)) await storage.offices.create({ ...o, isDemo: true });
  const hash = await hashPassword(DEMO_PASSWORD);
  const out: DemoAccount[] = [];
  for (const p of DEMO_PEOPLE) {
    const office = DEMO_OFFICES[p.office];
    await storage.users.create({
      officeId: office.id,
      username: p.username,
      fullName: p.fullName,
      passwordHash: hash,
      roles: p.roles,
      managedOfficeIds: p.manages?.map((k) => DEMO_OFFICES[k].id),
    });
    out.push({
      username: p.username,
      password: DEMO_PASSWORD,
      fullName: p.fullName,
      roles: p.roles,
      rolesVi: p.roles.map((r) => ROLE_LABELS_VI[r]),
      office: office.name,
      officeId: office.id,
    });
  }
  return out;
}
