import { randomUUID } from "node:crypto";
import { sql, type Kysely, type Transaction } from "kysely";
import type {
  Assigned,
  BlobRef,
  Change,
  DocumentHeader,
  IncomingDelivery,
  Mutation,
  MutationResult,
  Office,
  OfficeKind,
  OutgoingExchange,
  Role,
} from "../../shared/sync/schemas.ts";
import { EXCHANGE_INCOMING, EXCHANGE_OUTGOING } from "../../shared/sync/schemas.ts";
import { vietnamYear } from "../../shared/sync/time.ts";
import { stamp, type QlvbClock } from "../clock/qlvb-clock.ts";
import { SyncError, forbidden, notFound } from "../errors.ts";
import type { DialectName } from "./migrations.ts";
import { migrateToLatest, openDatabase, type DatabaseTarget } from "./open.ts";
import { TABLES, type Database } from "./schema.ts";

export interface User {
  id: string;
  officeId: string;
  username: string;
  fullName: string;
  passwordHash: string;
  roles: Role[];
  disabled: boolean;
}

/** Who is acting, for which office: every office-scoped call takes one. */
export interface Actor {
  userId: string;
  roles: Role[];
  /** The office whose data this call may touch (already checked against the user's offices). */
  officeId: string;
}

export interface PushOptions {
  clientId: string;
  /** Test seam: runs inside the push's transaction just before it commits. */
  beforeCommit?: () => Promise<void>;
}

export interface PullPage {
  changes: Change[];
  cursor: string;
  hasMore: boolean;
}

export interface ExternalSender {
  organId: string;
  name: string;
}

type Tx = Kysely<Database> | Transaction<Database>;

const CLERK_ROLES: Role[] = ["clerk", "admin"];

/**
 * The sync server's storage: one class over Kysely, the same queries on SQLite and
 * PostgreSQL. Every office-scoped query filters by the actor's office id.
 */
export class SyncStorage {
  private constructor(
    readonly db: Kysely<Database>,
    readonly dialect: DialectName,
    readonly clock: QlvbClock,
  ) {}

  /**
   * Opens (and migrates) the database. `readonly` opens an existing database without
   * migrating or writing anything: what a backup of a running server needs.
   */
  static async open(target: DatabaseTarget, clock: QlvbClock, options: { poolSize?: number; readonly?: boolean } = {}): Promise<SyncStorage> {
    const { db, dialect } = openDatabase(target, options);
    try {
      if (!options.readonly) await migrateToLatest(db, dialect);
    } catch (e) {
      await db.destroy();
      throw e;
    }
    return new SyncStorage(db, dialect, clock);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  // ------------------------------------------------------------ offices and users
  async isEmpty(): Promise<boolean> {
    const row = await this.db.selectFrom("offices").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    return Number(row.n) === 0;
  }

  async createOffice(o: { id?: string; name: string; kind: OfficeKind; organId: string; isDemo?: boolean }): Promise<Office> {
    const id = o.id ?? randomUUID();
    await this.db
      .insertInto("offices")
      .values({ id, name: o.name, kind: o.kind, organ_id: o.organId, is_demo: o.isDemo ? 1 : 0, created_at: stamp(this.clock) })
      .execute();
    return { id, name: o.name, kind: o.kind, organId: o.organId, isDemo: !!o.isDemo };
  }

  async getOffice(id: string): Promise<Office | undefined> {
    const r = await this.db.selectFrom("offices").selectAll().where("id", "=", id).executeTakeFirst();
    return r ? toOffice(r) : undefined;
  }

  /** The directory of offices (names and organ ids only: what a sender needs to address a document). */
  async listOffices(): Promise<Office[]> {
    const rows = await this.db.selectFrom("offices").selectAll().orderBy("name").execute();
    return rows.map(toOffice);
  }

  async createUser(u: { officeId: string; username: string; fullName: string; passwordHash: string; roles: Role[]; managedOfficeIds?: string[] }): Promise<User> {
    const id = randomUUID();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("users")
        .values({ id, office_id: u.officeId, username: u.username, full_name: u.fullName, password_hash: u.passwordHash, roles: JSON.stringify(u.roles), disabled: 0, created_at: stamp(this.clock) })
        .execute();
      for (const officeId of u.managedOfficeIds ?? []) await trx.insertInto("managed_offices").values({ user_id: id, office_id: officeId }).execute();
    });
    return { id, officeId: u.officeId, username: u.username, fullName: u.fullName, passwordHash: u.passwordHash, roles: u.roles, disabled: false };
  }

  async findUserByUsername(username: string): Promise<User | undefined> {
    const r = await this.db.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirst();
    return r ? toUser(r) : undefined;
  }

  async getUser(id: string): Promise<User | undefined> {
    const r = await this.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
    return r ? toUser(r) : undefined;
  }

  /** The offices a user may act for: their own, and those they manage (district IT). */
  async officesOf(user: User): Promise<Office[]> {
    const rows = await this.db
      .selectFrom("offices")
      .selectAll()
      .where((eb) => eb.or([eb("id", "=", user.officeId), eb("id", "in", eb.selectFrom("managed_offices").select("office_id").where("user_id", "=", user.id))]))
      .orderBy("name")
      .execute();
    return rows.map(toOffice);
  }

  // ------------------------------------------------------------ sessions
  async createSession(tokenHash: string, userId: string, expiresAt: string): Promise<void> {
    await this.db.insertInto("sessions").values({ token_hash: tokenHash, user_id: userId, created_at: stamp(this.clock), expires_at: expiresAt }).execute();
  }

  async findSession(tokenHash: string): Promise<{ user: User; expiresAt: string } | undefined> {
    // One query (session and user together): it runs on every request.
    const r = await this.db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .selectAll("users")
      .select("sessions.expires_at")
      .where("sessions.token_hash", "=", tokenHash)
      .executeTakeFirst();
    if (!r) return undefined;
    if (Date.parse(r.expires_at) <= this.clock.now().getTime()) {
      await this.deleteSession(tokenHash);
      return undefined;
    }
    const user = toUser(r);
    return user.disabled ? undefined : { user, expiresAt: r.expires_at };
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("token_hash", "=", tokenHash).execute();
  }

  // ------------------------------------------------------------ push
  /**
   * Applies a batch of mutations in order, in one transaction. A mutation id already applied
   * for this office gets its first answer back and changes nothing. Any failure rolls back the
   * whole batch: nothing of it is kept.
   */
  async applyPush(actor: Actor, mutations: Mutation[], options: PushOptions): Promise<MutationResult[]> {
    return this.db.transaction().execute(async (trx) => {
      const results: MutationResult[] = [];
      const seen = new Set<string>();
      for (const m of mutations) {
        if (seen.has(m.id)) {
          throw new SyncError(400, "duplicate_mutation_id", `Mã thao tác ${m.id} bị lặp trong cùng một lần gửi.`, `Mutation id ${m.id} appears twice in one push`, { mutationId: m.id });
        }
        seen.add(m.id);
        const inserted = await trx
          .insertInto("mutations")
          .values({ office_id: actor.officeId, mutation_id: m.id, client_id: options.clientId, user_id: actor.userId, type: m.type, result: "{}", applied_at: stamp(this.clock) })
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
        return this.applySend(trx, actor, m);
      case "exchange.accept":
      case "exchange.refuse":
        return this.applyDecision(trx, actor, m);
    }
  }

  private async applyRecord(trx: Tx, actor: Actor, m: Extract<Mutation, { type: "record.put" | "record.delete" }>): Promise<Assigned> {
    const now = stamp(this.clock);
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
    await this.emit(trx, actor.officeId, m.entity, m.recordId, m.type === "record.put" ? "put" : "delete", data, version, now);
    return { version };
  }

  private async applySend(trx: Tx, actor: Actor, m: Extract<Mutation, { type: "exchange.send" }>): Promise<Assigned> {
    requireRole(actor, CLERK_ROLES, "gửi văn bản", "send documents");
    refuseClassified(m.header);
    const sender = await trx.selectFrom("offices").selectAll().where("id", "=", actor.officeId).executeTakeFirstOrThrow();
    const recipients = [...new Set(m.recipients)];
    if (recipients.includes(actor.officeId)) {
      throw new SyncError(422, "send_to_self", "Không gửi văn bản cho chính cơ quan mình.", "An office cannot send a document to itself");
    }
    const found = await trx.selectFrom("offices").select(["id"]).where("id", "in", recipients).execute();
    if (found.length !== recipients.length) {
      const missing = recipients.filter((r) => !found.some((f) => f.id === r));
      throw new SyncError(422, "unknown_recipient", `Không có cơ quan nhận: ${missing.join(", ")}.`, `Unknown recipient office(s): ${missing.join(", ")}`);
    }
    const blobs: BlobRef[] = [];
    for (const b of m.blobs) {
      const row = await trx
        .selectFrom("blob_refs")
        .innerJoin("blobs", "blobs.sha256", "blob_refs.sha256")
        .select(["blobs.size"])
        .where("blob_refs.office_id", "=", actor.officeId)
        .where("blob_refs.sha256", "=", b.sha256)
        .executeTakeFirst();
      if (!row) {
        throw new SyncError(409, "blob_missing", `Tệp ${b.name} chưa được tải lên máy chủ; hãy tải lên trước khi gửi.`, `Blob ${b.sha256} has not been uploaded by this office`);
      }
      blobs.push({ ...b, size: Number(row.size) });
    }
    const sentAt = stamp(this.clock);
    const exchangeId = randomUUID();
    const documentId = m.header.documentId ?? `${sender.organ_id},${m.header.promulgationDate.replaceAll("-", "/")},${m.header.codeNumber}/${m.header.codeNotation}`;
    const header: DocumentHeader = { ...m.header, documentId };
    await trx
      .insertInto("exchanges")
      .values({
        id: exchangeId,
        sender_office_id: actor.officeId,
        sender_organ_id: sender.organ_id,
        sender_name: sender.name,
        document_ref: m.documentRef,
        document_id: documentId,
        header: JSON.stringify(header),
        blobs: JSON.stringify(blobs),
        sent_at: sentAt,
        provisional_sent_at: m.clientTime,
        via: "server",
        created_by: actor.userId,
        clock_source: this.clock.source,
      })
      .execute();
    const deliveries: { deliveryId: string; recipientOfficeId: string }[] = [];
    for (const r of recipients) {
      const deliveryId = randomUUID();
      deliveries.push({ deliveryId, recipientOfficeId: r });
      await trx.insertInto("deliveries").values({ id: deliveryId, exchange_id: exchangeId, recipient_office_id: r, status: "pending", received_at: null, arrival_number: null, arrival_year: null, refused_at: null, refusal_reason: null, decided_by: null, provisional_decided_at: null, note: null }).execute();
      for (const b of blobs) await this.addBlobRefTx(trx, r, b.sha256);
      await this.emitIncoming(trx, deliveryId, sentAt);
    }
    await this.emitOutgoing(trx, exchangeId, sentAt);
    return { exchangeId, documentId, deliveries, sentAt };
  }

  private async applyDecision(trx: Tx, actor: Actor, m: Extract<Mutation, { type: "exchange.accept" | "exchange.refuse" }>): Promise<Assigned> {
    requireRole(actor, CLERK_ROLES, m.type === "exchange.accept" ? "tiếp nhận văn bản đến" : "từ chối văn bản đến", m.type === "exchange.accept" ? "accept incoming documents" : "refuse incoming documents");
    const d = await trx.selectFrom("deliveries").selectAll().where("id", "=", m.deliveryId).where("recipient_office_id", "=", actor.officeId).executeTakeFirst();
    if (!d) throw notFound(`Delivery ${m.deliveryId}`, "văn bản đến này");
    if (d.status !== "pending") {
      const vi = d.status === "accepted" ? "đã được tiếp nhận" : "đã bị từ chối";
      throw new SyncError(409, "already_decided", `Văn bản đến này ${vi} trước đó.`, `Delivery ${m.deliveryId} is already ${d.status}`);
    }
    const now = this.clock.now();
    const at = stamp({ source: this.clock.source, now: () => now });
    const exchange = await trx.selectFrom("exchanges").select(["sender_office_id"]).where("id", "=", d.exchange_id).executeTakeFirstOrThrow();
    if (m.type === "exchange.accept") {
      const year = vietnamYear(now);
      const arrivalNumber = await this.nextCounter(trx, actor.officeId, "incoming_register", year);
      await trx
        .updateTable("deliveries")
        .set({ status: "accepted", received_at: at, arrival_number: arrivalNumber, arrival_year: year, decided_by: actor.userId, provisional_decided_at: m.clientTime, note: m.note ?? null })
        .where("id", "=", d.id)
        .execute();
      await this.emitIncoming(trx, d.id, at);
      if (exchange.sender_office_id) await this.emitOutgoing(trx, d.exchange_id, at);
      return { receivedAt: at, arrivalNumber, arrivalYear: year };
    }
    await trx
      .updateTable("deliveries")
      .set({ status: "refused", refused_at: at, refusal_reason: m.reason, decided_by: actor.userId, provisional_decided_at: m.clientTime })
      .where("id", "=", d.id)
      .execute();
    await this.emitIncoming(trx, d.id, at);
    if (exchange.sender_office_id) await this.emitOutgoing(trx, d.exchange_id, at);
    return { refusedAt: at };
  }

  /** Next number of a yearly sequence (số đến), atomic under concurrent writers on both databases. */
  private async nextCounter(trx: Tx, officeId: string, name: string, year: number): Promise<number> {
    const row = await trx
      .insertInto("counters")
      .values({ office_id: officeId, name, year, last: 1 })
      .onConflict((oc) => oc.columns(["office_id", "name", "year"]).doUpdateSet({ last: sql<number>`counters.last + 1` }))
      .returning("last")
      .executeTakeFirstOrThrow();
    return Number(row.last);
  }

  // ------------------------------------------------------------ change feed
  private txidExpression() {
    // The writing transaction's id (xid8 as a number) plus the epoch offset; SQLite serialises
    // writers, so the offset alone (constant) with seq is a safe order there.
    return this.dialect === "postgres"
      ? sql<number>`pg_current_xact_id()::text::bigint + (SELECT txid_offset FROM sync_epoch WHERE id = 1)`
      : sql<number>`(SELECT txid_offset FROM sync_epoch WHERE id = 1)`;
  }

  private async emit(trx: Tx, officeId: string, entity: string, entityId: string, op: "put" | "delete", data: string | null, version: number | null, at: string) {
    await trx.insertInto("changes").values({ txid: this.txidExpression(), office_id: officeId, entity, entity_id: entityId, op, data, version, at }).execute();
  }

  private async emitOutgoing(trx: Tx, exchangeId: string, at: string) {
    const view = await this.outgoingView(trx, exchangeId);
    const e = await trx.selectFrom("exchanges").select("sender_office_id").where("id", "=", exchangeId).executeTakeFirstOrThrow();
    if (e.sender_office_id) await this.emit(trx, e.sender_office_id, EXCHANGE_OUTGOING, exchangeId, "put", JSON.stringify(view), null, at);
  }

  private async emitIncoming(trx: Tx, deliveryId: string, at: string) {
    const view = await this.incomingView(trx, deliveryId);
    const d = await trx.selectFrom("deliveries").select("recipient_office_id").where("id", "=", deliveryId).executeTakeFirstOrThrow();
    await this.emit(trx, d.recipient_office_id, EXCHANGE_INCOMING, deliveryId, "put", JSON.stringify(view), null, at);
  }

  /**
   * Changes for one office after the cursor, in pages. The cursor is `txid.seq`; on PostgreSQL
   * only changes of transactions older than the oldest one still running are returned, so a
   * transaction that commits late can never land behind a cursor already handed out.
   */
  async pull(officeId: string, cursor: string, limit: number): Promise<PullPage> {
    const [ctx, cseq] = parseCursor(cursor);
    // Two index range scans, (office, txid = t, seq > s) then (office, txid > t): an OR of the two
    // would make the databases walk the office's whole feed.
    const base = () => {
      let q = this.db.selectFrom("changes").selectAll().where("office_id", "=", officeId);
      if (this.dialect === "postgres") q = q.where(sql<boolean>`txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint + (SELECT txid_offset FROM sync_epoch WHERE id = 1)`);
      return q;
    };
    const rows =
      ctx >= 0 ? await base().where("txid", "=", ctx).where("seq", ">", cseq).orderBy("seq").limit(limit + 1).execute() : [];
    if (rows.length <= limit) rows.push(...(await base().where("txid", ">", ctx).orderBy("txid").orderBy("seq").limit(limit + 1 - rows.length).execute()));
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      changes: page.map((r) => ({ entity: r.entity, id: r.entity_id, op: r.op as "put" | "delete", data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>), at: r.at, ...(r.version !== null ? { version: Number(r.version) } : {}) })),
      cursor: last ? `${Number(last.txid)}.${Number(last.seq)}` : cursor,
      hasMore: rows.length > limit,
    };
  }

  // ------------------------------------------------------------ exchange views
  private async outgoingView(trx: Tx, exchangeId: string): Promise<OutgoingExchange> {
    const e = await trx.selectFrom("exchanges").selectAll().where("id", "=", exchangeId).executeTakeFirstOrThrow();
    const ds = await trx
      .selectFrom("deliveries")
      .innerJoin("offices", "offices.id", "deliveries.recipient_office_id")
      .selectAll("deliveries")
      .select("offices.name as recipient_name")
      .where("exchange_id", "=", exchangeId)
      .orderBy("offices.name")
      .execute();
    return {
      exchangeId: e.id,
      documentRef: e.document_ref,
      header: JSON.parse(e.header) as DocumentHeader,
      blobs: JSON.parse(e.blobs) as BlobRef[],
      sentAt: e.sent_at,
      provisionalSentAt: e.provisional_sent_at,
      deliveries: ds.map((d) => ({
        deliveryId: d.id,
        recipientOfficeId: d.recipient_office_id,
        recipientName: d.recipient_name,
        status: d.status as "pending",
        receivedAt: d.received_at,
        arrivalNumber: d.arrival_number === null ? null : Number(d.arrival_number),
        refusedAt: d.refused_at,
        refusalReason: d.refusal_reason,
      })),
    };
  }

  private async incomingView(trx: Tx, deliveryId: string): Promise<IncomingDelivery> {
    const d = await trx.selectFrom("deliveries").innerJoin("exchanges", "exchanges.id", "deliveries.exchange_id").selectAll("deliveries").select(["exchanges.sender_office_id", "exchanges.sender_organ_id", "exchanges.sender_name", "exchanges.header", "exchanges.blobs", "exchanges.sent_at", "exchanges.via"]).where("deliveries.id", "=", deliveryId).executeTakeFirstOrThrow();
    return {
      deliveryId: d.id,
      exchangeId: d.exchange_id,
      from: { officeId: d.sender_office_id, organId: d.sender_organ_id, name: d.sender_name },
      header: JSON.parse(d.header) as DocumentHeader,
      blobs: JSON.parse(d.blobs) as BlobRef[],
      sentAt: d.sent_at,
      status: d.status as "pending",
      receivedAt: d.received_at,
      arrivalNumber: d.arrival_number === null ? null : Number(d.arrival_number),
      arrivalYear: d.arrival_year === null ? null : Number(d.arrival_year),
      refusedAt: d.refused_at,
      refusalReason: d.refusal_reason,
      via: d.via as "server",
    };
  }

  /** The incoming queue (văn bản đến) of the actor's office. */
  async listIncoming(actor: Actor, status?: string): Promise<IncomingDelivery[]> {
    let q = this.db.selectFrom("deliveries").innerJoin("exchanges", "exchanges.id", "deliveries.exchange_id").select("deliveries.id").where("deliveries.recipient_office_id", "=", actor.officeId);
    if (status) q = q.where("deliveries.status", "=", status);
    const ids = await q.orderBy("exchanges.sent_at").execute();
    return Promise.all(ids.map((r) => this.incomingView(this.db, r.id)));
  }

  async getIncoming(actor: Actor, deliveryId: string): Promise<IncomingDelivery> {
    const d = await this.db.selectFrom("deliveries").select("id").where("id", "=", deliveryId).where("recipient_office_id", "=", actor.officeId).executeTakeFirst();
    if (!d) throw notFound(`Delivery ${deliveryId}`, "văn bản đến này");
    return this.incomingView(this.db, d.id);
  }

  async listOutgoing(actor: Actor): Promise<OutgoingExchange[]> {
    const ids = await this.db.selectFrom("exchanges").select("id").where("sender_office_id", "=", actor.officeId).orderBy("sent_at").execute();
    return Promise.all(ids.map((r) => this.outgoingView(this.db, r.id)));
  }

  async getOutgoing(actor: Actor, exchangeId: string): Promise<OutgoingExchange> {
    const e = await this.db.selectFrom("exchanges").select("id").where("id", "=", exchangeId).where("sender_office_id", "=", actor.officeId).executeTakeFirst();
    if (!e) throw notFound(`Exchange ${exchangeId}`, "văn bản đi này");
    return this.outgoingView(this.db, e.id);
  }

  /** An exchange as seen by its sender or one of its recipients (for the edXML export). */
  async getExchangeForOffice(actor: Actor, exchangeId: string): Promise<{ exchange: OutgoingExchange; sender: { organId: string; name: string }; recipients: Office[] }> {
    const e = await this.db.selectFrom("exchanges").selectAll().where("id", "=", exchangeId).executeTakeFirst();
    const allowed =
      e &&
      (e.sender_office_id === actor.officeId ||
        (await this.db.selectFrom("deliveries").select("id").where("exchange_id", "=", exchangeId).where("recipient_office_id", "=", actor.officeId).executeTakeFirst()) !== undefined);
    if (!e || !allowed) throw notFound(`Exchange ${exchangeId}`, "văn bản này");
    const exchange = await this.outgoingView(this.db, exchangeId);
    const recipients = (await this.db.selectFrom("offices").selectAll().where("id", "in", exchange.deliveries.map((d) => d.recipientOfficeId)).execute()).map(toOffice);
    // A recipient sees only its own outcome, not how the other recipients answered.
    if (e.sender_office_id !== actor.officeId) exchange.deliveries = exchange.deliveries.filter((d) => d.recipientOfficeId === actor.officeId);
    return { exchange, sender: { organId: e.sender_organ_id, name: e.sender_name }, recipients };
  }

  /**
   * A document package from another QLVB system (edXML import): placed in the actor's
   * incoming queue, stamped with the server's time of arrival as its sent time on this side.
   */
  async importExternal(actor: Actor, sender: ExternalSender, header: DocumentHeader, blobs: BlobRef[], documentRef: string): Promise<IncomingDelivery> {
    requireRole(actor, CLERK_ROLES, "nhập gói văn bản", "import document packages");
    refuseClassified(header);
    return this.db.transaction().execute(async (trx) => {
      const sentAt = stamp(this.clock);
      const exchangeId = randomUUID();
      const deliveryId = randomUUID();
      const documentId = header.documentId ?? `${sender.organId},${header.promulgationDate.replaceAll("-", "/")},${header.codeNumber}/${header.codeNotation}`;
      await trx
        .insertInto("exchanges")
        .values({ id: exchangeId, sender_office_id: null, sender_organ_id: sender.organId, sender_name: sender.name, document_ref: documentRef, document_id: documentId, header: JSON.stringify({ ...header, documentId }), blobs: JSON.stringify(blobs), sent_at: sentAt, provisional_sent_at: null, via: "edxml", created_by: actor.userId, clock_source: this.clock.source })
        .execute();
      await trx.insertInto("deliveries").values({ id: deliveryId, exchange_id: exchangeId, recipient_office_id: actor.officeId, status: "pending", received_at: null, arrival_number: null, arrival_year: null, refused_at: null, refusal_reason: null, decided_by: null, provisional_decided_at: null, note: null }).execute();
      for (const b of blobs) await this.addBlobRefTx(trx, actor.officeId, b.sha256);
      await this.emitIncoming(trx, deliveryId, sentAt);
      return this.incomingView(trx, deliveryId);
    });
  }

  // ------------------------------------------------------------ blobs
  async blobSize(sha256: string): Promise<number | undefined> {
    const r = await this.db.selectFrom("blobs").select("size").where("sha256", "=", sha256).executeTakeFirst();
    return r ? Number(r.size) : undefined;
  }

  async canReadBlob(officeId: string, sha256: string): Promise<boolean> {
    const r = await this.db.selectFrom("blob_refs").select("sha256").where("office_id", "=", officeId).where("sha256", "=", sha256).executeTakeFirst();
    return r !== undefined;
  }

  /** Records a blob whose bytes are already in the blob store, and gives the office access to it. */
  async recordBlob(officeId: string, sha256: string, size: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto("blobs").values({ sha256, size, created_at: stamp(this.clock) }).onConflict((oc) => oc.column("sha256").doNothing()).execute();
      await this.addBlobRefTx(trx, officeId, sha256);
    });
  }

  private async addBlobRefTx(trx: Tx, officeId: string, sha256: string) {
    await trx.insertInto("blob_refs").values({ office_id: officeId, sha256, created_at: stamp(this.clock) }).onConflict((oc) => oc.columns(["office_id", "sha256"]).doNothing()).execute();
  }

  async createUpload(officeId: string, sha256: string, size: number): Promise<string> {
    const id = randomUUID();
    await this.db.insertInto("blob_uploads").values({ id, office_id: officeId, sha256, size, created_at: stamp(this.clock) }).execute();
    return id;
  }

  /** An unfinished upload of the same blob by the same office: resumed rather than started again. */
  async findUpload(officeId: string, sha256: string, size: number): Promise<string | undefined> {
    const r = await this.db.selectFrom("blob_uploads").select("id").where("office_id", "=", officeId).where("sha256", "=", sha256).where("size", "=", size).orderBy("created_at", "desc").executeTakeFirst();
    return r?.id;
  }

  async getUpload(officeId: string, id: string): Promise<{ id: string; sha256: string; size: number } | undefined> {
    const r = await this.db.selectFrom("blob_uploads").select(["id", "sha256", "size"]).where("id", "=", id).where("office_id", "=", officeId).executeTakeFirst();
    return r ? { id: r.id, sha256: r.sha256, size: Number(r.size) } : undefined;
  }

  /** Uploads started before `before` and never finished (any office): for the cleanup at start. */
  async staleUploads(before: string): Promise<string[]> {
    return (await this.db.selectFrom("blob_uploads").select("id").where("created_at", "<", before).execute()).map((r) => r.id);
  }

  async deleteUpload(id: string): Promise<void> {
    await this.db.deleteFrom("blob_uploads").where("id", "=", id).execute();
  }

  // ------------------------------------------------------------ backup
  /** Every table read in one snapshot (a repeatable-read transaction): a consistent copy while writers run. */
  async exportSnapshot(write: (table: string, rows: Record<string, unknown>[]) => Promise<void>): Promise<void> {
    const run = async (trx: Transaction<Database>) => {
      for (const t of TABLES) {
        const rows = await trx.selectFrom(t).selectAll().execute();
        await write(t, rows as Record<string, unknown>[]);
      }
    };
    if (this.dialect === "postgres") await this.db.transaction().setIsolationLevel("repeatable read").execute(run);
    else await this.db.transaction().execute(run);
  }

  /** Loads a snapshot into this (empty) database in one transaction. */
  async importSnapshot(read: (table: string) => Promise<Record<string, unknown>[]>): Promise<void> {
    if (!(await this.isEmpty())) {
      throw new SyncError(409, "database_not_empty", "Cơ sở dữ liệu đích đã có dữ liệu; không ghi đè.", "The target database is not empty; refusing to overwrite");
    }
    await this.db.transaction().execute(async (trx) => {
      for (const t of TABLES) {
        const rows = await read(t);
        for (let i = 0; i < rows.length; i += 200) await trx.insertInto(t).values(rows.slice(i, i + 200) as never).execute();
      }
      if (this.dialect === "postgres") await sql`SELECT setval(pg_get_serial_sequence('changes', 'seq'), GREATEST((SELECT MAX(seq) FROM changes), 1))`.execute(trx);
      // New changes must sort after every restored one, so that clients keep their cursors:
      // this database's transaction ids may be far below the old one's (a new cluster), or the
      // restored ids may come from the other database kind.
      const max = await trx.selectFrom("changes").select((eb) => eb.fn.max<number>("txid").as("m")).executeTakeFirst();
      const maxTxid = max?.m === null || max?.m === undefined ? -1 : Number(max.m);
      let offset = 0;
      if (this.dialect === "postgres") {
        const cur = await sql<{ x: number }>`SELECT pg_current_xact_id()::text::bigint AS x`.execute(trx);
        offset = Math.max(0, maxTxid + 1 - Number(cur.rows[0]!.x));
      } else {
        offset = maxTxid + 1;
      }
      await trx.updateTable("sync_epoch").set({ txid_offset: offset }).where("id", "=", 1).execute();
    });
  }
}

function parseCursor(cursor: string): [number, number] {
  if (cursor === "") return [-1, 0];
  const m = /^(\d{1,19})\.(\d{1,19})$/.exec(cursor);
  if (!m) throw new SyncError(400, "bad_cursor", "Con trỏ đồng bộ không hợp lệ; hãy đồng bộ lại từ đầu.", `Malformed cursor '${cursor.slice(0, 40)}'`);
  return [Number(m[1]), Number(m[2])];
}

function requireRole(actor: Actor, roles: Role[], whatVi: string, whatEn: string) {
  if (!actor.roles.some((r) => roles.includes(r))) {
    throw forbidden(`Chỉ văn thư mới được ${whatVi}.`, `Only a clerk may ${whatEn}`);
  }
}

/** R9: documents classified as state secrets are never sent or stored here. */
function refuseClassified(h: DocumentHeader) {
  if (h.secrecy && h.secrecy !== "none") {
    throw new SyncError(
      422,
      "classified_document",
      "Văn bản mật (Mật, Tối mật, Tuyệt mật) không được gửi hay lưu trên hệ thống này (Điều 4.1 Quy định).",
      `Classified document (${h.secrecy}) refused (R9)`,
    );
  }
}

function toOffice(r: Database["offices"]): Office {
  return { id: r.id, name: r.name, kind: r.kind as OfficeKind, organId: r.organ_id, isDemo: Number(r.is_demo) === 1 };
}

function toUser(r: Database["users"]): User {
  return { id: r.id, officeId: r.office_id, username: r.username, fullName: r.full_name, passwordHash: r.password_hash, roles: JSON.parse(r.roles) as Role[], disabled: Number(r.disabled) === 1 };
}
