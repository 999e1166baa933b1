import { sql, type Selectable } from "kysely";
import { PULL_REMAINING_CAP, type Change } from "../../shared/sync/schemas.ts";
import { SyncError } from "../errors.ts";
import type { StorageContext, Tx } from "./context.ts";
import { pgRead, sqliteExclusive, type SqliteHandle } from "./open.ts";
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
   *
   * The hottest read of the server, so not through Kysely: on SQLite its statements run
   * together holding the connection once (`sqliteExclusive`); on PostgreSQL it is one statement
   * on the pipelined readers' connection (`pgRead`).
   */
  async pull(officeId: string, cursor: string, limit: number): Promise<PullPage> {
    const [txid, seq] = parseCursor(cursor);
    const exclusive = sqliteExclusive(this.ctx.db);
    if (exclusive) return exclusive((db) => pullOnSqlite(db, officeId, cursor, txid, seq, limit), false);
    const read = pgRead(this.ctx.db);
    if (!read) throw new Error("The change feed needs a database opened by openDatabase");
    const rows = (await read(PG_PULL, [officeId, txid, seq, limit + 1])).rows as FeedRow[];
    const page = pageOf(cursor, limit, rows);
    const last = page.changes.length > 0 ? rows[page.changes.length - 1]! : undefined;
    if (page.hasMore && last) {
      const after = (await read(PG_COUNT_AFTER, [officeId, Number(last.txid), Number(last.seq), PULL_REMAINING_CAP])).rows[0] as { n: number | string };
      page.remaining = Math.min(PULL_REMAINING_CAP, Number(after.n));
    }
    return page;
  }
}

type FeedRow = Pick<Selectable<ChangesTable>, "seq" | "txid" | "entity" | "entity_id" | "op" | "data" | "version" | "at">;

const FEED_COLUMNS = "seq, txid, entity, entity_id, op, data, version, at";

// One scan of the (office, txid, seq) index from a row-value bound.
const PG_PULL =
  `SELECT ${FEED_COLUMNS} FROM changes WHERE office_id = $1 ` +
  "AND txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint + (SELECT txid_offset FROM sync_epoch WHERE id = 1) " +
  "AND (txid, seq) > ($2, $3) ORDER BY txid, seq LIMIT $4";
const PG_COUNT_AFTER = "SELECT count(*) AS n FROM (SELECT 1 FROM changes WHERE office_id = $1 AND (txid, seq) > ($2, $3) LIMIT $4) AS after";

// SQLite: two index range scans, (office, txid = t, seq > s) then (office, txid > t): an OR of the two would make it walk the office's whole feed.
const SQLITE = {
  sameTx: `SELECT ${FEED_COLUMNS} FROM changes WHERE office_id = ? AND txid = ? AND seq > ? ORDER BY seq LIMIT ?`,
  laterTx: `SELECT ${FEED_COLUMNS} FROM changes WHERE office_id = ? AND txid > ? ORDER BY txid, seq LIMIT ?`,
  countSameTx: "SELECT count(*) AS n FROM (SELECT 1 FROM changes WHERE office_id = ? AND txid = ? AND seq > ? LIMIT ?)",
  countLaterTx: "SELECT count(*) AS n FROM (SELECT 1 FROM changes WHERE office_id = ? AND txid > ? LIMIT ?)",
};

function pullOnSqlite(db: SqliteHandle, officeId: string, cursor: string, txid: number, seq: number, limit: number): PullPage {
  const rows = txid >= 0 ? (db.prepare(SQLITE.sameTx).all(officeId, txid, seq, limit + 1) as FeedRow[]) : [];
  if (rows.length <= limit) rows.push(...(db.prepare(SQLITE.laterTx).all(officeId, txid, limit + 1 - rows.length) as FeedRow[]));
  const page = pageOf(cursor, limit, rows);
  const last = page.changes.length > 0 ? rows[page.changes.length - 1]! : undefined;
  if (page.hasMore && last) {
    // Only a long feed (a new device's first sync) pays for the count, on the feed's index and at most PULL_REMAINING_CAP.
    const t = Number(last.txid);
    const s = Number(last.seq);
    const n =
      (db.prepare(SQLITE.countSameTx).get(officeId, t, s, PULL_REMAINING_CAP) as { n: number }).n +
      (db.prepare(SQLITE.countLaterTx).get(officeId, t, PULL_REMAINING_CAP) as { n: number }).n;
    page.remaining = Math.min(PULL_REMAINING_CAP, n);
  }
  return page;
}

function pageOf(cursor: string, limit: number, rows: FeedRow[]): PullPage {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    changes: page.map((r) => ({
      entity: r.entity,
      id: r.entity_id,
      op: r.op as "put" | "delete",
      data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>),
      at: r.at,
      ...(r.version !== null ? { version: Number(r.version) } : {}),
    })),
    cursor: last ? `${Number(last.txid)}.${Number(last.seq)}` : cursor,
    hasMore: rows.length > limit,
  };
}

function parseCursor(cursor: string): [number, number] {
  if (cursor === "") return [-1, 0];
  const m = /^(\d{1,19})\.(\d{1,19})$/.exec(cursor);
  if (!m) throw new SyncError(400, "bad_cursor", "Con trỏ đồng bộ không hợp lệ; hãy đồng bộ lại từ đầu.", `Malformed cursor '${cursor.slice(0, 40)}'`);
  return [Number(m[1]), Number(m[2])];
}
