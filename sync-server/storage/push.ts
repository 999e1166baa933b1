import { sql } from "kysely";
import type { Assigned, Mutation, MutationResult } from "../../shared/sync/schemas.ts";
import { stamp } from "../clock/qlvb-clock.ts";
import { SyncError } from "../errors.ts";
import type { Actor, StorageContext, Tx } from "./context.ts";
import type { ExchangeRepository } from "./exchange.ts";
import type { ChangeFeed } from "./feed.ts";

export interface PushOptions {
  clientId: string;
  /** Test seam: runs inside the push's transaction just before it commits. */
  beforeCommit?: () => Promise<void>;
}

/** The push: an outbox of mutations applied in order, in one transaction, each at most once. */
export class PushRepository {
  constructor(
    private readonly ctx: StorageContext,
    private readonly feed: ChangeFeed,
    private readonly exchange: ExchangeRepository,
  ) {}

  /**
   * Applies a batch of mutations in order, in one transaction. A mutation id already applied
   * for this office gets its first answer back and changes nothing. Any failure rolls back the
   * whole batch: nothing of it is kept.
   */
  async apply(actor: Actor, mutations: Mutation[], options: PushOptions): Promise<MutationResult[]> {
    return this.ctx.db.transaction().execute(async (trx) => {
      const results: MutationResult[] = [];
      const seen = new Set<string>();
      for (const m of mutations) {
        if (seen.has(m.id)) {
          throw new SyncError(400, "duplicate_mutation_id", `Mã thao tác ${m.id} bị lặp trong cùng một lần gửi.`, `Mutation id ${m.id} appears twice in one push`, { mutationId: m.id });
        }
        seen.add(m.id);
        const inserted = await trx
          .insertInto("mutations")
          .values({ office_id: actor.officeId, mutation_id: m.id, client_id: options.clientId, user_id: actor.userId, type: m.type, result: "{}", applied_at: stamp(this.ctx.clock) })
          .onConflict((oc) => oc.columns(["office_id", "mutation_id"]).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
          const prior = await trx.selectFrom("mutations").select(["result", "type"]).where("office_id", "=", actor.officeId).where("mutation_id", "=", m.id).executeTakeFirstOrThrow();
          results.push({ mutationId: m.id, status: "duplicate", assigned: JSON.parse(prior.result) as Assigned });
          continue;
        }
        let assigned: Assigned;
        try {
          assigned = await this.applyOne(trx, actor, m);
        } catch (e) {
          if (e instanceof SyncError && e.details === undefined) {
            throw new SyncError(e.status, e.code, `${e.messageVi} (thao tác ${m.id})`, `${e.message} (mutation ${m.id})`, { mutationId: m.id });
          }
          throw e;
        }
        await trx.updateTable("mutations").set({ result: JSON.stringify(assigned) }).where("office_id", "=", actor.officeId).where("mutation_id", "=", m.id).execute();
        results.push({ mutationId: m.id, status: "applied", assigned });
      }
      if (options.beforeCommit) await options.beforeCommit();
      return results;
    });
  }

  private async applyOne(trx: Tx, actor: Actor, m: Mutation): Promise<Assigned> {
    switch (m.type) {
      case "record.put":
      case "record.delete":
        return this.applyRecord(trx, actor, m);
      case "exchange.send":
        return this.exchange.send(trx, actor, m);
      case "exchange.accept":
      case "exchange.refuse":
        return this.exchange.decide(trx, actor, m);
      default:
        // The authority mutations (drafts, numbers, audit, paper registration) land with the next commits.
        throw new SyncError(422, "not_implemented", "Máy chủ chưa hỗ trợ thao tác này.", `Mutation type ${m.type} is not implemented yet`);
    }
  }

  private async applyRecord(trx: Tx, actor: Actor, m: Extract<Mutation, { type: "record.put" | "record.delete" }>): Promise<Assigned> {
    const now = stamp(this.ctx.clock);
    const data = m.type === "record.put" ? JSON.stringify(m.data) : null;
    const deleted = m.type === "record.delete" ? 1 : 0;
    // One statement: insert, or bump the version of the office's existing record.
    const row = await trx
      .insertInto("records")
      .values({ office_id: actor.officeId, entity: m.entity, record_id: m.recordId, data, version: 1, deleted, updated_at: now, provisional_at: m.clientTime, updated_by: actor.userId })
      .onConflict((oc) =>
        oc.columns(["office_id", "entity", "record_id"]).doUpdateSet({ data, version: sql<number>`records.version + 1`, deleted, updated_at: now, provisional_at: m.clientTime, updated_by: actor.userId }),
      )
      .returning("version")
      .executeTakeFirstOrThrow();
    const version = Number(row.version);
    await this.feed.emit(trx, actor.officeId, m.entity, m.recordId, m.type === "record.put" ? "put" : "delete", data, version, now);
    return { version };
  }
}
