import { sql, type Transaction } from "kysely";
import { SyncError } from "../errors.ts";
import type { StorageContext } from "./context.ts";
import type { OfficeRepository } from "./offices.ts";
import { TABLES, type Database } from "./schema.ts";

/** Whole-database copies for `vanthu backup` / `vanthu restore`. */
export class SnapshotRepository {
  constructor(
    private readonly ctx: StorageContext,
    private readonly offices: OfficeRepository,
  ) {}

  /** Every table read in one snapshot (a repeatable-read transaction): a consistent copy while writers run. */
  async export(write: (table: string, rows: Record<string, unknown>[]) => Promise<void>): Promise<void> {
    const run = async (trx: Transaction<Database>) => {
      for (const t of TABLES) {
        const rows = await trx.selectFrom(t).selectAll().execute();
        await write(t, rows as Record<string, unknown>[]);
      }
    };
    if (this.ctx.dialect === "postgres") await this.ctx.db.transaction().setIsolationLevel("repeatable read").execute(run);
    else await this.ctx.db.transaction().execute(run);
  }

  /** Loads a snapshot into this (empty) database in one transaction. */
  async import(read: (table: string) => Promise<Record<string, unknown>[]>): Promise<void> {
    if (!(await this.offices.isEmpty())) {
      throw new SyncError(
        409,
        "database_not_empty",
        "Cơ sở dữ liệu đích đã có dữ liệu; không ghi đè.",
        "The target database is not empty; refusing to overwrite",
      );
    }
    await this.ctx.db.transaction().execute(async (trx) => {
      for (const t of TABLES) {
        const rows = await read(t);
        for (let i = 0; i < rows.length; i += 200)
          await trx
            .insertInto(t)
            .values(rows.slice(i, i + 200) as never)
            .execute();
      }
      if (this.ctx.dialect === "postgres")
        await sql`SELECT setval(pg_get_serial_sequence('changes', 'seq'), GREATEST((SELECT MAX(seq) FROM changes), 1))`.execute(trx);
      // New changes must sort after every restored one, so that clients keep their cursors:
      // this database's transaction ids may be far below the old one's (a new cluster), or the
      // restored ids may come from the other database kind.
      const max = await trx
        .selectFrom("changes")
        .select((eb) => eb.fn.max<number>("txid").as("m"))
        .executeTakeFirst();
      const maxTxid = max?.m === null || max?.m === undefined ? -1 : Number(max.m);
      let offset = 0;
      if (this.ctx.dialect === "postgres") {
        const cur = await sql<{ x: number }>`SELECT pg_current_xact_id()::text::bigint AS x`.execute(trx);
        offset = Math.max(0, maxTxid + 1 - Number(cur.rows[0]!.x));
      } else {
        offset = maxTxid + 1;
      }
      await trx.updateTable("sync_epoch").set({ txid_offset: offset }).where("id", "=", 1).execute();
    });
  }
}
