/**
 * Sign-in throttling (issue 13): per client address and per username, growing delays instead
 * of a lockout, counters in the database. Attempts are made as an attacker would, through the
 * HTTP API. The delays follow the server's clock, which the test sets (the QLVB clock seam),
 * so the outcome does not depend on how fast a loaded machine runs.
 */
import { expect, it } from "vitest";
import { createSyncApp } from "../../sync-server/app.ts";
import { ADDRESS_POLICY, USERNAME_POLICY, delayAfter } from "../../sync-server/auth/throttle.ts";
import { SyncStorage } from "../../sync-server/storage/storage.ts";
import type { QlvbClock } from "../../sync-server/clock/qlvb-clock.ts";
import { describeBackends, officeWithUser, type Env } from "./harness.ts";

/** The server's clock, standing still unless the test moves it forward (instead of waiting). */
const start = Date.now();
let offsetMs = 0;
const clock: QlvbClock = { source: "server", now: () => new Date(start + offsetMs) };
const throttle = { username: USERNAME_POLICY, address: ADDRESS_POLICY };

async function attempt(env: Env, app: Env["app"], username: string, password: string, address: string) {
  const res = await app.request("/api/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": address },
    body: JSON.stringify({ username, password }),
  });
  const retry = Number(res.headers.get("retry-after") ?? "0");
  return { status: res.status, retry, body: (await res.json()) as { error?: { code: string; messageVi: string } } };
}

describeBackends(
  "sign-in throttling",
  (env) => {
    it("spraying three common passwords over 30 usernames from one address is slowed", async () => {
      const statuses: number[] = [];
      for (const password of ["12345678", "matkhau123", "password"]) {
        for (let i = 0; i < 30; i++) statuses.push((await attempt(env(), env().app, `nguoi.dung${i}`, password, "203.0.113.7")).status);
      }
      const checked = statuses.filter((s) => s === 401).length;
      const slowed = statuses.filter((s) => s === 429).length;
      // Only the address's free failures were ever checked against a password; the rest waited.
      expect(checked).toBe(ADDRESS_POLICY.free);
      expect(slowed).toBe(90 - ADDRESS_POLICY.free);
      const last = await attempt(env(), env().app, "nguoi.dung0", "12345678", "203.0.113.7");
      expect(last.status).toBe(429);
      expect(last.retry).toBeGreaterThan(0);
      expect(last.body.error!.messageVi).toMatch(/chờ .* rồi thử lại/);
      // Another address is not held back by this one.
      expect((await attempt(env(), env().app, "nguoi.dung0", "12345678", "198.51.100.9")).status).toBe(401);
    });

    it("after five wrong passwords the right one is delayed, not locked out, and the delay survives a restart", async () => {
      const u = await officeWithUser(env(), "UBND phường Hồng Bàng");
      const where = "192.0.2.44";
      for (let i = 0; i < 5; i++) {
        const r = await attempt(env(), env().app, u.username, `sai-${i}`, where);
        if (r.status === 429) {
          offsetMs += r.retry * 1000;
          i--;
        } else expect(r.status).toBe(401);
      }
      expect(delayAfter(5, USERNAME_POLICY)).toBeGreaterThan(0);
      const early = await attempt(env(), env().app, u.username, u.password, where);
      expect(early.status).toBe(429);
      // A restart: a new app over a newly opened database keeps the counter.
      const reopened = await SyncStorage.open(env().target, clock);
      try {
        const app2 = createSyncApp({ storage: reopened, blobs: env().blobs, auth: { throttle, trustProxy: true } });
        const afterRestart = await attempt(env(), app2, u.username, u.password, where);
        expect(afterRestart.status).toBe(429);
        // The person waits as the answer says (Retry-After), then the right password passes.
        offsetMs += afterRestart.retry * 1000;
        const ok = await attempt(env(), app2, u.username, u.password, where);
        expect(ok.status).toBe(200);
        // The streak is over: one more wrong password does not wait.
        expect((await attempt(env(), app2, u.username, "sai-nua", where)).status).toBe(401);
      } finally {
        await reopened.close();
      }
    });
  },
  { clock, app: { auth: { throttle, trustProxy: true } } },
);
