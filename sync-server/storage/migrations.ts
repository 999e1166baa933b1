import type { Kysely, Migration, MigrationProvider } from "kysely";
import { securityMigrations } from "./migrations/0100-security.ts";
import { authorityMigration } from "./migrations/0200-authority.ts";
import { pushFunctionMigration } from "./migrations/0300-push-function.ts";

export type DialectName = "sqlite" | "postgres";

/**
 * One set of migrations for both databases. New versions are added, old ones never edited.
 * The only dialect difference is how the change feed's sequence is made.
 */
export function migrations(dialect: DialectName): Record<string, Migration> {
  return {
    "0001_initial": {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("offices")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("organ_id", "text", (c) => c.notNull().unique())
          .addColumn("is_demo", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("created_at", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("users")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("office_id", "text", (c) => c.notNull().references("offices.id"))
          .addColumn("username", "text", (c) => c.notNull().unique())
          .addColumn("full_name", "text", (c) => c.notNull())
          .addColumn("password_hash", "text", (c) => c.notNull())
          .addColumn("roles", "text", (c) => c.notNull())
          .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("created_at", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("managed_offices")
          .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
          .addColumn("office_id", "text", (c) => c.notNull().references("offices.id"))
          .addPrimaryKeyConstraint("managed_offices_pk", ["user_id", "office_id"])
          .execute();
        await db.schema
          .createTable("sessions")
          .addColumn("token_hash", "text", (c) => c.primaryKey())
          .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("expires_at", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("mutations")
          .addColumn("office_id", "text", (c) => c.notNull().references("offices.id"))
          .addColumn("mutation_id", "text", (c) => c.notNull())
          .addColumn("client_id", "text", (c) => c.notNull())
          .addColumn("user_id", "text", (c) => c.notNull())
          .addColumn("type", "text", (c) => c.notNull())
          .addColumn("result", "text", (c) => c.notNull())
          .addColumn("applied_at", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("mutations_pk", ["office_id", "mutation_id"])
          .execute();
        await db.schema
          .createTable("records")
          .addColumn("office_id", "text", (c) => c.notNull().references("offices.id"))
          .addColumn("entity", "text", (c) => c.notNull())
          .addColumn("record_id", "text", (c) => c.notNull())
          .addColumn("data", "text")
          .addColumn("version", "integer", (c) => c.notNull())
          .addColumn("deleted", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("updated_at", "text", (c) => c.notNull())
          .addColumn("provisional_at", "text")
          .addColumn("updated_by", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("records_pk", ["office_id", "entity", "record_id"])
          .execute();
        let changes = db.schema.createTable("changes");
        changes =
          dialect === "postgres"
            ? changes.addColumn("seq", "bigserial", (c) => c.primaryKey())
            : changes.addColumn("seq", "integer", (c) => c.primaryKey().autoIncrement());
        await changes
          .addColumn("txid", "bigint", (c) => c.notNull())
          .addColumn("office_id", "text", (c) => c.notNull().references("offices.id"))
          .addColumn("entity", "text", (c) => c.notNull())
          .addColumn("entity_id", "text", (c) => c.notNull())
          .addColumn("op", "text", (c) => c.notNull())
          .addColumn("data", "text")
          .addColumn("version", "integer")
          .addColumn("at", "text", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("changes_office_order").on("changes").columns(["office_id", "txid", "seq"]).execute();
        await db.schema
          .createTable("exchanges")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("sender_office_id", "text", (c) => c.references("offices.id"))
          .addColumn("sender_organ_id", "text", (c) => c.notNull())
          .addColumn("sender_name", "text", (c) => c.notNull())
          .addColumn("document_ref", "text", (c) => c.notNull())
          .addColumn("document_id", "text", (c) => c.notNull())
          .addColumn("header", "text", (c) => c.notNull())
          .addColumn("blobs", "text", (c) => c.notNull())
          .addColumn("sent_at", "text", (c) => c.notNull())
          .addColumn("provisional_sent_at", "text")
          .addColumn("via", "text", (c) => c.notNull())
          .addColumn("created_by", "text")
          .addColumn("clock_source", "text", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("exchanges_sender").on("exchanges").columns(["sender_office_id", "sent_at"]).execute();
        await db.schema
          .createTable("deliveries")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("exchange_id", "text", (c) => c.notNull().references("exchanges.id"))
          .addColumn("recipient_office_id", "text", (c) => c.notNull().references("offices.id"))
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("received_at", "text")
          .addColumn("arrival_number", "integer")
          .addColumn("arrival_year", "integer")
          .addColumn("refused_at", "text")
          .addColumn("refusal_reason", "text")
          .addColumn("decided_by", "text")
          .addColumn("provisional_decided_at", "text")
          .addColumn("note", "text")
          .addUniqueConstraint("deliveries_once", ["exchange_id", "recipient_office_id"])
          .execute();
        await db.schema.createIndex("deliveries_recipient").on("deliveries").columns(["recipient_office_id", "status"]).execute();
        await db.schema
          .createTable("counters")
          .addColumn("office_id", "text", (c) => c.notNull().references("offices.id"))
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("year", "integer", (c) => c.notNull())
          .addColumn("last", "integer", (c) => c.notNull())
          .addPrimaryKeyConstraint("counters_pk", ["office_id", "name", "year"])
          .execute();
        await db.schema
          .createTable("blobs")
          .addColumn("sha256", "text", (c) => c.primaryKey())
          .addColumn("size", "bigint", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("blob_refs")
          .addColumn("office_id", "text", (c) => c.notNull().references("offices.id"))
          .addColumn("sha256", "text", (c) => c.notNull().references("blobs.sha256"))
          .addColumn("created_at", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("blob_refs_pk", ["office_id", "sha256"])
          .execute();
        await db.schema
          .createTable("blob_uploads")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("office_id", "text", (c) => c.notNull().references("offices.id"))
          .addColumn("sha256", "text", (c) => c.notNull())
          .addColumn("size", "bigint", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .execute();
      },
    },
    "0002_sync_epoch": {
      // The change feed's ordering key is txid + txid_offset. A restore sets the offset so that
      // new changes sort after every restored one, whatever the new database's transaction ids.
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("sync_epoch")
          .addColumn("id", "integer", (c) => c.primaryKey())
          .addColumn("txid_offset", "bigint", (c) => c.notNull())
          .execute();
        await db.insertInto("sync_epoch").values({ id: 1, txid_offset: 0 }).execute();
      },
    },
    ...securityMigrations,
    "0200_authority": authorityMigration,
    "0300_push_function": pushFunctionMigration(dialect),
  };
}

export function migrationProvider(dialect: DialectName): MigrationProvider {
  return { getMigrations: async () => migrations(dialect) };
}
