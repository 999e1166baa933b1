import { createHash, randomBytes } from "node:crypto";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { getConnInfo } from "@hono/node-server/conninfo";
import { z } from "zod";
import { LoginRequest, type SessionInfo } from "../../shared/sync/schemas.ts";
import { toVietnamTime } from "../../shared/sync/time.ts";
import { SyncError } from "../errors.ts";
import { readJson } from "../http/errors.ts";
import type { Actor, SyncStorage, User } from "../storage/storage.ts";
import { UserRepository } from "../users/repository.ts";
import { dummyHash, hashPassword, verifyPassword } from "./password.ts";
import { requireAcceptablePassword } from "./password-policy.ts";
import { ADDRESS_POLICY, LoginThrottle, USERNAME_POLICY, type ThrottlePolicy } from "./throttle.ts";

export const SESSION_HOURS = 12;
/** Which of their offices a district IT user acts for; absent = their own office. */
export const OFFICE_HEADER = "x-vanthu-office";

export interface AuthVariables {
  user: User;
  actor: Actor;
  tokenHash: string;
}

export interface AuthOptions {
  /** Sign-in throttling policies (tests shorten the delays). */
  throttle?: { username: ThrottlePolicy; address: ThrottlePolicy };
  /**
   * Behind a reverse proxy every request comes from the proxy's address: then the client's is
   * the last entry of X-Forwarded-For (the one the proxy added). Only when the proxy is the
   * sole way in, or anyone could choose the address they are throttled under.
   */
  trustProxy?: boolean;
}

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

const unauthorised = () =>
  new SyncError(401, "unauthorized", "Bạn chưa đăng nhập hoặc phiên làm việc đã hết hạn.", "Missing, invalid or expired session token");
const passwordChangeRequired = () =>
  new SyncError(
    403,
    "password_change_required",
    "Bạn cần đổi mật khẩu (mật khẩu đầu tiên hoặc vừa được đặt lại) trước khi làm việc tiếp.",
    "The password must be changed before anything else",
  );

/**
 * Sessions checked in the last few seconds, so that a busy client does not cost a database
 * round trip per request. Logout, a password change and disabling a user clear it; another
 * server process sees those within SESSION_CACHE_MS.
 */
export const SESSION_CACHE_MS = 5_000;
interface CachedSession {
  user: User;
  expiresAt: number;
  checkedAt: number;
  mustChange: boolean;
  offices?: string[];
}
const sessionCaches = new WeakMap<SyncStorage, Map<string, CachedSession>>();
function cacheOf(storage: SyncStorage) {
  let m = sessionCaches.get(storage);
  if (!m) sessionCaches.set(storage, (m = new Map()));
  return m;
}

/** Forgets this process's cached sessions of a user (after a password change, reset or disabling). */
export function forgetSessionsOf(storage: SyncStorage, userId: string): void {
  const cache = cacheOf(storage);
  for (const [k, v] of cache) if (v.user.id === userId) cache.delete(k);
}

/**
 * Checks the bearer token and the office asked for; sets `user` and `actor`. A user whose
 * password must be changed gets nothing but the routes that change it (`allowPendingChange`).
 */
export function requireSession(storage: SyncStorage, options: { allowPendingChange?: boolean } = {}): MiddlewareHandler<{ Variables: AuthVariables }> {
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
      entry = { user: session.user, expiresAt: Date.parse(session.expiresAt), checkedAt: now, mustChange: session.mustChangePassword };
      if (cache.size > 50_000) cache.clear();
      cache.set(tokenHash, entry);
    }
    if (entry.mustChange && !options.allowPendingChange) throw passwordChangeRequired();
    const user = entry.user;
    const wanted = c.req.header(OFFICE_HEADER) ?? user.officeId;
    if (wanted !== user.officeId) {
      entry.offices ??= (await storage.officesOf(user)).map((o) => o.id);
      if (!entry.offices.includes(wanted)) {
        throw new SyncError(
          403,
          "office_forbidden",
          "Bạn không có quyền làm việc với dữ liệu của cơ quan này.",
          `User ${user.username} may not act for office ${wanted}`,
        );
      }
    }
    c.set("user", user);
    c.set("tokenHash", tokenHash);
    c.set("actor", { userId: user.id, roles: user.roles, officeId: wanted });
    await next();
  };
}

/** The address sign-in is throttled under. */
export function clientAddress(c: Context, trustProxy = false): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    // No socket: app.request() in tests, or an adapter other than Node's.
    return "unknown";
  }
}

const tooManyAttempts = (c: Context, waitMs: number) => {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  c.header("Retry-After", String(seconds));
  const shown = seconds >= 120 ? `${Math.ceil(seconds / 60)} phút` : `${seconds} giây`;
  return new SyncError(
    429,
    "too_many_attempts",
    `Đã đăng nhập sai nhiều lần; hãy chờ ${shown} rồi thử lại.`,
    `Too many failed sign-ins; retry in ${seconds} s`,
    { retryAfterSeconds: seconds },
  );
};

export const PasswordChange = z.object({ currentPassword: z.string().min(1).max(1000), newPassword: z.string().min(1).max(1000) });

export function authRoutes(storage: SyncStorage, options: AuthOptions = {}) {
  const app = new Hono<{ Variables: AuthVariables }>();
  const throttle = new LoginThrottle(storage, options.throttle ?? { username: USERNAME_POLICY, address: ADDRESS_POLICY });
  const users = new UserRepository(storage);
  /** Usernames being checked right now in this process: parallel guesses at one account wait their turn. */
  const inFlight = new Set<string>();

  app.post("/login", async (c) => {
    const body = await readJson(c, LoginRequest);
    const address = clientAddress(c, options.trustProxy);
    const key = LoginThrottle.keys(body.username, address).username;
    const wait = await throttle.waitMs(body.username, address);
    if (wait > 0) throw tooManyAttempts(c, wait);
    if (inFlight.has(key)) throw tooManyAttempts(c, 1000);
    inFlight.add(key);
    let user: User | undefined;
    try {
      user = await storage.findUserByUsername(body.username);
      const ok = await verifyPassword(body.password, user?.passwordHash ?? (await dummyHash()));
      if (!user || !ok || user.disabled) {
        await throttle.failed(body.username, address);
        throw new SyncError(401, "bad_credentials", "Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password");
      }
      await throttle.succeeded(body.username, address);
    } finally {
      inFlight.delete(key);
    }
    const token = randomBytes(32).toString("base64url");
    const expiresAt = toVietnamTime(new Date(storage.clock.now().getTime() + SESSION_HOURS * 3600_000));
    await storage.createSession(hashToken(token), user.id, expiresAt);
    return c.json({ ...(await sessionInfo(storage, user, token, expiresAt)), mustChangePassword: await users.mustChangePassword(user.id) });
  });

  app.get("/me", requireSession(storage, { allowPendingChange: true }), async (c) => {
    const user = c.get("user");
    const info = await sessionInfo(storage, user, "", "");
    return c.json({
      user: info.user,
      office: info.offices.find((o) => o.id === c.get("actor").officeId) ?? info.office,
      offices: info.offices,
      mustChangePassword: await users.mustChangePassword(user.id),
    });
  });

  /** A person changes her own password (Cài đặt, or at the first sign-in); her other sessions end. */
  app.post("/password", requireSession(storage, { allowPendingChange: true }), async (c) => {
    const body = await readJson(c, PasswordChange);
    const user = c.get("user");
    const address = clientAddress(c, options.trustProxy);
    // The current password is a guess like any other: throttled the same way.
    const wait = await throttle.waitMs(user.username, address);
    if (wait > 0) throw tooManyAttempts(c, wait);
    const fresh = await storage.getUser(user.id);
    if (!fresh || !(await verifyPassword(body.currentPassword, fresh.passwordHash))) {
      await throttle.failed(user.username, address);
      throw new SyncError(403, "wrong_current_password", "Mật khẩu hiện tại không đúng.", "Current password is wrong");
    }
    if (body.newPassword.normalize("NFC") === body.currentPassword.normalize("NFC")) {
      throw new SyncError(422, "same_password", "Mật khẩu mới phải khác mật khẩu hiện tại.", "The new password equals the current one");
    }
    const office = await storage.getOffice(user.officeId);
    requireAcceptablePassword(body.newPassword, [user.username, user.fullName, office?.name ?? ""]);
    await users.setPassword(user.id, await hashPassword(body.newPassword), false, c.get("tokenHash"));
    forgetSessionsOf(storage, user.id);
    return c.json({ ok: true });
  });

  app.post("/logout", requireSession(storage, { allowPendingChange: true }), async (c) => {
    await storage.deleteSession(c.get("tokenHash"));
    cacheOf(storage).delete(c.get("tokenHash"));
    // The browser drops its HTTP cache of this origin (documents fetched before blobs were
    // no-store). Not "storage": that would wipe the offline outbox and the service worker; the
    // PWA clears the signed-out person's cached documents itself (it must, offline too).
    c.header("Clear-Site-Data", '"cache"');
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
