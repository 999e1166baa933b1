import { Hono } from "hono";
import { z } from "zod";
import { OfficeId, OfficeKind, Role } from "../../shared/sync/schemas.ts";
import type { AuthVariables } from "../auth/index.ts";
import { hashPassword } from "../auth/password.ts";
import { SyncError, forbidden, notFound } from "../errors.ts";
import { readJson } from "../http/errors.ts";
import type { SyncStorage } from "../storage/storage.ts";

export const NewOffice = z.object({
  id: OfficeId.optional(),
  name: z.string().trim().min(1).max(200),
  kind: OfficeKind,
  /** Mã định danh of the office (edXML OrganId). */
  organId: z.string().trim().min(1).max(50),
});

export const NewUser = z.object({
  officeId: OfficeId,
  username: z.string().regex(/^[a-z0-9._-]{3,50}$/, "lower-case letters, digits, . _ -"),
  fullName: z.string().trim().min(1).max(100),
  password: z.string().min(10).max(200),
  roles: z.array(Role).min(1).max(5),
  managedOfficeIds: z.array(OfficeId).max(500).optional(),
});

/**
 * Offices and users. The administrator creates offices and any user; district IT creates
 * users only in the offices it manages, and never administrators or other district IT.
 */
export function adminRoutes(storage: SyncStorage) {
  const app = new Hono<{ Variables: AuthVariables }>();

  app.post("/offices", async (c) => {
    if (!c.get("user").roles.includes("admin")) throw forbidden("Chỉ quản trị hệ thống mới được tạo cơ quan.", "Only an administrator may create offices");
    const body = await readJson(c, NewOffice);
    if ((await storage.listOffices()).some((o) => o.organId === body.organId || o.id === body.id)) {
      throw new SyncError(409, "office_exists", `Đã có cơ quan với mã định danh ${body.organId}.`, `An office with organ id ${body.organId} exists`);
    }
    return c.json(await storage.createOffice(body), 201);
  });

  app.post("/users", async (c) => {
    const me = c.get("user");
    const body = await readJson(c, NewUser);
    if (!(await storage.getOffice(body.officeId))) throw notFound(`Office ${body.officeId}`, "cơ quan này");
    if (!me.roles.includes("admin")) {
      const mine = (await storage.officesOf(me)).map((o) => o.id);
      const allowed = me.roles.includes("district_it") && body.officeId !== me.officeId && mine.includes(body.officeId);
      if (!allowed || body.roles.some((r) => r === "admin" || r === "district_it") || body.managedOfficeIds?.length) {
        throw forbidden("Bạn chỉ được tạo tài khoản văn thư, lãnh đạo, phụ trách chữ ký số cho các cơ quan mình quản lý.", "District IT may only create clerk, leader or signature officer accounts in offices it manages");
      }
    }
    if (await storage.findUserByUsername(body.username)) {
      throw new SyncError(409, "username_taken", `Tên đăng nhập ${body.username} đã có người dùng.`, `Username ${body.username} is taken`);
    }
    const user = await storage.createUser({ ...body, passwordHash: await hashPassword(body.password) });
    return c.json({ id: user.id, username: user.username, fullName: user.fullName, roles: user.roles, officeId: user.officeId }, 201);
  });

  return app;
}
