import { sql } from "kysely";
import { recordRefusal, type RecordOp } from "../../shared/sync/rules.ts";
import type { Assigned, Mutation } from "../../shared/sync/schemas.ts";
import { canonicalJson } from "../../shared/domain/audit/canonical.ts";
import { stamp } from "../clock/qlvb-clock.ts";
import type { AuditAct, AuditRepository } from "./audit.ts";
import type { Acting, StorageContext, Tx } from "./context.ts";
import type { ChangeFeed } from "./feed.ts";
import { conflict, MutationRefused, refuse } from "./refusal.ts";

export type RecordMutation = Extract<Mutation, { type: "record.put" | "record.delete" }>;

export interface StoredRecord {
  version: number;
  deleted: boolean;
  data: Record<string, unknown> | null;
  updatedAt: string;
  updatedBy: string;
}

/**
 * The office's replicated records: every change checked against the rule table
 * (shared/sync/rules.ts) and against the version it was based on, so that nothing is
 * overwritten silently. Server-made records (drafts) are written here too, by their own code.
 */
export class RecordRepository {
  constructor(
    private readonly ctx: StorageContext,
    private readonly feed: ChangeFeed,
    private readonly audit: AuditRepository,
  ) {}

  async get(trx: Tx, officeId: string, entity: string, recordId: string): Promise<StoredRecord | undefined> {
    const r = await trx
      .selectFrom("records")
      .select(["version", "deleted", "data", "updated_at", "updated_by"])
      .where("office_id", "=", officeId)
      .where("entity", "=", entity)
      .where("record_id", "=", recordId)
      .executeTakeFirst();
    return r ? storedRecord(r) : undefined;
  }

  async apply(trx: Tx, acting: Acting, m: RecordMutation): Promise<Assigned> {
    const existing = await this.get(trx, acting.officeId, m.entity, m.recordId);
    const verdict = this.judge(acting, m, existing);
    if (verdict instanceof MutationRefused) throw verdict;
    if ("replay" in verdict) return { version: verdict.replay };
    if (m.type === "record.put" && m.entity === "outgoing") await this.assertOutgoingNumberFree(trx, acting.officeId, m.recordId, m.data);
    const data = m.type === "record.put" ? JSON.stringify(m.data) : null;
    const version = await this.write(trx, acting, m.entity, m.recordId, data, acting.trusted ? undefined : (existing?.version ?? 0), m.clientTime);
    if (version === undefined) throw await this.movedOn(trx, acting.officeId, m);
    if (verdict.op === "create" && m.type === "record.put") await this.auditCreate(trx, acting, m.entity, m.recordId, m.data);
    return { version };
  }

  private judge(acting: Acting, m: RecordMutation, existing: StoredRecord | undefined) {
    return judgeRecordEdit(acting, m, existing);
  }

  /** Another writer committed between the read and the write (PostgreSQL): the conflict it is, with the record as it is now. */
  private async movedOn(trx: Tx, officeId: string, m: RecordMutation): Promise<MutationRefused> {
    return movedOnConflict(m, await this.get(trx, officeId, m.entity, m.recordId), stamp(this.ctx.clock));
  }

  /**
   * Whether a client's mutation may go through `applyBatch`: a put or delete whose only effects
   * are its row and its feed entry (no audit entry, no register number to check).
   */
  static batchable(m: Mutation): m is RecordMutation {
    if (m.type !== "record.put" && m.type !== "record.delete") return false;
    if (AUDITED_ENTITIES.has(m.entity)) return false;
    return !(m.type === "record.put" && m.entity === "outgoing" && (typeof m.data["year"] === "number" || typeof m.data["number"] === "number"));
  }

  /**
   * A run of batchable mutations of a client, each on a different record, in four statements
   * whatever its length: one read of the records, the rule table and base versions judged here,
   * one upsert guarded by each row's version, one insert into the feed (in the run's order).
   * Answers exactly as `apply` one by one would: the records are distinct, so no mutation of the
   * run depends on another's outcome. An outbox of fifty edits was fifty times three round trips.
   */
  async applyBatch(trx: Tx, acting: Acting, ms: RecordMutation[]): Promise<(Assigned | MutationRefused)[]> {
    if (acting.trusted) throw new Error("applyBatch is for what clients push");
    const existing = await this.getMany(trx, acting.officeId, ms);
    const key = (entity: string, id: string) => `${entity}\u0000${id}`;
    const out: (Assigned | MutationRefused)[] = [];
    const writes: { i: number; m: RecordMutation; data: string | null; version: number }[] = [];
    for (const [i, m] of ms.entries()) {
      const found = existing.get(key(m.entity, m.recordId));
      const verdict = this.judge(acting, m, found);
      if (verdict instanceof MutationRefused) out.push(verdict);
      else if ("replay" in verdict) out.push({ version: verdict.replay });
      else {
        out.push({});
        writes.push({ i, m, data: m.type === "record.put" ? JSON.stringify(m.data) : null, version: (found?.version ?? 0) + 1 });
      }
    }
    if (writes.length === 0) return out;
    const now = stamp(this.ctx.clock);
    // Each row carries the version it will have; the update happens only where the stored
    // version is still the one before it (a new record: no row, or the conflict clause refuses).
    const written = await trx
      .insertInto("records")
      .values(
        writes.map((w) => ({
          office_id: acting.officeId,
          entity: w.m.entity,
          record_id: w.m.recordId,
          data: w.data,
          version: w.version,
          deleted: w.data === null ? 1 : 0,
          updated_at: now,
          provisional_at: w.m.clientTime,
          updated_by: acting.userId,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(["office_id", "entity", "record_id"])
          .doUpdateSet((eb) => ({
            data: eb.ref("excluded.data"),
            version: eb.ref("excluded.version"),
            deleted: eb.ref("excluded.deleted"),
            updated_at: eb.ref("excluded.updated_at"),
            provisional_at: eb.ref("excluded.provisional_at"),
            updated_by: eb.ref("excluded.updated_by"),
          }))
          .where("records.version", "=", sql<number>`excluded.version - 1`),
      )
      .returning(["entity", "record_id"])
      .execute();
    const done = new Set(written.map((r) => key(r.entity, r.record_id)));
    const applied = writes.filter((w) => done.has(key(w.m.entity, w.m.recordId)));
    for (const w of writes) out[w.i] = done.has(key(w.m.entity, w.m.recordId)) ? { version: w.version } : await this.movedOn(trx, acting.officeId, w.m);
    if (applied.length > 0)
      await this.feed.emitMany(
        trx,
        applied.map((w) => ({
          officeId: acting.officeId,
          entity: w.m.entity,
          entityId: w.m.recordId,
          op: w.data === null ? "delete" : "put",
          data: w.data,
          version: w.version,
          at: now,
        })),
      );
    return out;
  }

  private async getMany(trx: Tx, officeId: string, ms: RecordMutation[]): Promise<Map<string, StoredRecord>> {
    const entities = [...new Set(ms.map((m) => m.entity))];
    const ids = [...new Set(ms.map((m) => m.recordId))];
    const rows = await trx
      .selectFrom("records")
      .select(["entity", "record_id", "version", "deleted", "data", "updated_at", "updated_by"])
      .where("office_id", "=", officeId)
      .where("entity", "in", entities)
      .where("record_id", "in", ids)
      .execute();
    return new Map(
      rows.map((r) => [
        `${r.entity}\u0000${r.record_id}`,
        {
          version: Number(r.version),
          deleted: Number(r.deleted) === 1,
          data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>),
          updatedAt: r.updated_at,
          updatedBy: r.updated_by,
        },
      ]),
    );
  }

  /**
   * Writes a record if its version is still `expected` (0: it must not exist), in one statement
   * so that concurrent writers cannot both succeed; `undefined` expected writes unconditionally.
   * Returns the new version, or undefined when the record moved on.
   */
  async write(
    trx: Tx,
    acting: { officeId: string; userId: string },
    entity: string,
    recordId: string,
    data: string | null,
    expected: number | undefined,
    clientTime: string | null,
  ): Promise<number | undefined> {
    const now = stamp(this.ctx.clock);
    const deleted = data === null ? 1 : 0;
    const values = {
      office_id: acting.officeId,
      entity,
      record_id: recordId,
      data,
      version: 1,
      deleted,
      updated_at: now,
      provisional_at: clientTime,
      updated_by: acting.userId,
    };
    let row: { version: number } | undefined;
    if (expected === 0) {
      row = await trx
        .insertInto("records")
        .values(values)
        .onConflict((oc) => oc.columns(["office_id", "entity", "record_id"]).doNothing())
        .returning("version")
        .executeTakeFirst();
    } else if (expected === undefined) {
      row = await trx
        .insertInto("records")
        .values(values)
        .onConflict((oc) =>
          oc
            .columns(["office_id", "entity", "record_id"])
            .doUpdateSet({ data, version: sql<number>`records.version + 1`, deleted, updated_at: now, provisional_at: clientTime, updated_by: acting.userId }),
        )
        .returning("version")
        .executeTakeFirst();
    } else {
      row = await trx
        .updateTable("records")
        .set({ data, version: sql<number>`version + 1`, deleted, updated_at: now, provisional_at: clientTime, updated_by: acting.userId })
        .where("office_id", "=", acting.officeId)
        .where("entity", "=", entity)
        .where("record_id", "=", recordId)
        .where("version", "=", expected)
        .returning("version")
        .executeTakeFirst();
    }
    if (!row) return undefined;
    const version = Number(row.version);
    await this.feed.emit(trx, acting.officeId, entity, recordId, data === null ? "delete" : "put", data, version, now);
    return version;
  }

  /** No two entries of the sổ văn bản đi share a number of one year (Nghị định 30/2020 Điều 15). */
  private async assertOutgoingNumberFree(trx: Tx, officeId: string, recordId: string, data: Record<string, unknown>) {
    const { year, number } = data;
    if (typeof year !== "number" || typeof number !== "number") return;
    const field = (name: string) =>
      this.ctx.dialect === "postgres" ? sql<string>`(data::jsonb ->> ${name})` : sql<string>`CAST(json_extract(data, ${"$." + name}) AS TEXT)`;
    const other = await trx
      .selectFrom("records")
      .select(["record_id", "data"])
      .where("office_id", "=", officeId)
      .where("entity", "=", "outgoing")
      .where("deleted", "=", 0)
      .where("record_id", "!=", recordId)
      .where(field("year"), "=", String(year))
      .where(field("number"), "=", String(number))
      .executeTakeFirst();
    if (other) {
      const nas = (JSON.parse(other.data!) as { numberAndSymbol?: string }).numberAndSymbol ?? String(number);
      throw refuse(
        "number_taken",
        `Số ${nas} năm ${year} đã được dùng cho một văn bản khác trong sổ văn bản đi.`,
        `Outgoing number ${number}/${year} is already used by entry ${other.record_id}`,
      );
    }
  }

  /** Custody changes, incidents and requests are acts of the office: the server chains them as they are first recorded. */
  private async auditCreate(trx: Tx, acting: Acting, entity: string, recordId: string, data: Record<string, unknown>) {
    const act = auditOfRecord(entity, recordId, data, acting);
    if (act && !(act.entryId && (await this.audit.entryExists(trx, acting.officeId, act.entryId)))) await this.audit.append(trx, acting.officeId, act);
  }
}

/**
 * What the rule table and the base version say of a mutation on the record as read: refused,
 * a conflict, an idempotent replay of an append-only record, or the operation to write.
 */
export function judgeRecordEdit(
  acting: Acting,
  m: RecordMutation,
  existing: StoredRecord | undefined,
): { op: RecordOp } | { replay: number } | MutationRefused {
  const live = existing !== undefined && !existing.deleted;
  const op: RecordOp = m.type === "record.delete" ? "delete" : live ? "update" : "create";
  if (!acting.trusted) {
    const refusal = recordRefusal(m.entity, op, acting.roles, acting.where);
    // A replay of an append-only record with exactly its stored data changes nothing: answer it as applied.
    if (refusal?.code === "rule.append_only" && m.type === "record.put" && existing && sameData(existing.data, m.data)) return { replay: existing.version };
    if (refusal) return refuse(refusal.code, refusal.messageVi, refusal.messageEn, { entity: m.entity, recordId: m.recordId, op });
    if (op === "delete" && !live) return refuse("not_found", "Bản ghi cần xóa không có (hoặc đã bị xóa).", `${m.entity} ${m.recordId} does not exist`);
  }
  const base = m.baseVersion ?? 0;
  if (!acting.trusted && (existing ? base !== existing.version : base !== 0)) {
    if (existing)
      return conflict({
        entity: m.entity,
        id: m.recordId,
        version: existing.version,
        deleted: existing.deleted,
        data: existing.data,
        updatedAt: existing.updatedAt,
        updatedBy: existing.updatedBy,
      });
    return refuse(
      "bad_base_version",
      "Bản ghi này chưa có trên máy chủ; không thể sửa theo một phiên bản cũ.",
      `${m.entity} ${m.recordId} does not exist; baseVersion must be 0`,
    );
  }
  return { op };
}

/** The conflict answered when the record moved on between the read and the guarded write: the record as it is now. */
export function movedOnConflict(m: RecordMutation, now: StoredRecord | undefined, at: string): MutationRefused {
  return conflict({
    entity: m.entity,
    id: m.recordId,
    version: now?.version ?? 0,
    deleted: now?.deleted ?? true,
    data: now?.data ?? null,
    updatedAt: now?.updatedAt ?? at,
    updatedBy: now?.updatedBy ?? "",
  });
}

/** A records row as the rules read it. */
export function storedRecord(r: {
  version: number | string;
  deleted: number | string;
  data: string | null;
  updated_at: string;
  updated_by: string;
}): StoredRecord {
  return {
    version: Number(r.version),
    deleted: Number(r.deleted) === 1,
    data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>),
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

function sameData(a: Record<string, unknown> | null, b: Record<string, unknown>): boolean {
  try {
    return a !== null && canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
}

const str = (v: unknown, max = 300) => (typeof v === "string" && v.trim() ? v.trim().slice(0, max) : undefined);

/** Entities whose new records the server chains into the office's audit trail (auditOfRecord). */
const AUDITED_ENTITIES = new Set(["cert_custody", "cert_incident", "cert_request", "audit_entry"]);

/** The audit act a new record stands for, if any. */
function auditOfRecord(entity: string, recordId: string, data: Record<string, unknown>, acting: Acting): AuditAct | undefined {
  switch (entity) {
    case "cert_custody":
      return {
        action: "custody-change",
        actor: acting.person,
        summary: `Ghi nhận giao nhận thiết bị lưu khóa bí mật${str(data["tokenSerial"]) ? ` ${str(data["tokenSerial"])}` : ""}.`,
        subject: { kind: "custody", id: recordId },
      };
    case "cert_incident":
      return {
        action: "incident",
        actor: acting.person,
        summary: `Báo sự cố thiết bị lưu khóa bí mật${str(data["kind"]) ? ` (${str(data["kind"])})` : ""}.`,
        subject: { kind: "incident", id: recordId },
      };
    case "cert_request":
      return {
        action: "request",
        actor: acting.person,
        summary: `Lập đề nghị chứng thực${str(data["type"]) ? ` (${str(data["type"])})` : ""}.`,
        subject: { kind: "request", id: recordId },
      };
    case "audit_entry": {
      // The device's own chain entry (signing, verification… seen only there): chained on the server too.
      const action = str(data["action"]);
      const summary = str(data["summary"], 2000);
      if (!summary || !action || !["verification", "signing", "certificate", "custody-change", "incident", "request", "acceptance", "refusal"].includes(action))
        return undefined;
      const subject = data["subject"] as { kind?: string; id?: string; label?: string } | undefined;
      return {
        action: action as AuditAct["action"],
        actor: acting.person,
        summary,
        entryId: `device-${recordId}`.slice(0, 100),
        ...(subject && typeof subject.id === "string" && ["document", "certificate", "token", "request", "incident", "custody"].includes(String(subject.kind))
          ? {
              subject: {
                kind: subject.kind as "document",
                id: subject.id.slice(0, 200),
                ...(typeof subject.label === "string" ? { label: subject.label.slice(0, 300) } : {}),
              },
            }
          : {}),
        details: { reportedBy: "device", deviceEntryId: recordId, deviceTime: str((data["time"] as { at?: unknown } | undefined)?.at, 40) ?? null },
      };
    }
    default:
      return undefined;
  }
}
