import type pg from "pg";
import type { Assigned, MutationResult } from "../../shared/sync/schemas.ts";
import { stamp } from "../clock/qlvb-clock.ts";
import type { Acting, StorageContext } from "./context.ts";
import { recordRefusal } from "../../shared/sync/rules.ts";
import { pgPoolOf, pgWrite, pipelined, sqliteExclusive, type SqliteHandle } from "./open.ts";
import { judgeRecordEdit, movedOnConflict, RecordRepository, storedRecord, type RecordMutation, type StoredRecord } from "./records.ts";
import { answerOf, MutationRefused } from "./refusal.ts";

/**
 * The push a PWA's outbox mostly makes: edits of its own records (`record.put`/`record.delete`
 * that RecordRepository.batchable accepts, each on a different record), applied without Kysely
 * — the same rules, base versions and answers as the general path (push.ts, applyBatch), in fewer
 * and cheaper steps (sync.bench.ts, issue 15):
 *
 * - SQLite: every statement synchronously, holding the connection once (`sqliteExclusive`), in
 *   a savepoint of the shared transaction like any other push;
 * - PostgreSQL: two pipelined round trips — BEGIN, claim the ids, read the records; then the
 *   guarded upsert, its feed rows, the answers and COMMIT in one statement and the COMMIT behind
 *   it — instead of seven. A record that moved on between the read and the write (another
 *   transaction committed it) is answered as the conflict it is, read again after the COMMIT.
 *
 * Each mutation id is claimed first, so a retry racing its first attempt waits on the id's key
 * and then answers `duplicate`, never applies twice; refused and conflicting mutations are not
 * remembered (a retry is judged again).
 */
export class RecordEditPush {
  constructor(private readonly ctx: StorageContext) {}

  /** Whether a batch can go this way: only plain record edits, each on its own record. */
  static fits(mutations: readonly { type: string }[]): mutations is RecordMutation[] {
    const records = new Set<string>();
    for (const m of mutations) {
      if (!RecordRepository.batchable(m as RecordMutation)) return false;
      const r = m as RecordMutation;
      const key = `${r.entity}\u0000${r.recordId}`;
      if (records.has(key)) return false;
      records.add(key);
    }
    return mutations.length > 0;
  }

  async apply(acting: Acting, mutations: RecordMutation[]): Promise<MutationResult[]> {
    if (acting.trusted) throw new Error("RecordEditPush is for what clients push");
    const exclusive = sqliteExclusive(this.ctx.db);
    if (exclusive) return exclusive((sqlite) => applyOnSqlite(sqlite, acting, mutations, stamp(this.ctx.clock)), true);
    const pool = pgPoolOf(this.ctx.db);
    const write = pgWrite(this.ctx.db);
    if (!pool || !write) throw new Error("RecordEditPush needs a database opened by openDatabase");
    const at = stamp(this.ctx.clock);
    if (!mutations.every((m) => writableUnjudged(acting, m))) return applyOnPostgres(pool, acting, mutations, at);
    return applyInOneStatement(write, pool, acting, mutations, at);
  }
}

/**
 * Whether the rule table allows this edit whatever state the record is in (create and update
 * for a put based on a version, create for a new one, delete for a delete), so that the only
 * thing left to judge is the base version, which the guarded write checks: then the whole push
 * can be written by vanthu_push_record_edits without reading the records first. Anything else
 * (an append-only entity's update, a role that may update but not create, a delete based on
 * nothing, an unknown entity) is judged the usual way.
 */
function writableUnjudged(acting: Acting, m: RecordMutation): boolean {
  const base = m.baseVersion ?? 0;
  if (m.type === "record.delete") return base > 0 && !recordRefusal(m.entity, "delete", acting.roles, acting.where);
  if (recordRefusal(m.entity, "create", acting.roles, acting.where)) return false;
  return base === 0 || !recordRefusal(m.entity, "update", acting.roles, acting.where);
}

/**
 * PostgreSQL, one round trip: the function made by migration 0300 claims, writes, feeds and
 * answers in one statement (its own transaction), on a pipelined connection: the pushes that
 * requests start in one turn of the event loop leave in one write. The edits it did not write
 * (a conflict, a record not there) were neither written nor remembered: they are judged again
 * the usual way, exactly as a retry of them would be, and answered from that.
 */
async function applyInOneStatement(
  write: (text: string, values: unknown[]) => Promise<pg.QueryResult>,
  pool: pg.Pool,
  acting: Acting,
  ms: RecordMutation[],
  at: string,
): Promise<MutationResult[]> {
  const { rows } = await write(PG.pushRecordEdits, [
    acting.officeId,
    acting.clientId,
    acting.userId,
    at,
    ms.map((m) => m.id),
    ms.map((m) => m.type),
    ms.map((m) => m.entity),
    ms.map((m) => m.recordId),
    ms.map((m) => (m.type === "record.put" ? JSON.stringify(m.data) : null)),
    ms.map((m) => m.baseVersion ?? 0),
    ms.map((m) => m.clientTime),
  ]);
  const results: MutationResult[] = [];
  const again: RecordMutation[] = [];
  (rows as { outcome: "applied" | "duplicate" | "retry"; answer: string | null }[]).forEach((r, i) => {
    const m = ms[i]!;
    if (r.outcome === "retry") again.push(m);
    else results[i] = { mutationId: m.id, status: r.outcome, assigned: JSON.parse(r.answer ?? "{}") as Assigned };
  });
  if (again.length > 0) {
    const judged = await applyOnPostgres(pool, acting, again, at);
    again.forEach((m, k) => (results[ms.indexOf(m)] = judged[k]!));
  }
  return results;
}

const key = (entity: string, recordId: string) => `${entity}\u0000${recordId}`;

interface Write {
  i: number;
  m: RecordMutation;
  data: string | null;
  version: number;
}

/** What the rules say of each claimed mutation, on the records as read; duplicates answer with their first answer. */
function judgeAll(acting: Acting, ms: RecordMutation[], claimed: Set<string>, prior: Map<string, string>, existing: Map<string, StoredRecord>) {
  const results: MutationResult[] = [];
  const writes: Write[] = [];
  const replays: { id: string; answer: string }[] = [];
  const forget: string[] = [];
  ms.forEach((m, i) => {
    if (!claimed.has(m.id)) {
      results[i] = { mutationId: m.id, status: "duplicate", assigned: JSON.parse(prior.get(m.id) ?? "{}") as Assigned };
      return;
    }
    const found = existing.get(key(m.entity, m.recordId));
    const verdict = judgeRecordEdit(acting, m, found);
    if (verdict instanceof MutationRefused) {
      results[i] = answerOf(m.id, verdict);
      forget.push(m.id);
    } else if ("replay" in verdict) {
      results[i] = answerOf(m.id, { version: verdict.replay });
      replays.push({ id: m.id, answer: JSON.stringify(results[i]!.assigned) });
    } else {
      writes.push({ i, m, data: m.type === "record.put" ? JSON.stringify(m.data) : null, version: (found?.version ?? 0) + 1 });
    }
  });
  return { results, writes, replays, forget };
}

const SQLITE = {
  claim:
    "INSERT INTO mutations (office_id, mutation_id, client_id, user_id, type, result, applied_at) VALUES (?, ?, ?, ?, ?, '{}', ?) ON CONFLICT (office_id, mutation_id) DO NOTHING",
  prior: "SELECT result FROM mutations WHERE office_id = ? AND mutation_id = ?",
  read: "SELECT version, deleted, data, updated_at, updated_by FROM records WHERE office_id = ? AND entity = ? AND record_id = ?",
  // Each row carries the version it will have; an existing row is updated only if its version is still the one before.
  write:
    "INSERT INTO records (office_id, entity, record_id, data, version, deleted, updated_at, provisional_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) " +
    "ON CONFLICT (office_id, entity, record_id) DO UPDATE SET data = excluded.data, version = excluded.version, deleted = excluded.deleted, " +
    "updated_at = excluded.updated_at, provisional_at = excluded.provisional_at, updated_by = excluded.updated_by WHERE records.version = excluded.version - 1",
  emit: "INSERT INTO changes (txid, office_id, entity, entity_id, op, data, version, at) VALUES ((SELECT txid_offset FROM sync_epoch WHERE id = 1), ?, ?, ?, ?, ?, ?, ?)",
  answer: "UPDATE mutations SET result = ? WHERE office_id = ? AND mutation_id = ?",
  forget: "DELETE FROM mutations WHERE office_id = ? AND mutation_id = ?",
};

function applyOnSqlite(db: SqliteHandle, acting: Acting, ms: RecordMutation[], at: string): MutationResult[] {
  const office = acting.officeId;
  const claimed = new Set<string>();
  const prior = new Map<string, string>();
  const existing = new Map<string, StoredRecord>();
  for (const m of ms) {
    if (db.prepare(SQLITE.claim).run(office, m.id, acting.clientId, acting.userId, m.type, at).changes === 1) claimed.add(m.id);
    else prior.set(m.id, (db.prepare(SQLITE.prior).get(office, m.id) as { result: string }).result);
  }
  for (const m of ms) {
    if (!claimed.has(m.id)) continue;
    const row = db.prepare(SQLITE.read).get(office, m.entity, m.recordId) as Parameters<typeof storedRecord>[0] | undefined;
    if (row) existing.set(key(m.entity, m.recordId), storedRecord(row));
  }
  const { results, writes, replays, forget } = judgeAll(acting, ms, claimed, prior, existing);
  for (const w of writes) {
    const deleted = w.data === null ? 1 : 0;
    const written = db.prepare(SQLITE.write).run(office, w.m.entity, w.m.recordId, w.data, w.version, deleted, at, w.m.clientTime, acting.userId).changes === 1;
    if (written) {
      db.prepare(SQLITE.emit).run(office, w.m.entity, w.m.recordId, deleted ? "delete" : "put", w.data, w.version, at);
      results[w.i] = answerOf(w.m.id, { version: w.version });
      db.prepare(SQLITE.answer).run(JSON.stringify({ version: w.version }), office, w.m.id);
    } else {
      const now = db.prepare(SQLITE.read).get(office, w.m.entity, w.m.recordId) as Parameters<typeof storedRecord>[0] | undefined;
      results[w.i] = answerOf(w.m.id, movedOnConflict(w.m, now ? storedRecord(now) : undefined, at));
      forget.push(w.m.id);
    }
  }
  for (const r of replays) db.prepare(SQLITE.answer).run(r.answer, office, r.id);
  for (const id of forget) db.prepare(SQLITE.forget).run(office, id);
  return results;
}

const PG = {
  pushRecordEdits:
    "SELECT outcome, answer FROM vanthu_push_record_edits($1, $2, $3, $4, $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::text[])",
  claim:
    "INSERT INTO mutations (office_id, mutation_id, client_id, user_id, type, result, applied_at) " +
    "SELECT $1, u.id, $2, $3, u.type, '{}', $4 FROM unnest($5::text[], $6::text[]) AS u(id, type) " +
    "ON CONFLICT (office_id, mutation_id) DO NOTHING RETURNING mutation_id",
  read:
    "SELECT r.entity, r.record_id, r.version, r.deleted, r.data, r.updated_at, r.updated_by " +
    "FROM unnest($2::text[], $3::text[]) AS k(entity, record_id) JOIN records r ON r.office_id = $1 AND r.entity = k.entity AND r.record_id = k.record_id",
  prior: "SELECT mutation_id, result FROM mutations WHERE office_id = $1 AND mutation_id = ANY($2::text[])",
  /**
   * The writes of one push in one statement: the guarded upsert (as on SQLite), a feed row for
   * each record written (in the push's order), its answer stored, and the claims of mutations
   * that were refused ($10) or whose record moved on forgotten. Returns the records written.
   */
  write: `WITH input AS (
    SELECT * FROM unnest($4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[]) WITH ORDINALITY AS u(entity, record_id, data, version, provisional_at, mutation_id, ord)
  ), w AS (
    INSERT INTO records AS r (office_id, entity, record_id, data, version, deleted, updated_at, provisional_at, updated_by)
    SELECT $1, entity, record_id, data, version, CASE WHEN data IS NULL THEN 1 ELSE 0 END, $2, provisional_at, $3 FROM input ORDER BY ord
    ON CONFLICT (office_id, entity, record_id) DO UPDATE SET data = excluded.data, version = excluded.version, deleted = excluded.deleted,
      updated_at = excluded.updated_at, provisional_at = excluded.provisional_at, updated_by = excluded.updated_by
    WHERE r.version = excluded.version - 1
    RETURNING r.entity, r.record_id
  ), done AS (
    SELECT input.* FROM input JOIN w ON w.entity = input.entity AND w.record_id = input.record_id
  ), feed AS (
    INSERT INTO changes (txid, office_id, entity, entity_id, op, data, version, at)
    SELECT pg_current_xact_id()::text::bigint + (SELECT txid_offset FROM sync_epoch WHERE id = 1), $1, entity, record_id,
      CASE WHEN data IS NULL THEN 'delete' ELSE 'put' END, data, version, $2 FROM done ORDER BY ord
  ), answered AS (
    UPDATE mutations m SET result = a.answer
    FROM (SELECT mutation_id, '{"version":' || version || '}' AS answer FROM done UNION ALL SELECT * FROM unnest($11::text[], $12::text[])) AS a(mutation_id, answer)
    WHERE m.office_id = $1 AND m.mutation_id = a.mutation_id
  ), forgotten AS (
    DELETE FROM mutations m WHERE m.office_id = $1
      AND m.mutation_id IN (SELECT unnest($10::text[]) UNION ALL (SELECT mutation_id FROM input EXCEPT SELECT mutation_id FROM done))
  )
  SELECT entity, record_id FROM w`,
  current: "SELECT version, deleted, data, updated_at, updated_by FROM records WHERE office_id = $1 AND entity = $2 AND record_id = $3",
};

async function applyOnPostgres(pool: pg.Pool, acting: Acting, ms: RecordMutation[], at: string): Promise<MutationResult[]> {
  const office = acting.officeId;
  const client = await pool.connect();
  let open = false;
  let broken: Error | undefined;
  try {
    open = true;
    const [, claim, read] = await pipelined(client, [
      ["BEGIN"],
      [PG.claim, [office, acting.clientId, acting.userId, at, ms.map((m) => m.id), ms.map((m) => m.type)]],
      [PG.read, [office, ms.map((m) => m.entity), ms.map((m) => m.recordId)]],
    ]);
    const claimed = new Set(claim!.rows.map((r: { mutation_id: string }) => r.mutation_id));
    const prior = new Map<string, string>();
    if (claimed.size < ms.length) {
      const rows = (await client.query(PG.prior, [office, ms.filter((m) => !claimed.has(m.id)).map((m) => m.id)])).rows as {
        mutation_id: string;
        result: string;
      }[];
      for (const r of rows) prior.set(r.mutation_id, r.result);
    }
    const existing = new Map<string, StoredRecord>();
    for (const r of read!.rows as (Parameters<typeof storedRecord>[0] & { entity: string; record_id: string })[])
      existing.set(key(r.entity, r.record_id), storedRecord(r));
    const { results, writes, replays, forget } = judgeAll(acting, ms, claimed, prior, existing);
    const [written] = await pipelined(client, [
      [
        PG.write,
        [
          office,
          at,
          acting.userId,
          writes.map((w) => w.m.entity),
          writes.map((w) => w.m.recordId),
          writes.map((w) => w.data),
          writes.map((w) => w.version),
          writes.map((w) => w.m.clientTime),
          writes.map((w) => w.m.id),
          forget,
          replays.map((r) => r.id),
          replays.map((r) => r.answer),
        ],
      ],
      ["COMMIT"],
    ]);
    open = false;
    const done = new Set(written!.rows.map((r: { entity: string; record_id: string }) => key(r.entity, r.record_id)));
    for (const w of writes) {
      if (done.has(key(w.m.entity, w.m.recordId))) results[w.i] = answerOf(w.m.id, { version: w.version });
      else {
        // Another transaction wrote this record between our read and our write: the conflict, with the record as it is now.
        const now = (await client.query(PG.current, [office, w.m.entity, w.m.recordId])).rows[0] as Parameters<typeof storedRecord>[0] | undefined;
        results[w.i] = answerOf(w.m.id, movedOnConflict(w.m, now ? storedRecord(now) : undefined, at));
      }
    }
    return results;
  } catch (e) {
    if (open) await client.query("ROLLBACK").catch((err: Error) => (broken = err));
    throw e;
  } finally {
    client.release(broken);
  }
}
