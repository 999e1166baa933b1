import { sql, type Selectable } from "kysely";
import { PULL_REMAINING_CAP, type Change } from "../../shared/sync/schemas.ts";
import { SyncError } from "../errors.ts";
import type { StorageContext, Tx } from "./context.ts";
import type { ChangesTable } from "./schema.ts";

export interface PullPage {
  changes: Change[];
  cursor: string;
  hasMore: boolean;
  remaining?: number;
}

/**
 * The change feed each office pulls: rows written inside the transaction of the act they
 * report, ordered by (txid, seq).
 */
export class ChangeFeed {
  constructor(private readonly ctx: StorageContext) {}

  private txidExpression() {
    // The writing transaction's id (xid8 as a number) plus the epoch offset; SQLite serialises
    // writers, so the offset alone (constant) with seq is a safe order there.
    return this.ctx.dialect === "postgres"
      ? sql<number>`pg_current_xact_id()::text::bigint + (SELECT txid_offset FROM sync_epoch WHERE id = 1)`
      : sql<number>`(SELECT txid_offset FROM sync_epoch WHERE id = 1)`;
  }

  async emit(
    trx: Tx,
    officeId: string,
    entity: string,
    entityId: string,
    op: "put" | "delete",
    data: string | null,
    version: number | null,
    at: string,
  ): Promise<void> {
    await trx.insertInto("changes").values({ txid: this.txidExpression(), office_id: officeId, entity, entity_id: entityId, op, data, version, at }).execute();
  }

  /** Several changes in one statement, in the given order (their seq follows it on both databases). */
  async emitMany(
    trx: Tx,
    rows: { officeId: string; entity: string; entityId: string; op: "put" | "delete"; data: string | null; version: number | null; at: string }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const txid = this.txidExpression();
    await trx
      .insertInto("changes")
      .values(rows.map((r) => ({ txid, office_id: r.officeId, entity: r.entity, entity_id: r.entityId, op: r.op, data: r.data, version: r.version, at: r.at })))
      .execute();
  }

  /**
   * Changes for one office after the cursor, in pages. The cursor is `txid.seq`; on PostgreSQL
   * only changes of transactions older than the oldest one still running are returned, so a
   * transaction that commits late can never land behind a cursor already handed out.
   */
  async pull(officeId: string, cursor: string, limit: number): Promise<PullPage> {
    const [ctx, cseq] = parseCursor(cursor);
    // SQLite: two index range scans, (office, txid = t, seq > s) then (office, txid > t): an OR of
    // the two would make it walk the office's whole feed.
    const base = () => {
      let q = this.ctx.db.selectFrom("changes").selectAll().where("office_id", "=", officeId);
      if (this.ctx.dialect === "postgres")
        q = q.where(sql<boolean>`txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint + (SELECT txid_offset FROM sync_epoch WHERE id = 1)`);
      return q;
    };
    if (this.ctx.dialect === "postgres") {
      // One round trip: PostgreSQL scans the (office, txid, seq) index from a row-value bound.
      const rows = await base()
        .where(sql<boolean>`(txid, seq) > (${ctx}, ${cseq})`)
        .orderBy("txid")
        .orderBy("seq")
        .limit(limit + 1)
        .execute();
      return this.page(officeId, cursor, limit, rows);
    }
    const rows =
      ctx >= 0
        ? await base()
            .where("txid", "=", ctx)
            .where("seq", ">", cseq)
            .orderBy("seq")
            .limit(limit + 1)
            .execute()
        : [];
    if (rows.length <= limit)
      rows.push(
        ...(await base()
          .where("txid", ">", ctx)
          .orderBy("txid")
          .orderBy("seq")
          .limit(limit + 1 - rows.length)
          .execute()),
      );
    return this.page(officeId, cursor, limit, rows);
  }

  private async page(officeId: string, cursor: string, limit: number, rows: Selectable<ChangesTable>[]): Promise<PullPage> {
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const hasMore = rows.length > limit;
    return {
      // Only a long feed (a new device's first sync) pays for the count; a routine pull has no more pages.
      ...(hasMore && last ? { remaining: await this.countAfter(officeId, Number(last.txid), Number(last.seq)) } : {}),
      changes: page.map((r) => ({
        entity: r.entity,
        id: r.entity_id,
        op: r.op as "put" | "delete",
        data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>),
        at: r.at,
        ...(r.version !== null ? { version: Number(r.version) } : {}),
      })),
      cursor: last ? `${Number(last.txid)}.${Number(last.seq)}` : cursor,
      hasMore,
    };
  }

  /** Changes after (txid, seq) for the office, counted on the feed's index and at most PULL_REMAINING_CAP. */
  private async countAfter(officeId: string, txid: number, seq: number): Promise<number> {
    const feed = () => this.ctx.db.selectFrom("changes").select("seq").where("office_id", "=", officeId);
    let n = 0;
    for (const q of [feed().where("txid", "=", txid).where("seq", ">", seq), feed().where("txid", ">", txid)]) {
      const row = await this.ctx.db
        .selectFrom(q.limit(PULL_REMAINING_CAP).as("after"))
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      n += Number(row.n);
    }
    return Math.min(PULL_REMAINING_CAP, n);
  }
}

function parseCursor(cursor: string): [number, number] {
  if (cursor === "") return [-1, 0];
  const m = /^(\d{1,19})\.(\d{1,19})$/.exec(cursor);
  if (!m) throw new SyncError(400, "bad_cursor", "Con trỏ đồng bộ không hợp lệ; hãy đồng bộ lại từ đầu.", `Malformed cursor '${cursor.slice(0, 40)}'`);
  return [Number(m[1]), Number(m[2])];
}
