import { stamp } from "../clock/qlvb-clock.ts";
import { toUser, type StorageContext, type User } from "./context.ts";

/** Bearer sessions, stored by the SHA-256 of their token. */
export class SessionRepository {
  constructor(private readonly ctx: StorageContext) {}

  async create(tokenHash: string, userId: string, expiresAt: string): Promise<void> {
    await this.ctx.db.insertInto("sessions").values({ token_hash: tokenHash, user_id: userId, created_at: stamp(this.ctx.clock), expires_at: expiresAt }).execute();
  }

  async find(tokenHash: string): Promise<{ user: User; expiresAt: string } | undefined> {
    // One query (session and user together): it runs on every request.
    const r = await this.ctx.db
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
    return user.disabled ? undefined : { user, expiresAt: r.expires_at };
  }

  async delete(tokenHash: string): Promise<void> {
    await this.ctx.db.deleteFrom("sessions").where("token_hash", "=", tokenHash).execute();
  }
}
