import type { Kysely, Migration } from "kysely";

/**
 * Issue 13 (the server safe on an office network): password state on users, sign-in
 * throttling counters that survive a restart, and the scheduled backups' log. Names 0100–0199.
 */
export const securityMigrations: Record<string, Migration> = {
  "0100_user_password_state": {
    async up(db: Kysely<any>) {
      // A first or reset password must be changed at the next sign-in.
      await db.schema
        .alterTable("users")
        .addColumn("must_change_password", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable("users").addColumn("password_changed_at", "text").execute();
    },
  },
  "0101_login_attempts": {
    async up(db: Kysely<any>) {
      // One row per throttled key (`user:NAME`, `addr:IP`): failures in a row and when the next try is allowed (epoch ms).
      await db.schema
        .createTable("login_attempts")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("failures", "integer", (c) => c.notNull())
        .addColumn("next_allowed_ms", "bigint", (c) => c.notNull())
        .addColumn("last_failure_ms", "bigint", (c) => c.notNull())
        .execute();
    },
  },
  "0102_backup_runs": {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("backup_runs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("started_at", "text", (c) => c.notNull())
        .addColumn("finished_at", "text", (c) => c.notNull())
        .addColumn("directory", "text", (c) => c.notNull())
        .addColumn("ok", "integer", (c) => c.notNull())
        .addColumn("verified", "integer", (c) => c.notNull())
        .addColumn("detail", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("backup_runs_finished").on("backup_runs").columns(["finished_at"]).execute();
    },
  },
};
