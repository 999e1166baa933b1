import type { Kysely, Migration } from "kysely";

/**
 * Issue 11, the server as the authority: the numbers of the office's registers (every number
 * taken is a row: reserved, assigned or cancelled) and the office's audit chain with its head.
 * Drafts are records (entity `draft.document`) and need no table of their own.
 */
export const authorityMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("register_numbers")
      .addColumn("office_id", "text", (c) => c.notNull().references("offices.id"))
      .addColumn("register_id", "text", (c) => c.notNull())
      .addColumn("year", "integer", (c) => c.notNull())
      .addColumn("number", "integer", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("draft_id", "text")
      .addColumn("number_and_symbol", "text")
      .addColumn("reserved_by", "text")
      .addColumn("reserved_for_client", "text")
      .addColumn("reserved_at", "text")
      .addColumn("assigned_at", "text")
      .addColumn("cancelled_at", "text")
      .addColumn("cancelled_by", "text")
      .addColumn("cancel_reason", "text")
      .addPrimaryKeyConstraint("register_numbers_pk", ["office_id", "register_id", "year", "number"])
      .execute();
    await db.schema.createIndex("register_numbers_draft").on("register_numbers").columns(["office_id", "draft_id"]).execute();
    await db.schema
      .createTable("audit_heads")
      .addColumn("office_id", "text", (c) => c.primaryKey().references("offices.id"))
      .addColumn("seq", "integer", (c) => c.notNull())
      .addColumn("hash", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("audit_entries")
      .addColumn("office_id", "text", (c) => c.notNull().references("offices.id"))
      .addColumn("seq", "integer", (c) => c.notNull())
      .addColumn("entry_id", "text", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("entry", "text", (c) => c.notNull())
      .addColumn("hash", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("audit_entries_pk", ["office_id", "seq"])
      .addUniqueConstraint("audit_entries_id", ["office_id", "entry_id"])
      .execute();
  },
};
