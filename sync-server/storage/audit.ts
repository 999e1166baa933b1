import { createHash, randomUUID } from "node:crypto";
import { sql } from "kysely";
import { appendAuditEntry, type AuditAction, type AuditEntry, type AuditSubject } from "../../shared/domain/audit/audit-chain.ts";
import type { JsonValue } from "../../shared/domain/audit/canonical.ts";
import { AUDIT_ENTITY } from "../../shared/sync/audit.ts";
import type { Person } from "../../shared/sync/schemas.ts";
import { stamp } from "../clock/qlvb-clock.ts";
import type { StorageContext, Tx } from "./context.ts";
import type { ChangeFeed } from "./feed.ts";

/**
 * SHA-256 for the chain, computed on the calling thread. WebCrypto's `digest` is a round trip
 * through libuv's thread pool, and the chain is appended while the act's transaction holds the
 * (SQLite: only) connection: under load each round trip waited its turn behind the pool's file
 * syncs and the CPU, and every other request waited behind the connection — seconds when all
 * offices sent at once (sync.bench.ts). A few hundred bytes hash in microseconds here.
 */
const threadDigest = {
  async digest(algorithm: AlgorithmIdentifier, data: BufferSource): Promise<ArrayBuffer> {
    if (algorithm !== "SHA-256") throw new Error(`Unsupported digest ${String(algorithm)}`);
    const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
    const d = createHash("sha256").update(bytes).digest();
    return d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) as ArrayBuffer;
  },
} as unknown as SubtleCrypto;

export interface AuditAct {
  action: AuditAction;
  actor: Person & { title?: string };
  summary: string;
  subject?: AuditSubject;
  details?: { [key: string]: JsonValue };
  /** The entry id; made by the server when absent. */
  entryId?: string;
}

/**
 * The office's audit chain (one per office), appended inside the transaction of the act it
 * records: the head row is locked for the append, so concurrent acts of one office chain one
 * after the other. The chain itself is shared/domain/audit's.
 */
export class AuditRepository {
  constructor(
    private readonly ctx: StorageContext,
    private readonly feed: ChangeFeed,
  ) {}

  async append(trx: Tx, officeId: string, act: AuditAct): Promise<AuditEntry> {
    const head = await this.lockHead(trx, officeId);
    const at = stamp(this.ctx.clock);
    // appendAuditEntry needs only the previous entry's seq, hash and office.
    const last = head.seq === 0 ? null : ({ seq: head.seq, hash: head.hash, officeId } as AuditEntry);
    const entry = await appendAuditEntry(
      last,
      {
        id: act.entryId ?? randomUUID(),
        officeId,
        action: act.action,
        actor: act.actor,
        time: { at, source: "qlvb" },
        summary: act.summary,
        ...(act.subject ? { subject: act.subject } : {}),
        ...(act.details ? { details: act.details } : {}),
      },
      threadDigest,
    );
    const json = JSON.stringify(entry);
    if (this.ctx.dialect === "postgres") {
      // The entry, the new head and the feed row in one statement: the head stays locked (by the
      // act's transaction) for one round trip less each (sends chain two offices; sync.bench.ts).
      await sql`WITH e AS (
          INSERT INTO audit_entries (office_id, seq, entry_id, action, at, entry, hash)
          VALUES (${officeId}, ${entry.seq}, ${entry.id}, ${entry.action}, ${at}, ${json}, ${entry.hash})
        ), h AS (
          UPDATE audit_heads SET seq = ${entry.seq}, hash = ${entry.hash} WHERE office_id = ${officeId}
        )
        INSERT INTO changes (txid, office_id, entity, entity_id, op, data, version, at)
        VALUES (pg_current_xact_id()::text::bigint + (SELECT txid_offset FROM sync_epoch WHERE id = 1), ${officeId}, ${AUDIT_ENTITY}, ${entry.id}, 'put', ${json}, ${entry.seq}, ${at})`.execute(
        trx,
      );
      return entry;
    }
    await trx
      .insertInto("audit_entries")
      .values({ office_id: officeId, seq: entry.seq, entry_id: entry.id, action: entry.action, at, entry: json, hash: entry.hash })
      .execute();
    await trx.updateTable("audit_heads").set({ seq: entry.seq, hash: entry.hash }).where("office_id", "=", officeId).execute();
    await this.feed.emit(trx, officeId, AUDIT_ENTITY, entry.id, "put", json, entry.seq, at);
    return entry;
  }

  /**
   * The head row, created at genesis the first time, locked until the transaction ends: one
   * upsert whose DO UPDATE (changing nothing) locks the row as FOR UPDATE would, and returns it
   * (SQLite serialises writers).
   */
  private async lockHead(trx: Tx, officeId: string): Promise<{ seq: number; hash: string }> {
    const r = await trx
      .insertInto("audit_heads")
      .values({ office_id: officeId, seq: 0, hash: "0".repeat(64) })
      .onConflict((oc) => oc.column("office_id").doUpdateSet({ seq: sql<number>`audit_heads.seq` }))
      .returning(["seq", "hash"])
      .executeTakeFirstOrThrow();
    return { seq: Number(r.seq), hash: r.hash };
  }

  async entryExists(trx: Tx, officeId: string, entryId: string): Promise<boolean> {
    return (
      (await trx.selectFrom("audit_entries").select("seq").where("office_id", "=", officeId).where("entry_id", "=", entryId).executeTakeFirst()) !== undefined
    );
  }

  async head(officeId: string, trx: Tx = this.ctx.db): Promise<{ seq: number; hash: string } | null> {
    const r = await trx.selectFrom("audit_heads").select(["seq", "hash"]).where("office_id", "=", officeId).executeTakeFirst();
    return r && Number(r.seq) > 0 ? { seq: Number(r.seq), hash: r.hash } : null;
  }

  /** Entries after `afterSeq`, in chain order. */
  async list(officeId: string, afterSeq = 0, limit = 100_000, trx: Tx = this.ctx.db): Promise<AuditEntry[]> {
    const rows = await trx
      .selectFrom("audit_entries")
      .select("entry")
      .where("office_id", "=", officeId)
      .where("seq", ">", afterSeq)
      .orderBy("seq")
      .limit(limit)
      .execute();
    return rows.map((r) => JSON.parse(r.entry) as AuditEntry);
  }

  /** How many entries of each action (for tests and the district overview). */
  async countByAction(officeId: string): Promise<Record<string, number>> {
    const rows = await this.ctx.db
      .selectFrom("audit_entries")
      .select(["action", sql<number>`count(*)`.as("n")])
      .where("office_id", "=", officeId)
      .groupBy("action")
      .execute();
    return Object.fromEntries(rows.map((r) => [r.action, Number(r.n)]));
  }
}
