import { Hono } from "hono";
import { z } from "zod";
import { OfficeId, OfficeKind, Role } from "../../shared/sync/schemas.ts";
import { forgetSessionsOf, type AuthVariables } from "../auth/index.ts";
import { hashPassword } from "../auth/password.ts";
import { requireAcceptablePassword } from "../auth/password-policy.ts";
import { SyncError, forbidden, notFound } from "../errors.ts";
import { readJson } from "../http/errors.ts";
import type { SyncStorage, User } from "../storage/storage.ts";
import { UserRepository } from "../users/repository.ts";
import { backupStatus, type BackupSchedule } from "../backup/schedule.ts";

export const NewOffice = z.object({
  id: OfficeId.optional(),
  name: z.string().trim().min(1).max(200),
  kind: OfficeKind,
  /** Mã định danh of the office (edXML OrganId). */
  organId: z.string().trim().min(1).max(50),
});

export const Username = z.string().regex(/^[a-z0-9._-]{3,50}$/, "lower-case letters, digits, . _ -");

export const NewUser = z.object({
  officeId: OfficeId,
  username: Username,
  fullName: z.string().trim().min(1).max(100),
  /** Checked by the password policy (auth/password-policy.ts), which says why in Vietnamese. */
  password: z.string().min(1).max(1000),
  roles: z.array(Role).min(1).max(5),
  managedOfficeIds: z.array(OfficeId).max(500).optional(),
});

export const PasswordReset = z.object({ password: z.string().min(1).max(1000) });

const PRIVILEGED: Role[] = ["admin", "district_it"];

/**
 * Offices and users. The administrator creates offices and any user; district IT manages
 * (creates, disables, enables, resets the password of) users only in the offices it manages,
 * and never administrators or other district IT. A password set here is a first or reset
 * password: its owner must change it at the next sign-in.
 */
export function adminRoutes(storage: SyncStorage, options: { backups?: BackupSchedule } = {}) {
  const app = new Hono<{ Variables: AuthVariables }>();
  const users = new UserRepository(storage);

  /** The offices whose users `me` may manage; undefined = all (administrator). */
  async function manageable(me: User): Promise<string[] | undefined> {
    if (me.roles.includes("admin")) return undefined;
    if (!me.roles.includes("district_it"))
      throw forbidden("Chỉ cán bộ CNTT khu vực hoặc quản trị hệ thống mới quản lý được tài khoản.", "Only district IT or an administrator may manage users");
    return (await storage.officesOf(me)).map((o) => o.id).filter((id) => id !== me.officeId);
  }

  /** The user `id`, if `me` may manage them. */
  async function target(me: User, id: string): Promise<User> {
    const offices = await manageable(me);
    const user = await storage.getUser(id);
    if (!user || (offices && !offices.includes(user.officeId))) throw notFound(`User ${id}`, "tài khoản này");
    if (offices && user.roles.some((r) => PRIVILEGED.includes(r)))
      throw forbidden("Bạn không quản lý được tài khoản quản trị hay CNTT khu vực.", "District IT may not manage administrator or district IT accounts");
    if (user.id === me.id)
      throw forbidden(
        "Không tự khóa hay đặt lại mật khẩu của chính mình ở đây; hãy đổi mật khẩu trong Cài đặt.",
        "Use the password change for your own account",
      );
    return user;
  }

  app.post("/offices", async (c) => {
    if (!c.get("user").roles.includes("admin")) throw forbidden("Chỉ quản trị hệ thống mới được tạo cơ quan.", "Only an administrator may create offices");
    const body = await readJson(c, NewOffice);
    if ((await storage.listOffices()).some((o) => o.organId === body.organId || o.id === body.id)) {
      throw new SyncError(409, "office_exists", `Đã có cơ quan với mã định danh ${body.organId}.`, `An office with organ id ${body.organId} exists`);
    }
    return c.json(await storage.createOffice(body), 201);
  });

  app.get("/users", async (c) => {
    const offices = await manageable(c.get("user"));
    return c.json({ users: await users.list(offices) });
  });

  app.post("/users", async (c) => {
    const me = c.get("user");
    const body = await readJson(c, NewUser);
    if (!(await storage.getOffice(body.officeId))) throw notFound(`Office ${body.officeId}`, "cơ quan này");
    const offices = await manageable(me);
    if (offices && (!offices.includes(body.officeId) || body.roles.some((r) => PRIVILEGED.includes(r)) || body.managedOfficeIds?.length)) {
      throw forbidden(
        "Bạn chỉ được tạo tài khoản văn thư, lãnh đạo, phụ trách chữ ký số cho các cơ quan mình quản lý.",
        "District IT may only create clerk, leader or signature officer accounts in offices it manages",
      );
    }
    if (await storage.findUserByUsername(body.username)) {
      throw new SyncError(409, "username_taken", `Tên đăng nhập ${body.username} đã có người dùng.`, `Username ${body.username} is taken`);
    }
    requireAcceptablePassword(body.password, [body.username, body.fullName]);
    const user = await storage.createUser({ ...body, passwordHash: await hashPassword(body.password) });
    await users.markMustChange(user.id);
    return c.json({ id: user.id, username: user.username, fullName: user.fullName, roles: user.roles, officeId: user.officeId, mustChangePassword: true }, 201);
  });

  app.post("/users/:id/disable", async (c) => {
    const user = await target(c.get("user"), c.req.param("id"));
    await users.setDisabled(user.id, true);
    forgetSessionsOf(storage, user.id);
    return c.json({ ok: true });
  });

  app.post("/users/:id/enable", async (c) => {
    const user = await target(c.get("user"), c.req.param("id"));
    await users.setDisabled(user.id, false);
    return c.json({ ok: true });
  });

  app.post("/users/:id/reset-password", async (c) => {
    const user = await target(c.get("user"), c.req.param("id"));
    const body = await readJson(c, PasswordReset);
    requireAcceptablePassword(body.password, [user.username, user.fullName]);
    await users.setPassword(user.id, await hashPassword(body.password), true);
    forgetSessionsOf(storage, user.id);
    return c.json({ ok: true, mustChangePassword: true });
  });

  /** When the last good backup was made (district IT and administrators). */
  app.get("/backups", async (c) => {
    await manageable(c.get("user"));
    return c.json(await backupStatus(storage, options.backups));
  });

  return app;
}
