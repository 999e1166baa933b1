import { randomUUID } from "node:crypto";
import type { Assigned, BlobRef, DocumentHeader, IncomingDelivery, Mutation, Office, OutgoingExchange } from "../../shared/sync/schemas.ts";
import { EXCHANGE_INCOMING, EXCHANGE_OUTGOING } from "../../shared/sync/schemas.ts";
import { vietnamYear } from "../../shared/sync/time.ts";
import { stamp } from "../clock/qlvb-clock.ts";
import { SyncError, notFound } from "../errors.ts";
import type { BlobRepository } from "./blobs.ts";
import { toOffice, type Actor, type StorageContext, type Tx } from "./context.ts";
import { nextCounter } from "./counters.ts";
import type { ChangeFeed } from "./feed.ts";
import { CLERK_ROLES, refuseClassified, requireRole } from "./guards.ts";

export interface ExternalSender {
  organId: string;
  name: string;
}

/**
 * The exchange between offices: sending (one exchange, one delivery per recipient), the
 * recipient's accept/refuse, the edXML import, and the read views both sides pull.
 */
export class ExchangeRepository {
  constructor(
    private readonly ctx: StorageContext,
    private readonly feed: ChangeFeed,
    private readonly blobs: BlobRepository,
  ) {}

  async send(trx: Tx, actor: Actor, m: Extract<Mutation, { type: "exchange.send" }>): Promise<Assigned> {
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
    const sentAt = stamp(this.ctx.clock);
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
        clock_source: this.ctx.clock.source,
      })
      .execute();
    const deliveries: { deliveryId: string; recipientOfficeId: string }[] = [];
    for (const r of recipients) {
      const deliveryId = randomUUID();
      deliveries.push({ deliveryId, recipientOfficeId: r });
      await trx.insertInto("deliveries").values({ id: deliveryId, exchange_id: exchangeId, recipient_office_id: r, status: "pending", received_at: null, arrival_number: null, arrival_year: null, refused_at: null, refusal_reason: null, decided_by: null, provisional_decided_at: null, note: null }).execute();
      for (const b of blobs) await this.blobs.addRef(trx, r, b.sha256);
      await this.emitIncoming(trx, deliveryId, sentAt);
    }
    await this.emitOutgoing(trx, exchangeId, sentAt);
    return { exchangeId, documentId, deliveries, sentAt };
  }

  async decide(trx: Tx, actor: Actor, m: Extract<Mutation, { type: "exchange.accept" | "exchange.refuse" }>): Promise<Assigned> {
    requireRole(actor, CLERK_ROLES, m.type === "exchange.accept" ? "tiếp nhận văn bản đến" : "từ chối văn bản đến", m.type === "exchange.accept" ? "accept incoming documents" : "refuse incoming documents");
    const d = await trx.selectFrom("deliveries").selectAll().where("id", "=", m.deliveryId).where("recipient_office_id", "=", actor.officeId).executeTakeFirst();
    if (!d) throw notFound(`Delivery ${m.deliveryId}`, "văn bản đến này");
    if (d.status !== "pending") {
      const vi = d.status === "accepted" ? "đã được tiếp nhận" : "đã bị từ chối";
      throw new SyncError(409, "already_decided", `Văn bản đến này ${vi} trước đó.`, `Delivery ${m.deliveryId} is already ${d.status}`);
    }
    const now = this.ctx.clock.now();
    const at = stamp({ source: this.ctx.clock.source, now: () => now });
    const exchange = await trx.selectFrom("exchanges").select(["sender_office_id"]).where("id", "=", d.exchange_id).executeTakeFirstOrThrow();
    if (m.type === "exchange.accept") {
      const year = vietnamYear(now);
      const arrivalNumber = await nextCounter(trx, actor.officeId, "incoming_register", year);
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


  async emitOutgoing(trx: Tx, exchangeId: string, at: string) {
    const view = await this.outgoingView(trx, exchangeId);
    const e = await trx.selectFrom("exchanges").select("sender_office_id").where("id", "=", exchangeId).executeTakeFirstOrThrow();
    if (e.sender_office_id) await this.feed.emit(trx, e.sender_office_id, EXCHANGE_OUTGOING, exchangeId, "put", JSON.stringify(view), null, at);
  }

  async emitIncoming(trx: Tx, deliveryId: string, at: string) {
    const view = await this.incomingView(trx, deliveryId);
    const d = await trx.selectFrom("deliveries").select("recipient_office_id").where("id", "=", deliveryId).executeTakeFirstOrThrow();
    await this.feed.emit(trx, d.recipient_office_id, EXCHANGE_INCOMING, deliveryId, "put", JSON.stringify(view), null, at);
  }


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
    let q = this.ctx.db.selectFrom("deliveries").innerJoin("exchanges", "exchanges.id", "deliveries.exchange_id").select("deliveries.id").where("deliveries.recipient_office_id", "=", actor.officeId);
    if (status) q = q.where("deliveries.status", "=", status);
    const ids = await q.orderBy("exchanges.sent_at").execute();
    return Promise.all(ids.map((r) => this.incomingView(this.ctx.db, r.id)));
  }

  async getIncoming(actor: Actor, deliveryId: string): Promise<IncomingDelivery> {
    const d = await this.ctx.db.selectFrom("deliveries").select("id").where("id", "=", deliveryId).where("recipient_office_id", "=", actor.officeId).executeTakeFirst();
    if (!d) throw notFound(`Delivery ${deliveryId}`, "văn bản đến này");
    return this.incomingView(this.ctx.db, d.id);
  }

  async listOutgoing(actor: Actor): Promise<OutgoingExchange[]> {
    const ids = await this.ctx.db.selectFrom("exchanges").select("id").where("sender_office_id", "=", actor.officeId).orderBy("sent_at").execute();
    return Promise.all(ids.map((r) => this.outgoingView(this.ctx.db, r.id)));
  }

  async getOutgoing(actor: Actor, exchangeId: string): Promise<OutgoingExchange> {
    const e = await this.ctx.db.selectFrom("exchanges").select("id").where("id", "=", exchangeId).where("sender_office_id", "=", actor.officeId).executeTakeFirst();
    if (!e) throw notFound(`Exchange ${exchangeId}`, "văn bản đi này");
    return this.outgoingView(this.ctx.db, e.id);
  }

  /** An exchange as seen by its sender or one of its recipients (for the edXML export). */
  async getExchangeForOffice(actor: Actor, exchangeId: string): Promise<{ exchange: OutgoingExchange; sender: { organId: string; name: string }; recipients: Office[] }> {
    const e = await this.ctx.db.selectFrom("exchanges").selectAll().where("id", "=", exchangeId).executeTakeFirst();
    const allowed =
      e &&
      (e.sender_office_id === actor.officeId ||
        (await this.ctx.db.selectFrom("deliveries").select("id").where("exchange_id", "=", exchangeId).where("recipient_office_id", "=", actor.officeId).executeTakeFirst()) !== undefined);
    if (!e || !allowed) throw notFound(`Exchange ${exchangeId}`, "văn bản này");
    const exchange = await this.outgoingView(this.ctx.db, exchangeId);
    const recipients = (await this.ctx.db.selectFrom("offices").selectAll().where("id", "in", exchange.deliveries.map((d) => d.recipientOfficeId)).execute()).map(toOffice);
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
    return this.ctx.db.transaction().execute(async (trx) => {
      const sentAt = stamp(this.ctx.clock);
      const exchangeId = randomUUID();
      const deliveryId = randomUUID();
      const documentId = header.documentId ?? `${sender.organId},${header.promulgationDate.replaceAll("-", "/")},${header.codeNumber}/${header.codeNotation}`;
      await trx
        .insertInto("exchanges")
        .values({ id: exchangeId, sender_office_id: null, sender_organ_id: sender.organId, sender_name: sender.name, document_ref: documentRef, document_id: documentId, header: JSON.stringify({ ...header, documentId }), blobs: JSON.stringify(blobs), sent_at: sentAt, provisional_sent_at: null, via: "edxml", created_by: actor.userId, clock_source: this.ctx.clock.source })
        .execute();
      await trx.insertInto("deliveries").values({ id: deliveryId, exchange_id: exchangeId, recipient_office_id: actor.officeId, status: "pending", received_at: null, arrival_number: null, arrival_year: null, refused_at: null, refusal_reason: null, decided_by: null, provisional_decided_at: null, note: null }).execute();
      for (const b of blobs) await this.blobs.addRef(trx, actor.officeId, b.sha256);
      await this.emitIncoming(trx, deliveryId, sentAt);
      return this.incomingView(trx, deliveryId);
    });
  }
}
