import { stamp } from "../clock/qlvb-clock.ts";
import type { AuditRepository } from "./audit.ts";
import { toUser, type StorageContext, type User } from "./context.ts";
import { pgRead } from "./open.ts";
import type { Database } from "./schema.ts";

const PG_FIND = "SELECT users.*, sessions.expires_at FROM sessions JOIN users ON users.id = sessions.user_id WHERE sessions.token_hash = $1";

/** Bearer sessions, stored by the SHA-256 of their token. */
export class SessionRepository {
  constructor(
    private readonly ctx: StorageContext,
    private readonly audit: AuditRepository,
  ) {}

  /** A sign-in: the session, and its entry in the audit chain of the account's office, in one transaction. */
  async create(tokenHash: string, userId: string, expiresAt: string): Promise<void> {
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("sessions")
        .values({ token_hash: tokenHash, user_id: userId, created_at: stamp(this.ctx.clock), expires_at: expiresAt })
        .execute();
      const u = await trx.selectFrom("users").select(["office_id", "full_name", "username"]).where("id", "=", userId).executeTakeFirstOrThrow();
      await this.audit.append(trx, u.office_id, {
        action: "sign-in",
        actor: { id: userId, name: u.full_name },
        summary: `${u.full_name} (${u.username}) đăng nhập.`,
        subject: { kind: "account", id: userId, label: u.username },
      });
    });
  }

  async find(tokenHash: string): Promise<{ user: User; expiresAt: string; mustChangePassword: boolean } | undefined> {
    // One query (session and user together, the must-change flag included): it runs on every request
    // whose session is not cached. On PostgreSQL on a pipelined readers' connection, beside the pulls.
    const read = pgRead(this.ctx.db);
    const r = read
      ? ((await read(PG_FIND, [tokenHash])).rows[0] as (Database["users"] & { expires_at: string }) | undefined)
      : await this.ctx.db
          .selectFrom("sessions")
          .innerJoin("users", "users.id", "sessions.user_id")
          .selectAll("users")
          .select("sessions.expires_at")
          .where("sessions.token_hash", "=", tokenHash)
          .executeTakeFirst();
    if (!r) return undefined;
    if (Date.parse(r.expires_at) <= this.ctx.clock.now().getTime()) {
      await this.delete(tokenHash);
      return undefined;
    }
    const user = toUser(r);
    // users.* includes the column of migration 0100 (typed in security/schema.ts, which this folder does not import).
    const mustChange = Number((r as { must_change_password?: number }).must_change_password ?? 0) === 1;
    return user.disabled ? undefined : { user, expiresAt: r.expires_at, mustChangePassword: mustChange };
  }

  async delete(tokenHash: string): Promise<void> {
    await this.ctx.db.deleteFrom("sessions").where("token_hash", "=", tokenHash).execute();
  }
}
