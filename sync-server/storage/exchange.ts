import { randomUUID } from "node:crypto";
import type { Assigned, BlobRef, DocumentHeader, IncomingDelivery, Mutation, Office, OutgoingExchange } from "../../shared/sync/schemas.ts";
import { EXCHANGE_INCOMING, EXCHANGE_OUTGOING } from "../../shared/sync/schemas.ts";
import { vietnamYear } from "../../shared/sync/time.ts";
import { stamp } from "../clock/qlvb-clock.ts";
import { SyncError, notFound } from "../errors.ts";
import { actionRefusal, type ActionType } from "../../shared/sync/rules.ts";
import type { IncomingRegister } from "../../shared/sync/registers.ts";
import type { AuditAct, AuditRepository } from "./audit.ts";
import type { BlobRepository } from "./blobs.ts";
import type { DraftRepository } from "./drafts.ts";
import { refuse } from "./refusal.ts";
import { toOffice, type Acting, type Actor, type StorageContext, type Tx } from "./context.ts";
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
    private readonly audit: AuditRepository,
    private readonly drafts: DraftRepository,
  ) {}

  private requireAction(acting: Acting, type: ActionType) {
    if (acting.trusted) return;
    const refusal = actionRefusal(type, acting.roles, acting.where);
    if (refusal) throw refuse(refusal.code, refusal.messageVi, refusal.messageEn);
  }

  async send(trx: Tx, actor: Acting, m: Extract<Mutation, { type: "exchange.send" }>): Promise<Assigned> {
    this.requireAction(actor, "exchange.send");
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
        throw new SyncError(
          409,
          "blob_missing",
          `Tệp ${b.name} chưa được tải lên máy chủ; hãy tải lên trước khi gửi.`,
          `Blob ${b.sha256} has not been uploaded by this office`,
        );
      }
      blobs.push({ ...b, size: Number(row.size) });
    }
    const draft = m.draftId ? await this.drafts.checkSendable(trx, actor.officeId, m.draftId, m.header, m.blobs) : undefined;
    // Nothing is written above this line: a refusal leaves the batch's other mutations going on.
    const sentAt = stamp(this.ctx.clock);
    const exchangeId = randomUUID();
    const documentId =
      m.header.documentId ?? `${sender.organ_id},${m.header.promulgationDate.replaceAll("-", "/")},${m.header.codeNumber}/${m.header.codeNotation}`;
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
      await trx
        .insertInto("deliveries")
        .values({
          id: deliveryId,
          exchange_id: exchangeId,
          recipient_office_id: r,
          status: "pending",
          received_at: null,
          arrival_number: null,
          arrival_year: null,
          refused_at: null,
          refusal_reason: null,
          decided_by: null,
          provisional_decided_at: null,
          note: null,
        })
        .execute();
      for (const b of blobs) await this.blobs.addRef(trx, r, b.sha256);
      await this.emitIncoming(trx, deliveryId, sentAt);
    }
    await this.emitOutgoing(trx, exchangeId, sentAt);
    if (draft) await this.drafts.markSent(trx, actor, draft, exchangeId, m.clientTime);
    const main = blobs.find((b) => b.role === "main") ?? blobs[0]!;
    const nas = `${header.codeNumber}/${header.codeNotation}`;
    const names = (await trx.selectFrom("offices").select(["id", "name"]).where("id", "in", recipients).execute()).map((o) => o.name);
    // One chain per office: the sender's "send" and each recipient's "receive", appended in office-id
    // order so that two offices sending to each other at once lock their chains in the same order.
    const acts: [string, AuditAct][] = [
      [
        actor.officeId,
        {
          action: "send",
          actor: actor.person,
          summary: `Gửi văn bản ${nas} "${header.subject}" đến ${names.join(", ")}.`,
          subject: { kind: "document", id: main.sha256, label: nas },
          details: { exchangeId, recipients: names, ...(m.draftId ? { draftId: m.draftId } : {}) },
        },
      ],
      ...deliveries.map((d): [string, AuditAct] => [
        d.recipientOfficeId,
        {
          action: "receive",
          actor: { id: "qlvb", name: "Hệ thống Văn thư số" },
          summary: `Văn bản ${nas} "${header.subject}" của ${sender.name} đến, chờ tiếp nhận.`,
          subject: { kind: "document", id: main.sha256, label: nas },
          details: { deliveryId: d.deliveryId, sender: sender.name },
        },
      ]),
    ];
    for (const [officeId, act] of acts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) await this.audit.append(trx, officeId, act);
    return { exchangeId, documentId, deliveries, sentAt };
  }

  async decide(trx: Tx, actor: Acting, m: Extract<Mutation, { type: "exchange.accept" | "exchange.refuse" }>): Promise<Assigned> {
    this.requireAction(actor, m.type);
    const d = await trx
      .selectFrom("deliveries")
      .selectAll()
      .where("id", "=", m.deliveryId)
      .where("recipient_office_id", "=", actor.officeId)
      .executeTakeFirst();
    if (!d) throw notFound(`Delivery ${m.deliveryId}`, "văn bản đến này");
    if (d.status !== "pending") {
      const vi = d.status === "accepted" ? "đã được tiếp nhận" : "đã bị từ chối";
      throw new SyncError(409, "already_decided", `Văn bản đến này ${vi} trước đó.`, `Delivery ${m.deliveryId} is already ${d.status}`);
    }
    const now = this.ctx.clock.now();
    const at = stamp({ source: this.ctx.clock.source, now: () => now });
    const exchange = await trx
      .selectFrom("exchanges")
      .select(["sender_office_id", "sender_name", "header", "blobs"])
      .where("id", "=", d.exchange_id)
      .executeTakeFirstOrThrow();
    // Decided once, even by two clerks at the same moment: the status changes only from pending,
    // and the số đến is taken only by the one that changed it.
    const decided =
      m.type === "exchange.accept"
        ? { status: "accepted", received_at: at, decided_by: actor.userId, provisional_decided_at: m.clientTime, note: m.note ?? null }
        : { status: "refused", refused_at: at, refusal_reason: m.reason, decided_by: actor.userId, provisional_decided_at: m.clientTime };
    const changed = await trx.updateTable("deliveries").set(decided).where("id", "=", d.id).where("status", "=", "pending").executeTakeFirst();
    if (Number(changed.numUpdatedRows) === 0) {
      throw new SyncError(409, "already_decided", "Văn bản đến này đã được tiếp nhận hoặc từ chối trước đó.", `Delivery ${m.deliveryId} is already decided`);
    }
    const header = JSON.parse(exchange.header) as DocumentHeader;
    const main = (JSON.parse(exchange.blobs) as BlobRef[]).find((b) => b.role === "main");
    const nas = `${header.codeNumber}/${header.codeNotation}`;
    const subject = { kind: "document" as const, id: main?.sha256 ?? d.exchange_id, label: nas };
    let assigned: Assigned;
    if (m.type === "exchange.accept") {
      const year = vietnamYear(now);
      const arrivalNumber = await nextCounter(trx, actor.officeId, "incoming_register", year);
      await trx.updateTable("deliveries").set({ arrival_number: arrivalNumber, arrival_year: year }).where("id", "=", d.id).execute();
      await this.audit.append(trx, actor.officeId, {
        action: "acceptance",
        actor: actor.person,
        summary: `Tiếp nhận văn bản ${nas} của ${exchange.sender_name}, số đến ${arrivalNumber}.`,
        subject,
        details: { deliveryId: d.id, arrivalNumber, year, sender: exchange.sender_name },
      });
      assigned = { receivedAt: at, arrivalNumber, arrivalYear: year };
    } else {
      await this.audit.append(trx, actor.officeId, {
        action: "refusal",
        actor: actor.person,
        summary: `Từ chối tiếp nhận văn bản ${nas} của ${exchange.sender_name}. Lý do: ${m.reason}`,
        subject,
        details: { deliveryId: d.id, reason: m.reason, sender: exchange.sender_name },
      });
      assigned = { refusedAt: at };
    }
    if (exchange.sender_office_id) await this.auditAnswerToSender(trx, exchange.sender_office_id, actor, subject, d.id, m);
    await this.emitIncoming(trx, d.id, at);
    if (exchange.sender_office_id) await this.emitOutgoing(trx, d.exchange_id, at);
    return assigned;
  }

  /** The sender's chain records what became of its document too: accepted, or refused with the reason. */
  private async auditAnswerToSender(
    trx: Tx,
    senderOfficeId: string,
    actor: Acting,
    subject: { kind: "document"; id: string; label: string },
    deliveryId: string,
    m: { type: "exchange.accept" } | { type: "exchange.refuse"; reason: string },
  ): Promise<void> {
    const office = await trx.selectFrom("offices").select("name").where("id", "=", actor.officeId).executeTakeFirst();
    const who = office?.name ?? actor.officeId;
    await this.audit.append(trx, senderOfficeId, {
      action: m.type === "exchange.accept" ? "acceptance" : "refusal",
      actor: actor.person,
      summary:
        m.type === "exchange.accept"
          ? `Văn bản ${subject.label} đã được ${who} tiếp nhận.`
          : `Văn bản ${subject.label} bị ${who} từ chối tiếp nhận. Lý do: ${m.reason}`,
      subject,
      details: { deliveryId, recipient: who, ...(m.type === "exchange.refuse" ? { reason: m.reason } : {}) },
    });
  }

  /**
   * Vào sổ a document that came on paper or as an unsigned scan: no signature verdict is asked
   * for. It enters the incoming queue already accepted, with the số đến of the same yearly
   * sequence as exchange.accept and the QLVB time of registration.
   */
  async registerPaper(trx: Tx, actor: Acting, m: IncomingRegister): Promise<Assigned> {
    this.requireAction(actor, "incoming.register");
    const blobs: BlobRef[] = [];
    if (m.scan) {
      const size = await trx
        .selectFrom("blob_refs")
        .innerJoin("blobs", "blobs.sha256", "blob_refs.sha256")
        .select("blobs.size")
        .where("blob_refs.office_id", "=", actor.officeId)
        .where("blob_refs.sha256", "=", m.scan.sha256)
        .executeTakeFirst();
      if (!size)
        throw new SyncError(
          409,
          "blob_missing",
          `Tệp ${m.scan.name} chưa được tải lên máy chủ; hãy tải lên trước.`,
          `Blob ${m.scan.sha256} has not been uploaded by this office`,
        );
      blobs.push({ sha256: m.scan.sha256, name: m.scan.name, contentType: "application/pdf", role: "main", size: Number(size.size) });
    } else if (m.form === "scan") {
      throw new SyncError(422, "scan_missing", "Văn bản nhận dạng bản quét cần có tệp bản quét.", "A scanned document needs its scan");
    }
    const again = await trx
      .selectFrom("exchanges")
      .innerJoin("deliveries", "deliveries.exchange_id", "exchanges.id")
      .select("exchanges.id")
      .where("exchanges.document_ref", "=", m.entryId)
      .where("exchanges.via", "in", ["paper", "scan"])
      .where("deliveries.recipient_office_id", "=", actor.officeId)
      .executeTakeFirst();
    if (again) {
      throw new SyncError(409, "already_registered", "Văn bản này đã được vào sổ.", `Entry ${m.entryId} is already registered`);
    }
    const slash = m.numberAndSymbol.indexOf("/");
    const header: DocumentHeader = {
      codeNumber: (slash > 0 ? m.numberAndSymbol.slice(0, slash) : m.numberAndSymbol).slice(0, 11),
      codeNotation: slash > 0 ? m.numberAndSymbol.slice(slash + 1).slice(0, 30) : "",
      subject: m.subject,
      promulgationDate: m.documentDate,
      ...(m.typeName ? { typeName: m.typeName } : {}),
    };
    const now = this.ctx.clock.now();
    const at = stamp({ source: this.ctx.clock.source, now: () => now });
    const exchangeId = randomUUID();
    const deliveryId = randomUUID();
    const documentId = `${m.from.organId ?? m.from.name},${m.documentDate.replaceAll("-", "/")},${m.numberAndSymbol}`.slice(0, 200);
    await trx
      .insertInto("exchanges")
      .values({
        id: exchangeId,
        sender_office_id: null,
        sender_organ_id: m.from.organId ?? "",
        sender_name: m.from.name,
        document_ref: m.entryId,
        document_id: documentId,
        header: JSON.stringify({ ...header, documentId }),
        blobs: JSON.stringify(blobs),
        sent_at: m.arrivedOn ? `${m.arrivedOn}T00:00:00.000+07:00` : at,
        provisional_sent_at: null,
        via: m.form,
        created_by: actor.userId,
        clock_source: this.ctx.clock.source,
      })
      .execute();
    const year = vietnamYear(now);
    const arrivalNumber = await nextCounter(trx, actor.officeId, "incoming_register", year);
    await trx
      .insertInto("deliveries")
      .values({
        id: deliveryId,
        exchange_id: exchangeId,
        recipient_office_id: actor.officeId,
        status: "accepted",
        received_at: at,
        arrival_number: arrivalNumber,
        arrival_year: year,
        refused_at: null,
        refusal_reason: null,
        decided_by: actor.userId,
        provisional_decided_at: m.clientTime,
        note: m.note ?? null,
      })
      .execute();
    await this.emitIncoming(trx, deliveryId, at);
    const formVi = m.form === "paper" ? "bản giấy" : "bản quét không có chữ ký số";
    await this.audit.append(trx, actor.officeId, {
      action: "register",
      actor: actor.person,
      summary: `Vào sổ văn bản đến ${m.numberAndSymbol} của ${m.from.name} (${formVi}), số đến ${arrivalNumber}.`,
      subject: { kind: "document", id: blobs[0]?.sha256 ?? deliveryId, label: m.numberAndSymbol },
      details: { deliveryId, arrivalNumber, year, form: m.form },
    });
    return { deliveryId, receivedAt: at, arrivalNumber, arrivalYear: year };
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
    const d = await trx
      .selectFrom("deliveries")
      .innerJoin("exchanges", "exchanges.id", "deliveries.exchange_id")
      .selectAll("deliveries")
      .select([
        "exchanges.sender_office_id",
        "exchanges.sender_organ_id",
        "exchanges.sender_name",
        "exchanges.header",
        "exchanges.blobs",
        "exchanges.sent_at",
        "exchanges.via",
      ])
      .where("deliveries.id", "=", deliveryId)
      .executeTakeFirstOrThrow();
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
    let q = this.ctx.db
      .selectFrom("deliveries")
      .innerJoin("exchanges", "exchanges.id", "deliveries.exchange_id")
      .select("deliveries.id")
      .where("deliveries.recipient_office_id", "=", actor.officeId);
    if (status) q = q.where("deliveries.status", "=", status);
    const ids = await q.orderBy("exchanges.sent_at").execute();
    return Promise.all(ids.map((r) => this.incomingView(this.ctx.db, r.id)));
  }

  async getIncoming(actor: Actor, deliveryId: string): Promise<IncomingDelivery> {
    const d = await this.ctx.db
      .selectFrom("deliveries")
      .select("id")
      .where("id", "=", deliveryId)
      .where("recipient_office_id", "=", actor.officeId)
      .executeTakeFirst();
    if (!d) throw notFound(`Delivery ${deliveryId}`, "văn bản đến này");
    return this.incomingView(this.ctx.db, d.id);
  }

  async listOutgoing(actor: Actor): Promise<OutgoingExchange[]> {
    const ids = await this.ctx.db.selectFrom("exchanges").select("id").where("sender_office_id", "=", actor.officeId).orderBy("sent_at").execute();
    return Promise.all(ids.map((r) => this.outgoingView(this.ctx.db, r.id)));
  }

  async getOutgoing(actor: Actor, exchangeId: string): Promise<OutgoingExchange> {
    const e = await this.ctx.db
      .selectFrom("exchanges")
      .select("id")
      .where("id", "=", exchangeId)
      .where("sender_office_id", "=", actor.officeId)
      .executeTakeFirst();
    if (!e) throw notFound(`Exchange ${exchangeId}`, "văn bản đi này");
    return this.outgoingView(this.ctx.db, e.id);
  }

  /** An exchange as seen by its sender or one of its recipients (for the edXML export). */
  async getExchangeForOffice(
    actor: Actor,
    exchangeId: string,
  ): Promise<{ exchange: OutgoingExchange; sender: { organId: string; name: string }; recipients: Office[] }> {
    const e = await this.ctx.db.selectFrom("exchanges").selectAll().where("id", "=", exchangeId).executeTakeFirst();
    const allowed =
      e &&
      (e.sender_office_id === actor.officeId ||
        (await this.ctx.db
          .selectFrom("deliveries")
          .select("id")
          .where("exchange_id", "=", exchangeId)
          .where("recipient_office_id", "=", actor.officeId)
          .executeTakeFirst()) !== undefined);
    if (!e || !allowed) throw notFound(`Exchange ${exchangeId}`, "văn bản này");
    const exchange = await this.outgoingView(this.ctx.db, exchangeId);
    const recipients = (
      await this.ctx.db
        .selectFrom("offices")
        .selectAll()
        .where(
          "id",
          "in",
          exchange.deliveries.map((d) => d.recipientOfficeId),
        )
        .execute()
    ).map(toOffice);
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
        .values({
          id: exchangeId,
          sender_office_id: null,
          sender_organ_id: sender.organId,
          sender_name: sender.name,
          document_ref: documentRef,
          document_id: documentId,
          header: JSON.stringify({ ...header, documentId }),
          blobs: JSON.stringify(blobs),
          sent_at: sentAt,
          provisional_sent_at: null,
          via: "edxml",
          created_by: actor.userId,
          clock_source: this.ctx.clock.source,
        })
        .execute();
      await trx
        .insertInto("deliveries")
        .values({
          id: deliveryId,
          exchange_id: exchangeId,
          recipient_office_id: actor.officeId,
          status: "pending",
          received_at: null,
          arrival_number: null,
          arrival_year: null,
          refused_at: null,
          refusal_reason: null,
          decided_by: null,
          provisional_decided_at: null,
          note: null,
        })
        .execute();
      for (const b of blobs) await this.blobs.addRef(trx, actor.officeId, b.sha256);
      await this.emitIncoming(trx, deliveryId, sentAt);
      const who = await trx.selectFrom("users").select("full_name").where("id", "=", actor.userId).executeTakeFirst();
      const nas = `${header.codeNumber}/${header.codeNotation}`;
      await this.audit.append(trx, actor.officeId, {
        action: "receive",
        actor: { id: actor.userId, name: who?.full_name ?? actor.userId },
        summary: `Nhận gói edXML văn bản ${nas} "${header.subject}" của ${sender.name}, chờ tiếp nhận.`,
        subject: { kind: "document", id: (blobs.find((b) => b.role === "main") ?? blobs[0])?.sha256 ?? deliveryId, label: nas },
        details: { deliveryId, sender: sender.name, via: "edxml" },
      });
      return this.incomingView(trx, deliveryId);
    });
  }
}
