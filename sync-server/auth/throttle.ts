import { sql } from "kysely";
import { securityDb } from "../security/schema.ts";
import type { SyncStorage } from "../storage/storage.ts";

/**
 * Sign-in throttling, per username and per client address, with delays that grow with each
 * failure in a row (never a lockout: once the delay has passed, the right password signs in).
 * The counters are rows of `login_attempts`, so a restart does not reset them, and every
 * server process behind a load balancer sees the same ones.
 *
 * Per username it slows guessing one account; per address it slows spraying a few common
 * passwords over many usernames, which the per-username counter alone never sees.
 */
export interface ThrottlePolicy {
  /** Failures allowed in a row without any wait. */
  free: number;
  /** The first wait; each further failure doubles it. */
  baseMs: number;
  maxMs: number;
  /** A key with no failure for this long starts again from zero. */
  forgetMs: number;
}

export const USERNAME_POLICY: ThrottlePolicy = { free: 3, baseMs: 2_000, maxMs: 15 * 60_000, forgetMs: 60 * 60_000 };
/** An office behind one NAT address shares it: more room before the first wait. */
export const ADDRESS_POLICY: ThrottlePolicy = { free: 10, baseMs: 1_000, maxMs: 15 * 60_000, forgetMs: 60 * 60_000 };

export const delayAfter = (failures: number, p: ThrottlePolicy) => (failures < p.free ? 0 : Math.min(p.maxMs, p.baseMs * 2 ** (failures - p.free)));

export class LoginThrottle {
  constructor(
    private readonly storage: SyncStorage,
    private readonly policies: { username: ThrottlePolicy; address: ThrottlePolicy } = { username: USERNAME_POLICY, address: ADDRESS_POLICY },
    /** The server's clock (the QLVB clock by default), so the delays follow the time the server keeps. */
    private readonly now: () => number = () => storage.clock.now().getTime(),
  ) {}

  static keys(username: string, address: string) {
    return { username: `user:${username.normalize("NFC").toLowerCase()}`, address: `addr:${address}` };
  }

  /** Milliseconds to wait before this username may be tried from this address; 0 = go ahead. */
  async waitMs(username: string, address: string): Promise<number> {
    const k = LoginThrottle.keys(username, address);
    const rows = await securityDb(this.storage).selectFrom("login_attempts").selectAll().where("key", "in", [k.username, k.address]).execute();
    const now = this.now();
    let wait = 0;
    for (const r of rows) {
      const policy = r.key === k.username ? this.policies.username : this.policies.address;
      if (now - Number(r.last_failure_ms) > policy.forgetMs) continue;
      wait = Math.max(wait, Number(r.next_allowed_ms) - now);
    }
    return Math.max(0, wait);
  }

  async failed(username: string, address: string): Promise<void> {
    const k = LoginThrottle.keys(username, address);
    await this.bump(k.username, this.policies.username);
    await this.bump(k.address, this.policies.address);
  }

  /** The right password: that username starts again from zero. The address keeps its count (a valid account must not wash a spraying address clean). */
  async succeeded(username: string, address: string): Promise<void> {
    await securityDb(this.storage).deleteFrom("login_attempts").where("key", "=", LoginThrottle.keys(username, address).username).execute();
  }

  /** Counts one failure in a single statement (insert or increment), so concurrent failures are all counted. */
  private async bump(key: string, policy: ThrottlePolicy): Promise<void> {
    const db = securityDb(this.storage);
    const now = this.now();
    // Forget an old streak first.
    await db
      .deleteFrom("login_attempts")
      .where("key", "=", key)
      .where("last_failure_ms", "<", now - policy.forgetMs)
      .execute();
    const row = await db
      .insertInto("login_attempts")
      .values({ key, failures: 1, next_allowed_ms: now + delayAfter(1, policy), last_failure_ms: now })
      .onConflict((oc) => oc.column("key").doUpdateSet({ failures: sql`login_attempts.failures + 1`, last_failure_ms: now }))
      .returning("failures")
      .executeTakeFirstOrThrow();
    await db
      .updateTable("login_attempts")
      .set({ next_allowed_ms: now + delayAfter(Number(row.failures), policy) })
      .where("key", "=", key)
      .execute();
  }
}
