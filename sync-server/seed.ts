import type { Role } from "../shared/sync/schemas.ts";
import { hashPassword } from "./auth/password.ts";
import type { SyncStorage } from "./storage/storage.ts";

/** Shown beside everything the demo seed makes. */
export const DEMO_LABEL = "CHỈ DÙNG THỬ — không có giá trị pháp lý";
export const DEMO_PASSWORD = "thu-nghiem-2026";

export interface DemoAccount {
  username: string;
  password: string;
  roles: Role[];
  office: string;
}

/**
 * For `npm start` on an empty database: three demo offices (so that sending and receiving can
 * be tried) and their users, all marked as demo. Never runs on a database that has any office.
 */
export async function seedDemo(storage: SyncStorage): Promise<DemoAccount[] | undefined> {
  if (!(await storage.isEmpty())) return undefined;
  const hongBang = await storage.createOffice({ id: "demo-hong-bang", name: "UBND phường Hồng Bàng", kind: "commune", organId: "DEMO.00.31.H26", isDemo: true });
  const anHung = await storage.createOffice({ id: "demo-an-hung", name: "UBND xã An Hưng", kind: "commune", organId: "DEMO.00.32.H26", isDemo: true });
  const sokhcn = await storage.createOffice({ id: "demo-so-khcn", name: "Sở Khoa học và Công nghệ Hải Phòng", kind: "science_department", organId: "DEMO.00.01.H26", isDemo: true });
  const district = await storage.createOffice({ id: "demo-it", name: "Tổ công nghệ thông tin khu vực", kind: "district", organId: "DEMO.00.90.H26", isDemo: true });
  const hash = await hashPassword(DEMO_PASSWORD);
  const accounts: [string, string, Role[], string, string[]?][] = [
    ["vanthu.hongbang", "Văn thư phường Hồng Bàng (thử)", ["clerk"], hongBang.id],
    ["lanhdao.hongbang", "Chủ tịch UBND phường Hồng Bàng (thử)", ["leader"], hongBang.id],
    ["cks.hongbang", "Phụ trách chữ ký số phường Hồng Bàng (thử)", ["signature_officer"], hongBang.id],
    ["vanthu.anhung", "Văn thư xã An Hưng (thử)", ["clerk"], anHung.id],
    ["vanthu.sokhcn", "Văn thư Sở Khoa học và Công nghệ (thử)", ["clerk"], sokhcn.id],
    ["it.khuvuc", "Cán bộ CNTT khu vực (thử)", ["district_it"], district.id, [hongBang.id, anHung.id]],
  ];
  const out: DemoAccount[] = [];
  for (const [username, fullName, roles, officeId, managed] of accounts) {
    await storage.createUser({ officeId, username, fullName, passwordHash: hash, roles, managedOfficeIds: managed });
    out.push({ username, password: DEMO_PASSWORD, roles, office: (await storage.getOffice(officeId))!.name });
  }
  return out;
}
