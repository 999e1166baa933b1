import { sql, type Kysely, type Migration } from "kysely";
import type { DialectName } from "../migrations.ts";

/**
 * Issue 15: a push of plain record edits in one statement on PostgreSQL (`record-edits.ts`).
 * `vanthu_push_record_edits` claims the mutation ids, writes each record only if its stored
 * version is still the one the edit was based on, adds the feed rows, stores the answers and
 * forgets the claims of edits it did not write — one round trip, one transaction, instead of
 * BEGIN, four statements and COMMIT in two round trips. It judges nothing: the server sends it
 * only edits that the rule table allows whatever the record's state (rules.ts), and judges
 * again, the usual way, every edit it answers `retry` (not written: a conflict, a record that
 * is not there, a refused replay). SQLite has no such function and needs none (no round trips).
 */
export function pushFunctionMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      if (dialect !== "postgres") return;
      await sql.raw(PUSH_RECORD_EDITS).execute(db);
    },
  };
}

/**
 * Answers one row per edit, in order: `applied` (written; `answer` is the stored answer),
 * `duplicate` (the id was claimed before; `answer` is the first answer) or `retry` (nothing
 * written or remembered). Each statement of a plpgsql function takes a fresh snapshot, so the
 * answer of a duplicate whose first attempt committed while this one waited on its claim is seen.
 *
 * p_bases: the version each edit was based on; 0 = the record must not exist (a put inserts),
 * otherwise the stored version must equal it (a delete: and the record must be live).
 */
const PUSH_RECORD_EDITS = `
CREATE FUNCTION vanthu_push_record_edits(
  p_office text, p_client text, p_user text, p_at text,
  p_ids text[], p_types text[], p_entities text[], p_record_ids text[], p_data text[], p_bases int[], p_provisional text[]
) RETURNS TABLE (out_id text, outcome text, answer text)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_claimed text[];
  v_done text[];
BEGIN
  WITH input AS (
    SELECT * FROM unnest(p_ids, p_types, p_entities, p_record_ids, p_data, p_bases, p_provisional)
      WITH ORDINALITY AS u(id, type, entity, record_id, data, base, provisional_at, ord)
  ), claimed AS (
    INSERT INTO mutations (office_id, mutation_id, client_id, user_id, type, result, applied_at)
    SELECT p_office, i.id, p_client, p_user, i.type, '{"version":' || (i.base + 1) || '}', p_at FROM input i
    ON CONFLICT ON CONSTRAINT mutations_pk DO NOTHING
    RETURNING mutations.mutation_id
  ), todo AS (
    SELECT i.* FROM input i JOIN claimed c ON c.mutation_id = i.id
  ), inserted AS (
    INSERT INTO records (office_id, entity, record_id, data, version, deleted, updated_at, provisional_at, updated_by)
    SELECT p_office, t.entity, t.record_id, t.data, 1, 0, p_at, t.provisional_at, p_user FROM todo t
    WHERE t.type = 'record.put' AND t.base = 0 ORDER BY t.ord
    ON CONFLICT ON CONSTRAINT records_pk DO NOTHING
    RETURNING records.entity, records.record_id
  ), updated AS (
    UPDATE records r SET data = t.data, version = t.base + 1, deleted = CASE WHEN t.type = 'record.delete' THEN 1 ELSE 0 END,
      updated_at = p_at, provisional_at = t.provisional_at, updated_by = p_user
    FROM todo t
    WHERE t.base > 0 AND r.office_id = p_office AND r.entity = t.entity AND r.record_id = t.record_id
      AND r.version = t.base AND (t.type = 'record.put' OR r.deleted = 0)
    RETURNING r.entity, r.record_id
  ), done AS (
    SELECT t.* FROM todo t JOIN (SELECT * FROM inserted UNION ALL SELECT * FROM updated) w ON w.entity = t.entity AND w.record_id = t.record_id
  ), feed AS (
    INSERT INTO changes (txid, office_id, entity, entity_id, op, data, version, at)
    SELECT pg_current_xact_id()::text::bigint + (SELECT txid_offset FROM sync_epoch WHERE id = 1), p_office, d.entity, d.record_id,
      CASE WHEN d.type = 'record.delete' THEN 'delete' ELSE 'put' END, CASE WHEN d.type = 'record.delete' THEN NULL ELSE d.data END,
      d.base + 1, p_at
    FROM done d ORDER BY d.ord
  )
  SELECT coalesce((SELECT array_agg(c.mutation_id) FROM claimed c), '{}'), coalesce((SELECT array_agg(d.id) FROM done d), '{}')
  INTO v_claimed, v_done;

  IF cardinality(v_done) < cardinality(v_claimed) THEN
    DELETE FROM mutations m WHERE m.office_id = p_office AND m.mutation_id = ANY(v_claimed) AND NOT (m.mutation_id = ANY(v_done));
  END IF;

  IF cardinality(v_done) = cardinality(p_ids) THEN
    -- Every edit claimed and written (the usual push): the answers need no read.
    RETURN QUERY SELECT u.id, 'applied', '{"version":' || (u.base + 1) || '}' FROM unnest(p_ids, p_bases) WITH ORDINALITY AS u(id, base, ord) ORDER BY u.ord;
    RETURN;
  END IF;

  RETURN QUERY
    SELECT u.id,
      CASE WHEN u.id = ANY(v_done) THEN 'applied' WHEN u.id = ANY(v_claimed) OR m.result IS NULL THEN 'retry' ELSE 'duplicate' END,
      CASE WHEN u.id = ANY(v_done) THEN '{"version":' || (u.base + 1) || '}' WHEN u.id = ANY(v_claimed) THEN NULL ELSE m.result END
    FROM unnest(p_ids, p_bases) WITH ORDINALITY AS u(id, base, ord)
    LEFT JOIN mutations m ON m.office_id = p_office AND m.mutation_id = u.id AND NOT (u.id = ANY(v_claimed))
    ORDER BY u.ord;
END
$fn$`;
