import { createHash, randomBytes } from "node:crypto";
import { Hono, type MiddlewareHandler } from "hono";
import { LoginRequest, type SessionInfo } from "../../shared/sync/schemas.ts";
import { toVietnamTime } from "../../shared/sync/time.ts";
import { SyncError } from "../errors.ts";
import { readJson } from "../http/errors.ts";
import type { Actor, SyncStorage, User } from "../storage/storage.ts";
import { dummyHash, hashPassword, verifyPassword } from "./password.ts";

export const SESSION_HOURS = 12;
/** Which of their offices a district IT user acts for; absent = their own office. */
export const OFFICE_HEADER = "x-vanthu-office";

export interface AuthVariables {
  user: User;
  actor: Actor;
  tokenHash: string;
}

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

const unauthorised = () => new SyncError(401, "unauthorized", "Bạn chưa đăng nhập hoặc phiên làm việc đã hết hạn.", "Missing, invalid or expired session token");

/**
 * Sessions checked in the last few seconds, so that a busy client does not cost a database
 * round trip per request. Logout and expiry clear it; another server process sees a logout
 * within SESSION_CACHE_MS.
 */
export const SESSION_CACHE_MS = 5_000;
const sessionCaches = new WeakMap<SyncStorage, Map<string, { user: User; expiresAt: number; checkedAt: number; offices?: string[] }>>();
function cacheOf(storage: SyncStorage) {
  let m = sessionCaches.get(storage);
  if (!m) sessionCaches.set(storage, (m = new Map()));
  return m;
}

/** Checks the bearer token and the office asked for; sets `user` and `actor`. */
export function requireSession(storage: SyncStorage): MiddlewareHandler<{ Variables: AuthVariables }> {
  const cache = cacheOf(storage);
  return async (c, next) => {
    const m = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(c.req.header("authorization") ?? "");
    if (!m) throw unauthorised();
    const tokenHash = hashToken(m[1]!);
    const now = Date.now();
    let entry = cache.get(tokenHash);
    if (!entry || now - entry.checkedAt > SESSION_CACHE_MS || entry.expiresAt <= storage.clock.now().getTime()) {
      cache.delete(tokenHash);
      const session = await storage.findSession(tokenHash);
      if (!session) throw unauthorised();
      entry = { user: session.user, expiresAt: Date.parse(session.expiresAt), checkedAt: now };
      if (cache.size > 50_000) cache.clear();
      cache.set(tokenHash, entry);
    }
    const user = entry.user;
    const wanted = c.req.header(OFFICE_HEADER) ?? user.officeId;
    if (wanted !== user.officeId) {
      entry.offices ??= (await storage.officesOf(user)).map((o) => o.id);
      if (!entry.offices.includes(wanted)) {
        throw new SyncError(403, "office_forbidden", "Bạn không có quyền làm việc với dữ liệu của cơ quan này.", `User ${user.username} may not act for office ${wanted}`);
      }
    }
    c.set("user", user);
    c.set("tokenHash", tokenHash);
    c.set("actor", { userId: user.id, roles: user.roles, officeId: wanted });
    await next();
  };
}

/** Password guessing: after this many failures for one username within the window, wait. */
export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MS = 10 * 60_000;

export function authRoutes(storage: SyncStorage) {
  const app = new Hono<{ Variables: AuthVariables }>();
  const failures = new Map<string, number[]>();

  app.post("/login", async (c) => {
    const body = await readJson(c, LoginRequest);
    const key = body.username.normalize("NFC").toLowerCase();
    const now = Date.now();
    const recent = (failures.get(key) ?? []).filter((t) => now - t < LOGIN_WINDOW_MS);
    if (recent.length >= LOGIN_MAX_FAILURES) {
      const wait = Math.ceil((LOGIN_WINDOW_MS - (now - recent[0]!)) / 60_000);
      c.header("Retry-After", String(wait * 60));
      throw new SyncError(429, "too_many_attempts", `Đã nhập sai mật khẩu nhiều lần; hãy thử lại sau ${wait} phút.`, `Too many failed logins for this username; retry in ${wait} min`);
    }
    const user = await storage.findUserByUsername(body.username);
    const ok = await verifyPassword(body.password, user?.passwordHash ?? (await dummyHash()));
    if (!user || !ok || user.disabled) {
      recent.push(now);
      if (failures.size > 100_000) failures.clear();
      failures.set(key, recent);
      throw new SyncError(401, "bad_credentials", "Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password");
    }
    failures.delete(key);
    const token = randomBytes(32).toString("base64url");
    const expiresAt = toVietnamTime(new Date(storage.clock.now().getTime() + SESSION_HOURS * 3600_000));
    await storage.createSession(hashToken(token), user.id, expiresAt);
    return c.json(await sessionInfo(storage, user, token, expiresAt));
  });

  app.get("/me", requireSession(storage), async (c) => {
    const user = c.get("user");
    const info = await sessionInfo(storage, user, "", "");
    return c.json({ user: info.user, office: info.offices.find((o) => o.id === c.get("actor").officeId) ?? info.office, offices: info.offices });
  });

  app.post("/logout", requireSession(storage), async (c) => {
    await storage.deleteSession(c.get("tokenHash"));
    cacheOf(storage).delete(c.get("tokenHash"));
    return c.json({ ok: true });
  });

  return app;
}

async function sessionInfo(storage: SyncStorage, user: User, token: string, expiresAt: string): Promise<SessionInfo> {
  const offices = await storage.officesOf(user);
  const office = offices.find((o) => o.id === user.officeId)!;
  return { token, expiresAt, user: { id: user.id, username: user.username, fullName: user.fullName, roles: user.roles }, office, offices };
}

export { hashPassword };
