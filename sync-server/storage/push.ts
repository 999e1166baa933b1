import { actionRefusal } from "../../shared/sync/rules.ts";
import type { Assigned, Mutation, MutationResult } from "../../shared/sync/schemas.ts";
import { stamp } from "../clock/qlvb-clock.ts";
import { SyncError } from "../errors.ts";
import type { AuditRepository } from "./audit.ts";
import type { Acting, Actor, StorageContext, Tx } from "./context.ts";
import type { DraftRepository } from "./drafts.ts";
import type { ExchangeRepository } from "./exchange.ts";
import { RecordEditPush } from "./record-edits.ts";
import { RecordRepository } from "./records.ts";
import { answerOf, MutationRefused, refuse } from "./refusal.ts";
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
  /** The pushing account as the session check just read it (its office and name); read again when absent. */
  account?: { officeId: string; fullName: string };
}

type RecordMutation = Extract<Mutation, { type: "record.put" | "record.delete" }>;

function actingOf(actor: Actor, account: { officeId: string; fullName: string } | undefined, options: PushOptions): Acting {
  return {
    ...actor,
    person: { id: actor.userId, name: account?.fullName ?? actor.userId },
    where: account && account.officeId === actor.officeId ? "own" : "managed",
    clientId: options.clientId,
    trusted: options.trusted === true,
  };
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
  private readonly recordEdits: RecordEditPush;
  constructor(
    private readonly ctx: StorageContext,
    private readonly records: RecordRepository,
    private readonly exchange: ExchangeRepository,
    private readonly drafts: DraftRepository,
    private readonly registers: RegisterRepository,
    private readonly audit: AuditRepository,
  ) {
    this.recordEdits = new RecordEditPush(ctx);
  }

  async apply(actor: Actor, mutations: Mutation[], options: PushOptions): Promise<MutationResult[]> {
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
    }
    // An outbox of record edits (what a PWA mostly pushes) takes the short way; it answers the same.
    if (options.account && !options.trusted && !options.beforeCommit && RecordEditPush.fits(mutations))
      return this.recordEdits.apply(actingOf(actor, options.account, options), mutations);
    return this.ctx.db.transaction().execute(async (trx) => {
      const acting = await this.acting(trx, actor, options);
      // The whole batch's ids are claimed in one statement, and the answers stored in one at the
      // end: two statements per push instead of two per mutation (sync.bench.ts). Claiming first
      // keeps what per-mutation claims gave: a retry racing its first attempt (PostgreSQL) waits
      // on the id's unique key and then answers `duplicate`, never applies twice.
      const claimed = await this.claim(trx, acting, mutations);
      const prior = claimed.size === mutations.length ? new Map<string, string>() : await this.priorAnswers(trx, acting, mutations, claimed);
      const results: MutationResult[] = [];
      for (let i = 0; i < mutations.length; ) {
        const m = mutations[i]!;
        if (!claimed.has(m.id)) {
          results.push({ mutationId: m.id, status: "duplicate", assigned: JSON.parse(prior.get(m.id) ?? "{}") as Assigned });
          i++;
          continue;
        }
        const run = acting.trusted ? [] : this.recordRun(mutations, i, claimed);
        if (run.length > 1) {
          const answers = await this.records.applyBatch(trx, acting, run);
          run.forEach((r, k) => results.push(answerOf(r.id, answers[k]!)));
          i += run.length;
        } else {
          results.push(await this.applyOnce(trx, acting, m));
          i++;
        }
      }
      await this.remember(trx, acting, mutations, results);
      if (options.beforeCommit) await options.beforeCommit();
      return results;
    });
  }

  /** The longest run from `start` of claimed record mutations that can be applied together, each on its own record. */
  private recordRun(mutations: Mutation[], start: number, claimed: Set<string>): RecordMutation[] {
    const run: RecordMutation[] = [];
    const records = new Set<string>();
    for (let i = start; i < mutations.length; i++) {
      const m = mutations[i]!;
      if (!claimed.has(m.id) || !RecordRepository.batchable(m)) break;
      const key = `${m.entity}\u0000${m.recordId}`;
      if (records.has(key)) break;
      records.add(key);
      run.push(m);
    }
    return run;
  }

  /** Inserts the ids not seen before (with an empty answer for now); returns those it inserted. */
  private async claim(trx: Tx, acting: Acting, mutations: Mutation[]): Promise<Set<string>> {
    const at = stamp(this.ctx.clock);
    const rows = await trx
      .insertInto("mutations")
      .values(mutations.map((m) => this.row(acting, m, "{}", at)))
      .onConflict((oc) => oc.columns(["office_id", "mutation_id"]).doNothing())
      .returning("mutation_id")
      .execute();
    return new Set(rows.map((r) => r.mutation_id));
  }

  private async priorAnswers(trx: Tx, acting: Acting, mutations: Mutation[], claimed: Set<string>): Promise<Map<string, string>> {
    const ids = mutations.filter((m) => !claimed.has(m.id)).map((m) => m.id);
    const rows = await trx
      .selectFrom("mutations")
      .select(["mutation_id", "result"])
      .where("office_id", "=", acting.officeId)
      .where("mutation_id", "in", ids)
      .execute();
    return new Map(rows.map((r) => [r.mutation_id, r.result]));
  }

  /**
   * Stores the answers of the applied mutations (one upsert over the claimed rows) and forgets
   * the refused and conflicting ones, so that a retry is judged again.
   */
  private async remember(trx: Tx, acting: Acting, mutations: Mutation[], results: MutationResult[]): Promise<void> {
    const at = stamp(this.ctx.clock);
    const byId = new Map(mutations.map((m) => [m.id, m]));
    const applied = results.filter((r) => r.status === "applied");
    const dropped = results.filter((r) => r.status === "refused" || r.status === "conflict").map((r) => r.mutationId);
    if (applied.length > 0)
      await trx
        .insertInto("mutations")
        .values(applied.map((r) => this.row(acting, byId.get(r.mutationId)!, JSON.stringify(r.assigned), at)))
        .onConflict((oc) => oc.columns(["office_id", "mutation_id"]).doUpdateSet((eb) => ({ result: eb.ref("excluded.result") })))
        .execute();
    if (dropped.length > 0) await trx.deleteFrom("mutations").where("office_id", "=", acting.officeId).where("mutation_id", "in", dropped).execute();
  }

  private row(acting: Acting, m: Mutation, result: string, at: string) {
    return { office_id: acting.officeId, mutation_id: m.id, client_id: acting.clientId, user_id: acting.userId, type: m.type, result, applied_at: at };
  }

  /** Applies one claimed mutation; a refusal or conflict becomes its answer (and writes nothing). */
  private async applyOnce(trx: Tx, acting: Acting, m: Mutation): Promise<MutationResult> {
    try {
      return answerOf(m.id, await this.applyOne(trx, acting, m));
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
      return answerOf(m.id, refusal);
    }
  }

  /** Who is pushing, from the account: their name, and whether the acting office is their own. */
  private async acting(trx: Tx, actor: Actor, options: PushOptions): Promise<Acting> {
    if (options.account) return actingOf(actor, options.account, options);
    const u = await trx.selectFrom("users").select(["office_id", "full_name"]).where("id", "=", actor.userId).executeTakeFirst();
    return actingOf(actor, u && { officeId: u.office_id, fullName: u.full_name }, options);
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
