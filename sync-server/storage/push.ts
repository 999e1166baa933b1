import { actionRefusal } from "../../shared/sync/rules.ts";
import type { Assigned, Mutation, MutationResult } from "../../shared/sync/schemas.ts";
import { stamp } from "../clock/qlvb-clock.ts";
import { SyncError } from "../errors.ts";
import type { AuditRepository } from "./audit.ts";
import type { Acting, Actor, StorageContext, Tx } from "./context.ts";
import type { DraftRepository } from "./drafts.ts";
import type { ExchangeRepository } from "./exchange.ts";
import type { RecordRepository } from "./records.ts";
import { MutationRefused, refuse } from "./refusal.ts";
import type { RegisterRepository } from "./registers.ts";

export interface PushOptions {
  clientId: string;
  /** Test seam: runs inside the push's transaction just before it commits. */
  beforeCommit?: () => Promise<void>;
  /**
   * Server code writing with its own authority (a route that checked its own rules): the rule
   * table and base versions are not checked. Never set for what a client pushed.
   */
  trusted?: boolean;
}

/** Errors of a handler that mean "not this mutation" rather than "not this batch" (all thrown before any write). */
const REFUSAL_STATUSES = new Set([403, 404, 409, 422]);

/**
 * The push: an outbox of mutations applied in order, in one transaction. Each mutation is
 * applied at most once (its id is remembered with its answer), or refused / answered as a
 * conflict — then it writes nothing, is not remembered (a retry is judged again), and the rest
 * of the batch goes on.
 */
export class PushRepository {
  constructor(
    private readonly ctx: StorageContext,
    private readonly records: RecordRepository,
    private readonly exchange: ExchangeRepository,
    private readonly drafts: DraftRepository,
    private readonly registers: RegisterRepository,
    private readonly audit: AuditRepository,
  ) {}

  async apply(actor: Actor, mutations: Mutation[], options: PushOptions): Promise<MutationResult[]> {
    return this.ctx.db.transaction().execute(async (trx) => {
      const acting = await this.acting(trx, actor, options);
      const results: MutationResult[] = [];
      const seen = new Set<string>();
      for (const m of mutations) {
        if (seen.has(m.id)) {
          throw new SyncError(
            400,
            "duplicate_mutation_id",
            `Mã thao tác ${m.id} bị lặp trong cùng một lần gửi.`,
            `Mutation id ${m.id} appears twice in one push`,
            { mutationId: m.id },
          );
        }
        seen.add(m.id);
        results.push(await this.applyOnce(trx, acting, m));
      }
      if (options.beforeCommit) await options.beforeCommit();
      return results;
    });
  }

  private async applyOnce(trx: Tx, acting: Acting, m: Mutation): Promise<MutationResult> {
    const inserted = await trx
      .insertInto("mutations")
      .values({
        office_id: acting.officeId,
        mutation_id: m.id,
        client_id: acting.clientId,
        user_id: acting.userId,
        type: m.type,
        result: "{}",
        applied_at: stamp(this.ctx.clock),
      })
      .onConflict((oc) => oc.columns(["office_id", "mutation_id"]).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
      const prior = await trx
        .selectFrom("mutations")
        .select(["result"])
        .where("office_id", "=", acting.officeId)
        .where("mutation_id", "=", m.id)
        .executeTakeFirstOrThrow();
      return { mutationId: m.id, status: "duplicate", assigned: JSON.parse(prior.result) as Assigned };
    }
    try {
      const assigned = await this.applyOne(trx, acting, m);
      await trx
        .updateTable("mutations")
        .set({ result: JSON.stringify(assigned) })
        .where("office_id", "=", acting.officeId)
        .where("mutation_id", "=", m.id)
        .execute();
      return { mutationId: m.id, status: "applied", assigned };
    } catch (e) {
      const refusal =
        e instanceof MutationRefused
          ? e
          : e instanceof SyncError && REFUSAL_STATUSES.has(e.status)
            ? new MutationRefused({ code: e.code, message: e.message, messageVi: e.messageVi })
            : undefined;
      if (!refusal) {
        if (e instanceof SyncError && e.details === undefined)
          throw new SyncError(e.status, e.code, `${e.messageVi} (thao tác ${m.id})`, `${e.message} (mutation ${m.id})`, { mutationId: m.id });
        throw e;
      }
      await trx.deleteFrom("mutations").where("office_id", "=", acting.officeId).where("mutation_id", "=", m.id).execute();
      return {
        mutationId: m.id,
        status: refusal.current ? "conflict" : "refused",
        assigned: {},
        error: refusal.error,
        ...(refusal.current ? { current: refusal.current } : {}),
      };
    }
  }

  /** Who is pushing, from the account: their name, and whether the acting office is their own. */
  private async acting(trx: Tx, actor: Actor, options: PushOptions): Promise<Acting> {
    const u = await trx.selectFrom("users").select(["office_id", "full_name"]).where("id", "=", actor.userId).executeTakeFirst();
    return {
      ...actor,
      person: { id: actor.userId, name: u?.full_name ?? actor.userId },
      where: u && u.office_id === actor.officeId ? "own" : "managed",
      clientId: options.clientId,
      trusted: options.trusted === true,
    };
  }

  private async applyOne(trx: Tx, acting: Acting, m: Mutation): Promise<Assigned> {
    switch (m.type) {
      case "record.put":
      case "record.delete":
        return this.records.apply(trx, acting, m);
      case "exchange.send":
        return this.exchange.send(trx, acting, m);
      case "exchange.accept":
      case "exchange.refuse":
        return this.exchange.decide(trx, acting, m);
      case "incoming.register":
        return this.exchange.registerPaper(trx, acting, m);
      case "number.reserve": {
        this.requireAction(acting, m.type);
        const r = await this.registers.reserve(trx, acting.officeId, m.registerId, m.count, acting.person, acting.clientId);
        return { reserved: { registerId: m.registerId, ...r } };
      }
      case "number.cancel":
        this.requireAction(acting, m.type);
        await this.registers.cancel(trx, acting.officeId, m.registerId, m.year, m.number, m.reason, acting.person);
        return {};
      case "audit.append": {
        this.requireAction(acting, m.type);
        if (await this.audit.entryExists(trx, acting.officeId, m.entryId))
          throw refuse("audit_entry_exists", "Mục nhật ký này đã được ghi.", `Audit entry ${m.entryId} exists`);
        const subject = m.subject ?? (m.documentSha256 ? { kind: "document" as const, id: m.documentSha256 } : undefined);
        const entry = await this.audit.append(trx, acting.officeId, {
          entryId: m.entryId,
          action: m.action,
          actor: acting.person,
          summary: m.summary,
          ...(subject ? { subject } : {}),
          details: { ...(m.details ?? {}), ...(m.documentSha256 ? { documentSha256: m.documentSha256 } : {}), reportedBy: "device", deviceTime: m.clientTime },
        });
        return { audit: { seq: entry.seq, hash: entry.hash } };
      }
      default:
        return this.drafts.apply(trx, acting, m);
    }
  }

  private requireAction(acting: Acting, type: "number.reserve" | "number.cancel" | "audit.append") {
    if (acting.trusted) return;
    const refusal = actionRefusal(type, acting.roles, acting.where);
    if (refusal) throw refuse(refusal.code, refusal.messageVi, refusal.messageEn);
  }
}
