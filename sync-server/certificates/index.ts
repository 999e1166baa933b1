import { Hono } from "hono";
import { z } from "zod";
import type { AuthVariables } from "../auth/index.ts";
import { SyncError, forbidden, notFound } from "../errors.ts";
import { readJson } from "../http/errors.ts";
import { stamp } from "../clock/qlvb-clock.ts";
import type { SyncStorage } from "../storage/storage.ts";
import { WorkingDayCalendar } from "../../shared/domain/calendar/working-day-calendar.ts";
import { parseHolidayCalendarData, knownNoticesData, type HolidayCalendarData } from "../../shared/domain/calendar/holiday-data.ts";
import {
  applyRequestEvent,
  applyScienceDepartmentAnswer,
  CertificateInventoryEntrySchema,
  CertificateRequestSchema,
  districtOverview,
  requestDeadlineStatus,
  TokenIncidentSchema,
  type CertificateRequest,
  type OfficeSnapshot,
} from "../../shared/domain/certificates/index.ts";
import { isVanthuError } from "../../shared/errors.ts";

/**
 * Certificates, tokens and requests on the server (issue 7):
 * - the office keeps its inventory, incidents, custody, requests and audit trail as ordinary
 *   synced records (entities below), written by its PWA;
 * - a request travels as a signed công văn through the exchange to the Sở Khoa học và Công nghệ's
 *   office (exchange.send with documentRef = the request's id); the Sở's văn thư accepts it
 *   (exchange.accept: the QLVB receive time starts the legal deadline);
 * - the Sở answers here: the server applies the answer with the domain rules and writes the
 *   updated request into the sending office's records, which its PWA pulls;
 * - district IT reads the overview of the offices it manages;
 * - the holiday calendar (working days) is data district IT edits.
 */
export const CERT_ENTITIES = {
  inventory: "cert_inventory",
  request: "cert_request",
  incident: "cert_incident",
  custody: "cert_custody",
  audit: "audit_entry",
  calendar: "holiday_calendar",
} as const;

const AnswerBody = z.object({ answer: z.unknown() });

async function records(storage: SyncStorage, officeId: string, entity: string): Promise<unknown[]> {
  const rows = await storage.db
    .selectFrom("records")
    .select(["data"])
    .where("office_id", "=", officeId)
    .where("entity", "=", entity)
    .where("deleted", "=", 0)
    .execute();
  return rows.map((r) => (r.data === null ? null : JSON.parse(r.data))).filter((x) => x !== null);
}

/** Records that fit the schema; a damaged one is skipped (and logged), never fatal for the overview. */
function valid<T>(schema: z.ZodType<T>, rows: unknown[], what: string): T[] {
  const out: T[] = [];
  for (const r of rows) {
    const p = schema.safeParse(r);
    if (p.success) out.push(p.data);
    else console.warn(`[certificates] skipped an invalid ${what} record: ${p.error.issues[0]?.path.join(".")}: ${p.error.issues[0]?.message}`);
  }
  return out;
}

/** The holiday calendar in force: the latest one district IT saved anywhere, else the known notices. */
export async function currentCalendar(storage: SyncStorage): Promise<{ data: HolidayCalendarData; updatedAt: string | null; updatedBy: string | null }> {
  const row = await storage.db
    .selectFrom("records")
    .select(["data", "updated_at", "updated_by"])
    .where("entity", "=", CERT_ENTITIES.calendar)
    .where("deleted", "=", 0)
    .orderBy("updated_at", "desc")
    .limit(1)
    .executeTakeFirst();
  if (row?.data) {
    try {
      return { data: parseHolidayCalendarData(JSON.parse(row.data)), updatedAt: row.updated_at, updatedBy: row.updated_by };
    } catch (e) {
      console.warn(`[certificates] stored holiday calendar is invalid, using the known notices: ${String(e)}`);
    }
  }
  return { data: knownNoticesData(), updatedAt: null, updatedBy: null };
}

export function certificateRoutes(storage: SyncStorage) {
  const app = new Hono<{ Variables: AuthVariables }>();

  app.get("/calendar", async (c) => c.json(await currentCalendar(storage)));

  app.put("/calendar", async (c) => {
    const actor = c.get("actor");
    if (!actor.roles.some((r) => r === "district_it" || r === "admin"))
      throw forbidden("Chỉ bộ phận công nghệ thông tin cấp huyện được sửa lịch ngày nghỉ.", "Only district IT may edit the holiday calendar");
    const body = await readJson(c, z.unknown());
    let data: HolidayCalendarData;
    try {
      data = parseHolidayCalendarData(body);
    } catch (e) {
      if (isVanthuError(e)) throw new SyncError(400, e.code, e.messageVi, e.message);
      throw e;
    }
    const clientTime = stamp(storage.clock);
    await storage.applyPush(
      actor,
      [
        {
          id: `cal-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
          clientTime,
          type: "record.put",
          entity: CERT_ENTITIES.calendar,
          recordId: "default",
          data: data as unknown as Record<string, unknown>,
        },
      ],
      { clientId: "server-calendar" },
    );
    return c.json(await currentCalendar(storage));
  });

  /** The Sở's inbox: the requests sent to its office, with their deadlines. */
  app.get("/inbox", async (c) => {
    const actor = c.get("actor");
    await requireScienceDepartment(storage, actor.officeId);
    const calendar = new WorkingDayCalendar((await currentCalendar(storage)).data);
    const now = storage.clock.now();
    const items = [];
    for (const d of await inboxDeliveries(storage, actor.officeId)) {
      const request = d.request;
      // Accepted by the Sở's văn thư but not answered yet: the receipt is known from the exchange.
      const shown =
        d.receivedAt && request.state === "sent"
          ? applyRequestEvent(request, { type: "receive", at: d.receivedAt, by: { id: "qlvb", name: "Văn thư Sở" } }, calendar)
          : request;
      items.push({
        deliveryId: d.deliveryId,
        status: d.status,
        sentAt: d.sentAt,
        receivedAt: d.receivedAt,
        from: { officeId: d.senderOfficeId, name: d.senderName },
        request: shown,
        deadline: requestDeadlineStatus(shown, now, calendar),
      });
    }
    return c.json({ items });
  });

  app.post("/inbox/:deliveryId/answer", async (c) => {
    const actor = c.get("actor");
    const user = c.get("user");
    await requireScienceDepartment(storage, actor.officeId);
    if (!actor.roles.some((r) => r === "clerk" || r === "signature_officer" || r === "admin" || r === "leader")) {
      throw forbidden("Bạn không có quyền trả lời đề nghị.", "Not allowed to answer requests");
    }
    const body = await readJson(c, AnswerBody);
    const d = (await inboxDeliveries(storage, actor.officeId, c.req.param("deliveryId")))[0];
    if (!d) throw notFound(`Delivery ${c.req.param("deliveryId")}`, "đề nghị này");
    if (d.status !== "accepted" || !d.receivedAt) {
      throw new SyncError(
        409,
        "not_received",
        "Văn thư của Sở phải tiếp nhận văn bản đề nghị trước khi trả lời.",
        "The request document must be accepted before it is answered",
      );
    }
    const request = d.request;
    const calendar = new WorkingDayCalendar((await currentCalendar(storage)).data);
    let answered: CertificateRequest;
    try {
      answered = applyScienceDepartmentAnswer(
        request,
        { receivedAt: d.receivedAt, answer: body.answer, at: stamp(storage.clock), by: { id: user.id, name: user.fullName } },
        calendar,
      );
    } catch (e) {
      if (isVanthuError(e)) throw new SyncError(e.code === "request.bad-transition" ? 409 : 400, e.code, e.messageVi, e.message);
      throw e;
    }
    // Written into the sending office's records (its PWA pulls the change), by the Sở's user.
    await storage.applyPush(
      { userId: user.id, roles: actor.roles, officeId: d.senderOfficeId },
      [
        {
          id: `so-${d.deliveryId.slice(0, 20)}-${answered.history.length}`,
          clientTime: stamp(storage.clock),
          type: "record.put",
          entity: CERT_ENTITIES.request,
          recordId: request.id,
          data: answered as unknown as Record<string, unknown>,
        },
      ],
      { clientId: `science-department:${actor.officeId}`.slice(0, 64) },
    );
    return c.json({ request: answered });
  });

  /** District IT: every managed office's sync state, certificates needing attention, open and overdue requests. */
  app.get("/district", async (c) => {
    const actor = c.get("actor");
    const user = c.get("user");
    if (!actor.roles.some((r) => r === "district_it" || r === "admin"))
      throw forbidden("Chỉ bộ phận công nghệ thông tin cấp huyện xem được tổng hợp này.", "District view is for district IT");
    const offices = (await storage.officesOf(user)).filter((o) => o.id !== user.officeId || o.kind === "commune");
    const calendar = new WorkingDayCalendar((await currentCalendar(storage)).data);
    const snapshots: OfficeSnapshot[] = [];
    for (const o of offices) {
      const last = await storage.db
        .selectFrom("mutations")
        .select((eb) => eb.fn.max("applied_at").as("at"))
        .where("office_id", "=", o.id)
        .executeTakeFirst();
      snapshots.push({
        officeId: o.id,
        officeName: o.name,
        sync: { lastSyncAt: (last?.at as string | null) ?? undefined },
        inventory: valid(CertificateInventoryEntrySchema, await records(storage, o.id, CERT_ENTITIES.inventory), "inventory"),
        requests: await withReceipts(
          storage,
          o.id,
          valid(CertificateRequestSchema, await records(storage, o.id, CERT_ENTITIES.request), "request") as CertificateRequest[],
          calendar,
        ),
        incidents: valid(TokenIncidentSchema, await records(storage, o.id, CERT_ENTITIES.incident), "incident"),
      });
    }
    const now = storage.clock.now();
    return c.json({ generatedAt: stamp(storage.clock), offices: districtOverview(snapshots, { now, calendar }) });
  });

  return app;
}

async function requireScienceDepartment(storage: SyncStorage, officeId: string): Promise<void> {
  const o = await storage.getOffice(officeId);
  if (o?.kind !== "science_department")
    throw forbidden("Chức năng này dành cho Sở Khoa học và Công nghệ.", "Only the science department's office handles certificate requests");
}

interface InboxDelivery {
  deliveryId: string;
  status: string;
  sentAt: string;
  receivedAt: string | null;
  senderOfficeId: string;
  senderName: string;
  request: CertificateRequest;
}

/** The office's requests by the reference their công văn travels under (exchangeRef, else the request id). */
async function requestsByRef(storage: SyncStorage, officeId: string): Promise<Map<string, CertificateRequest>> {
  const list = valid(CertificateRequestSchema, await records(storage, officeId, CERT_ENTITIES.request), "request") as CertificateRequest[];
  return new Map(list.map((r) => [r.exchangeRef ?? r.id, r]));
}

/** Deliveries to the Sở's office that carry a certificate request. */
async function inboxDeliveries(storage: SyncStorage, officeId: string, deliveryId?: string): Promise<InboxDelivery[]> {
  let q = storage.db
    .selectFrom("deliveries")
    .innerJoin("exchanges", "exchanges.id", "deliveries.exchange_id")
    .select([
      "deliveries.id as deliveryId",
      "deliveries.status",
      "exchanges.sent_at as sentAt",
      "deliveries.received_at as receivedAt",
      "exchanges.sender_office_id as senderOfficeId",
      "exchanges.sender_name as senderName",
      "exchanges.document_ref as documentRef",
    ])
    .where("deliveries.recipient_office_id", "=", officeId);
  if (deliveryId) q = q.where("deliveries.id", "=", deliveryId);
  const rows = await q.orderBy("exchanges.sent_at", "desc").execute();
  const cache = new Map<string, Map<string, CertificateRequest>>();
  const out: InboxDelivery[] = [];
  for (const r of rows) {
    if (!r.senderOfficeId) continue; // edXML imports from other systems carry no request record
    let byRef = cache.get(r.senderOfficeId);
    if (!byRef) cache.set(r.senderOfficeId, (byRef = await requestsByRef(storage, r.senderOfficeId)));
    const request = byRef.get(r.documentRef);
    if (request)
      out.push({
        deliveryId: r.deliveryId,
        status: r.status,
        sentAt: r.sentAt,
        receivedAt: r.receivedAt,
        senderOfficeId: r.senderOfficeId,
        senderName: r.senderName,
        request,
      });
  }
  return out;
}

/**
 * Requests the office still shows as "sent" whose công văn the Sở's văn thư has accepted: the
 * receipt (and so the deadline) is known from the exchange even before the office's PWA syncs.
 */
async function withReceipts(
  storage: SyncStorage,
  officeId: string,
  requests: CertificateRequest[],
  calendar: WorkingDayCalendar,
): Promise<CertificateRequest[]> {
  const refOf = (r: CertificateRequest) => r.exchangeRef ?? r.id;
  const waiting = requests.filter((r) => r.state === "sent").map(refOf);
  if (waiting.length === 0) return requests;
  const rows = await storage.db
    .selectFrom("deliveries")
    .innerJoin("exchanges", "exchanges.id", "deliveries.exchange_id")
    .select(["exchanges.document_ref as ref", "deliveries.received_at as receivedAt"])
    .where("exchanges.sender_office_id", "=", officeId)
    .where("exchanges.document_ref", "in", waiting)
    .where("deliveries.status", "=", "accepted")
    .execute();
  const received = new Map(rows.filter((r) => r.receivedAt).map((r) => [r.ref, r.receivedAt!]));
  return requests.map((r) => {
    const at = received.get(refOf(r));
    return at && r.state === "sent" ? applyRequestEvent(r, { type: "receive", at, by: { id: "qlvb", name: "Văn thư Sở" } }, calendar) : r;
  });
}
