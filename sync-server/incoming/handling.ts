import { Hono } from "hono";
import { z } from "zod";
import type { AuthVariables } from "../auth/index.ts";
import { SyncError, forbidden, notFound } from "../errors.ts";
import { readJson } from "../http/errors.ts";
import { stamp } from "../clock/qlvb-clock.ts";
import type { SyncStorage } from "../storage/storage.ts";
import { currentCalendar } from "../certificates/index.ts";
import { WorkingDayCalendar } from "../../shared/domain/calendar/working-day-calendar.ts";
import {
  applyHandlingEvent,
  handlingAlerts,
  handlingDeadline,
  handlingRefusal,
  newHandling,
  presentationDue,
  type Assignee,
  type HandlingEvent,
  type IncomingHandling,
} from "../../shared/domain/incoming/index.ts";
import type { PersonRef } from "../../shared/domain/certificates/people.ts";
import type { Urgency } from "../../shared/domain/secrecy.ts";
import { isVanthuError } from "../../shared/errors.ts";

/**
 * Handling of incoming documents on the server (Nghị định 30/2020 Điều 23–24): the server is the
 * authority for who may act (clerk presents, leader assigns, the assignee acknowledges) and for
 * every time (QLVB clock). Each handling is an office record of entity `incoming_handling`, keyed
 * by the incoming register entry's id, written only here — never by a client's record.put — and
 * pulled by the office's devices through the change feed.
 *
 *   GET  /incoming/handling              the office's handlings with deadlines and alerts (now = QLVB)
 *   GET  /incoming/handling/people       the office's accounts, to present to and assign
 *   POST /incoming/handling/:id/events   one step: present | assign | acknowledge | progress | complete
 */
export const HANDLING_ENTITY = "incoming_handling";

const Id = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/);
const Command = z.discriminatedUnion("type", [
  z.object({ type: z.literal("present"), toUserId: Id, note: z.string().max(1000).optional() }),
  z.object({
    type: z.literal("assign"),
    opinion: z.string().max(2000),
    workingDays: z.number().int(),
    assignees: z
      .array(
        z.union([
          z.object({ kind: z.literal("person"), userId: Id, part: z.enum(["main", "support"]) }),
          z.object({ kind: z.literal("unit"), name: z.string().min(1).max(200), part: z.enum(["main", "support"]) }),
        ]),
      )
      .min(1)
      .max(20),
  }),
  z.object({ type: z.literal("acknowledge") }),
  z.object({ type: z.literal("progress"), note: z.string().max(2000) }),
  z.object({ type: z.literal("complete"), note: z.string().max(2000) }),
]);

interface OfficeUser {
  id: string;
  fullName: string;
  roles: string[];
}

async function officeUsers(storage: SyncStorage, officeId: string): Promise<OfficeUser[]> {
  const rows = await storage.db
    .selectFrom("users")
    .select(["id", "full_name", "roles"])
    .where("office_id", "=", officeId)
    .where("disabled", "=", 0)
    .orderBy("full_name")
    .execute();
  return rows.map((r) => ({ id: r.id, fullName: r.full_name, roles: JSON.parse(r.roles) as string[] }));
}

const PRIORITY: Urgency[] = ["none", "Khẩn", "Thượng khẩn", "Hỏa tốc"];

/** A registered incoming document (the office's "incoming" record) as the start of its handling. */
function fromRegisterEntry(officeId: string, id: string, e: Record<string, unknown>): IncomingHandling {
  const urgency = (typeof e.urgency === "string" && (PRIORITY as string[]).includes(e.urgency) ? e.urgency : "none") as Urgency;
  return newHandling({
    id,
    officeId,
    arrivalNumber: Number(e.number ?? 0),
    arrivalYear: Number(e.year ?? 0),
    numberAndSymbol: String(e.numberAndSymbol ?? ""),
    summary: String(e.summary ?? ""),
    issuer: String(e.issuer ?? ""),
    arrivedAt: String(e.arrivedAt ?? ""),
    urgency,
  });
}

async function loadAll(storage: SyncStorage, officeId: string): Promise<IncomingHandling[]> {
  const rows = await storage.db
    .selectFrom("records")
    .select(["entity", "record_id", "data"])
    .where("office_id", "=", officeId)
    .where("entity", "in", ["incoming", HANDLING_ENTITY])
    .where("deleted", "=", 0)
    .execute();
  const handled = new Map<string, IncomingHandling>();
  for (const r of rows) if (r.entity === HANDLING_ENTITY && r.data) handled.set(r.record_id, JSON.parse(r.data) as IncomingHandling);
  const out: IncomingHandling[] = [...handled.values()];
  for (const r of rows) {
    if (r.entity !== "incoming" || !r.data || handled.has(r.record_id)) continue;
    const h = fromRegisterEntry(officeId, r.record_id, JSON.parse(r.data) as Record<string, unknown>);
    if (!Number.isNaN(Date.parse(h.arrivedAt))) out.push(h);
  }
  return out.sort((a, b) => b.arrivedAt.localeCompare(a.arrivedAt));
}

export function handlingRoutes(storage: SyncStorage) {
  const app = new Hono<{ Variables: AuthVariables }>();

  app.get("/handling/people", async (c) => {
    const users = await officeUsers(storage, c.get("actor").officeId);
    return c.json({ people: users.map((u) => ({ id: u.id, name: u.fullName, roles: u.roles })) });
  });

  app.get("/handling", async (c) => {
    const actor = c.get("actor");
    const calendar = new WorkingDayCalendar((await currentCalendar(storage)).data);
    const now = stamp(storage.clock);
    const all = await loadAll(storage, actor.officeId);
    const mine = c.req.query("scope") === "mine";
    const items = all
      .filter((h) => !mine || concernsUser(h, actor.userId))
      .map((h) => ({ handling: h, deadline: handlingDeadline(h, now, calendar), presentation: presentationDue(h, calendar) }));
    const alerts = handlingAlerts(all, now, calendar, mine ? actor.userId : undefined).map((a) => ({
      id: a.handling.id,
      kind: a.kind,
      textVi: a.textVi,
      numberAndSymbol: a.handling.numberAndSymbol,
      summary: a.handling.summary,
      arrivalNumber: a.handling.arrivalNumber,
    }));
    return c.json({ now, items, alerts });
  });

  app.post("/handling/:id/events", async (c) => {
    const actor = c.get("actor");
    const user = c.get("user");
    const id = Id.safeParse(c.req.param("id"));
    if (!id.success) throw notFound("handling", "văn bản đến này");
    const cmd = await readJson(c, Command);
    const users = await officeUsers(storage, actor.officeId);
    const ref = (u: OfficeUser): PersonRef => ({ id: u.id, name: u.fullName });
    const by: PersonRef = { id: user.id, name: user.fullName };
    const calendar = new WorkingDayCalendar((await currentCalendar(storage)).data);
    const result = await storage.db.transaction().execute(async (trx) => {
      const at = stamp(storage.clock);
      let q = trx
        .selectFrom("records")
        .select(["entity", "data"])
        .where("office_id", "=", actor.officeId)
        .where("record_id", "=", id.data)
        .where("entity", "in", ["incoming", HANDLING_ENTITY])
        .where("deleted", "=", 0);
      if (storage.dialect === "postgres") q = q.forUpdate();
      const rows = await q.execute();
      const stored = rows.find((r) => r.entity === HANDLING_ENTITY)?.data;
      const entry = rows.find((r) => r.entity === "incoming")?.data;
      if (!stored && !entry) throw notFound(`incoming ${id.data}`, "văn bản đến này (văn bản phải được vào sổ và đồng bộ lên máy chủ trước)");
      const current: IncomingHandling = stored
        ? (JSON.parse(stored) as IncomingHandling)
        : fromRegisterEntry(actor.officeId, id.data, JSON.parse(entry!) as Record<string, unknown>);
      const event = toEvent(cmd, at, by, users, ref);
      const refusal = handlingRefusal(current, event, { id: user.id, roles: actor.roles });
      if (refusal) throw forbidden(refusal, `${event.type} refused for user ${user.id}`);
      let next: IncomingHandling;
      try {
        next = applyHandlingEvent(current, event, calendar);
      } catch (e) {
        if (isVanthuError(e)) throw new SyncError(e.code === "handling.bad-transition" ? 409 : 422, e.code, e.messageVi, e.message);
        throw e;
      }
      const data = JSON.stringify(next);
      const existing = await trx
        .selectFrom("records")
        .select("version")
        .where("office_id", "=", actor.officeId)
        .where("entity", "=", HANDLING_ENTITY)
        .where("record_id", "=", id.data)
        .executeTakeFirst();
      const version = existing ? Number(existing.version) + 1 : 1;
      if (existing) {
        await trx
          .updateTable("records")
          .set({ data, version, deleted: 0, updated_at: at, provisional_at: null, updated_by: user.id })
          .where("office_id", "=", actor.officeId)
          .where("entity", "=", HANDLING_ENTITY)
          .where("record_id", "=", id.data)
          .execute();
      } else {
        await trx
          .insertInto("records")
          .values({
            office_id: actor.officeId,
            entity: HANDLING_ENTITY,
            record_id: id.data,
            data,
            version,
            deleted: 0,
            updated_at: at,
            provisional_at: null,
            updated_by: user.id,
          })
          .execute();
      }
      await storage.feed.emit(trx, actor.officeId, HANDLING_ENTITY, id.data, "put", data, version, at);
      return next;
    });
    return c.json({ handling: result, deadline: handlingDeadline(result, stamp(storage.clock), calendar) });
  });

  return app;
}

function toEvent(cmd: z.infer<typeof Command>, at: string, by: PersonRef, users: OfficeUser[], ref: (u: OfficeUser) => PersonRef): HandlingEvent {
  const userOf = (uid: string, leaderOnly: boolean) => {
    const u = users.find((x) => x.id === uid);
    if (!u) throw new SyncError(422, "handling.unknown-person", "Người được chọn không thuộc cơ quan này.", `user ${uid} is not in the office`);
    if (leaderOnly && !u.roles.includes("leader"))
      throw new SyncError(
        422,
        "handling.not-leader",
        `${u.fullName} không phải lãnh đạo: chỉ trình văn bản cho người có thẩm quyền.`,
        `user ${uid} is not a leader`,
      );
    return u;
  };
  switch (cmd.type) {
    case "present":
      return { type: "present", at, by, to: ref(userOf(cmd.toUserId, true)), ...(cmd.note ? { note: cmd.note } : {}) };
    case "assign": {
      const assignees: Assignee[] = cmd.assignees.map((a) => {
        if (a.kind === "person") {
          const u = userOf(a.userId, false);
          return { kind: "person", id: u.id, name: u.fullName, part: a.part };
        }
        const name = a.name.trim();
        return { kind: "unit", id: name.normalize("NFC").toLocaleLowerCase("vi").replace(/\s+/g, "-").slice(0, 60), name, part: a.part };
      });
      return { type: "assign", at, by, opinion: cmd.opinion, workingDays: cmd.workingDays, assignees };
    }
    case "acknowledge":
      return { type: "acknowledge", at, by };
    case "progress":
      return { type: "progress", at, by, note: cmd.note };
    case "complete":
      return { type: "complete", at, by, note: cmd.note };
  }
}

function concernsUser(h: IncomingHandling, userId: string): boolean {
  return (
    h.presentation?.to.id === userId || h.assignment?.by.id === userId || (h.assignment?.assignees.some((a) => a.kind === "person" && a.id === userId) ?? false)
  );
}
