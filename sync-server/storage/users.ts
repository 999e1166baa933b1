import { randomUUID } from "node:crypto";
import type { Office, Role } from "../../shared/sync/schemas.ts";
import { stamp } from "../clock/qlvb-clock.ts";
import { toOffice, toUser, type StorageContext, type User } from "./context.ts";

/** Accounts, their roles, and the offices a district IT user manages. */
export class UserRepository {
  constructor(private readonly ctx: StorageContext) {}

  async create(u: { officeId: string; username: string; fullName: string; passwordHash: string; roles: Role[]; managedOfficeIds?: string[] }): Promise<User> {
    const id = randomUUID();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("users")
        .values({
          id,
          office_id: u.officeId,
          username: u.username,
          full_name: u.fullName,
          password_hash: u.passwordHash,
          roles: JSON.stringify(u.roles),
          disabled: 0,
          created_at: stamp(this.ctx.clock),
        })
        .execute();
      for (const officeId of u.managedOfficeIds ?? []) await trx.insertInto("managed_offices").values({ user_id: id, office_id: officeId }).execute();
    });
    return { id, officeId: u.officeId, username: u.username, fullName: u.fullName, passwordHash: u.passwordHash, roles: u.roles, disabled: false };
  }

  async findByUsername(username: string): Promise<User | undefined> {
    const r = await this.ctx.db.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirst();
    return r ? toUser(r) : undefined;
  }

  async get(id: string): Promise<User | undefined> {
    const r = await this.ctx.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
    return r ? toUser(r) : undefined;
  }

  /** The offices a user may act for: their own, and those they manage (district IT). */
  async officesOf(user: User): Promise<Office[]> {
    const rows = await this.ctx.db
      .selectFrom("offices")
      .selectAll()
      .where((eb) => eb.or([eb("id", "=", user.officeId), eb("id", "in", eb.selectFrom("managed_offices").select("office_id").where("user_id", "=", user.id))]))
      .orderBy("name")
      .execute();
    return rows.map(toOffice);
  }
}
