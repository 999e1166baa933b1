import type { Role } from "../../shared/sync/schemas.ts";
import { toVietnamTime } from "../../shared/sync/time.ts";
import { securityDb } from "../security/schema.ts";
import type { SyncStorage, User } from "../storage/storage.ts";

/** A user as district IT and `vanthu user list` see them: never the password hash. */
export interface UserSummary {
  id: string;
  username: string;
  fullName: string;
  officeId: string;
  officeName: string;
  roles: Role[];
  disabled: boolean;
  mustChangePassword: boolean;
  passwordChangedAt: string | null;
}

/** User administration queries (issue 13): list, disable/enable, set a password, the must-change flag. */
export class UserRepository {
  constructor(private readonly storage: SyncStorage) {}

  private get db() {
    return securityDb(this.storage);
  }

  async list(officeIds?: string[]): Promise<UserSummary[]> {
    let q = this.db
      .selectFrom("users")
      .innerJoin("offices", "offices.id", "users.office_id")
      .select([
        "users.id",
        "users.username",
        "users.full_name",
        "users.office_id",
        "offices.name as office_name",
        "users.roles",
        "users.disabled",
        "users.must_change_password",
        "users.password_changed_at",
      ])
      .orderBy("offices.name")
      .orderBy("users.username");
    if (officeIds) {
      if (officeIds.length === 0) return [];
      q = q.where("users.office_id", "in", officeIds);
    }
    return (await q.execute()).map((r) => ({
      id: r.id,
      username: r.username,
      fullName: r.full_name,
      officeId: r.office_id,
      officeName: r.office_name,
      roles: JSON.parse(r.roles) as Role[],
      disabled: Number(r.disabled) === 1,
      mustChangePassword: Number(r.must_change_password) === 1,
      passwordChangedAt: r.password_changed_at,
    }));
  }

  async mustChangePassword(userId: string): Promise<boolean> {
    const r = await this.db.selectFrom("users").select("must_change_password").where("id", "=", userId).executeTakeFirst();
    return Number(r?.must_change_password ?? 0) === 1;
  }

  /**
   * Sets a password hash. `mustChange`: a first or reset password, chosen by someone else,
   * that its owner must replace at the next sign-in. Every session of the user ends, except
   * `keepSession` (the one changing her own password stays signed in).
   */
  async setPassword(userId: string, passwordHash: string, mustChange: boolean, keepSession?: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("users")
        .set({ password_hash: passwordHash, must_change_password: mustChange ? 1 : 0, password_changed_at: toVietnamTime(this.storage.clock.now()) })
        .where("id", "=", userId)
        .execute();
      let del = trx.deleteFrom("sessions").where("user_id", "=", userId);
      if (keepSession) del = del.where("token_hash", "!=", keepSession);
      await del.execute();
    });
  }

  /** Disabling ends every session of the user at once. */
  async setDisabled(userId: string, disabled: boolean): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("users")
        .set({ disabled: disabled ? 1 : 0 })
        .where("id", "=", userId)
        .execute();
      if (disabled) await trx.deleteFrom("sessions").where("user_id", "=", userId).execute();
    });
  }

  async markMustChange(userId: string): Promise<void> {
    await this.db.updateTable("users").set({ must_change_password: 1 }).where("id", "=", userId).execute();
  }

  async countActive(role?: Role): Promise<number> {
    const rows = await this.db.selectFrom("users").select(["roles"]).where("disabled", "=", 0).execute();
    return rows.filter((r) => !role || (JSON.parse(r.roles) as Role[]).includes(role)).length;
  }
}

export type { User };
