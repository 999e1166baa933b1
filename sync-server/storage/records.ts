import { sql } from "kysely";
import { recordRefusal, type RecordOp } from "../../shared/sync/rules.ts";
import type { Assigned, CurrentRecord, Mutation } from "../../shared/sync/schemas.ts";
import { canonicalJson } from "../../shared/domain/audit/canonical.ts";
import { stamp } from "../clock/qlvb-clock.ts";
import type { AuditAct, AuditRepository } from "./audit.ts";
import type { Acting, StorageContext, Tx } from "./context.ts";
import type { ChangeFeed } from "./feed.ts";
import { conflict, refuse } from "./refusal.ts";

type RecordMutation = Extract<Mutation, { type: "record.put" | "record.delete" }>;

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
    if (!r) return undefined;
    return {
      version: Number(r.version),
      deleted: Number(r.deleted) === 1,
      data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>),
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
    };
  }

  async apply(trx: Tx, acting: Acting, m: RecordMutation): Promise<Assigned> {
    const existing = await this.get(trx, acting.officeId, m.entity, m.recordId);
    const live = existing !== undefined && !existing.deleted;
    const op: RecordOp = m.type === "record.delete" ? "delete" : live ? "update" : "create";
    if (!acting.trusted) {
      const refusal = recordRefusal(m.entity, op, acting.roles, acting.where);
      // A replay of an append-only record with exactly its stored data changes nothing: answer it as applied.
      if (refusal?.code === "rule.append_only" && m.type === "record.put" && existing && sameData(existing.data, m.data)) return { version: existing.version };
      if (refusal) throw refuse(refusal.code, refusal.messageVi, refusal.messageEn, { entity: m.entity, recordId: m.recordId, op });
      if (op === "delete" && !live) throw refuse("not_found", "Bản ghi cần xóa không có (hoặc đã bị xóa).", `${m.entity} ${m.recordId} does not exist`);
    }
    const current = (): CurrentRecord => ({
      entity: m.entity,
      id: m.recordId,
      version: existing!.version,
      deleted: existing!.deleted,
      data: existing!.data,
      updatedAt: existing!.updatedAt,
      updatedBy: existing!.updatedBy,
    });
    const base = m.baseVersion ?? 0;
    if (!acting.trusted && (existing ? base !== existing.version : base !== 0)) {
      if (existing) throw conflict(current());
      throw refuse(
        "bad_base_version",
        "Bản ghi này chưa có trên máy chủ; không thể sửa theo một phiên bản cũ.",
        `${m.entity} ${m.recordId} does not exist; baseVersion must be 0`,
      );
    }
    if (m.type === "record.put" && m.entity === "outgoing") await this.assertOutgoingNumberFree(trx, acting.officeId, m.recordId, m.data);
    const data = m.type === "record.put" ? JSON.stringify(m.data) : null;
    const version = await this.write(trx, acting, m.entity, m.recordId, data, acting.trusted ? undefined : (existing?.version ?? 0), m.clientTime);
    if (version === undefined) {
      // Another writer committed between the read and the write (PostgreSQL): report it as the conflict it is.
      const now = await this.get(trx, acting.officeId, m.entity, m.recordId);
      throw conflict({
        entity: m.entity,
        id: m.recordId,
        version: now?.version ?? 0,
        deleted: now?.deleted ?? true,
        data: now?.data ?? null,
        updatedAt: now?.updatedAt ?? stamp(this.ctx.clock),
        updatedBy: now?.updatedBy ?? "",
      });
    }
    if (op === "create" && m.type === "record.put") await this.auditCreate(trx, acting, m.entity, m.recordId, m.data);
    return { version };
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

function sameData(a: Record<string, unknown> | null, b: Record<string, unknown>): boolean {
  try {
    return a !== null && canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
}

const str = (v: unknown, max = 300) => (typeof v === "string" && v.trim() ? v.trim().slice(0, max) : undefined);

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
