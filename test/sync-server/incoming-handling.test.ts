import { expect, it } from "vitest";
import type { QlvbClock } from "../../sync-server/clock/qlvb-clock.ts";
import { describeBackends, auth, clientTime, login, mutationId, officeWithUser, pullAll, pushOk, uploadWhole, type Env, type TestUser } from "./harness.ts";
import { parseEdxml } from "../../shared/sync/edxml.ts";

/** A QLVB clock the test moves: Thursday 26/11/2026 09:00 in Hải Phòng to start with. */
let nowMs = Date.parse("2026-11-26T09:00:00+07:00");
const testClock: QlvbClock = { source: "test", now: () => new Date(nowMs) };

async function call(env: Env, user: TestUser, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await env.app.request(
    `/api/incoming${path}`,
    body === undefined ? { headers: auth(user) } : { method: "POST", headers: auth(user, { "content-type": "application/json" }), body: JSON.stringify(body) },
  );
  return { status: res.status, json: await res.json() };
}

describeBackends(
  "handling incoming documents (ND30 Điều 23–24) with the server's authority",
  (env) => {
    it("present → assign with a due date in working days → the assignee sees and acknowledges → overdue the day after", async () => {
      nowMs = Date.parse("2026-11-26T09:00:00+07:00");
      const clerk = await officeWithUser(env(), "UBND phường Hồng Bàng", ["clerk"]);
      const leader = await officeWithUser(env(), "", ["leader"], { officeId: clerk.officeId });
      const officer = await officeWithUser(env(), "", ["clerk"], { officeId: clerk.officeId });
      const people = (await call(env(), clerk, "/handling/people")).json.people as { id: string; name: string; roles: string[] }[];
      const idOf = async (u: TestUser) => (await env().storage.findUserByUsername(u.username))!.id;
      expect(people.map((p) => p.id).sort()).toEqual([await idOf(clerk), await idOf(leader), await idOf(officer)].sort());
      const leaderId = await idOf(leader);
      const officerId = await idOf(officer);
      // The clerk registers it (its register entry syncs as an office record).
      await pushOk(env(), clerk, [
        {
          id: "m-reg-1",
          clientTime: "2026-11-26T08:59:00+07:00",
          type: "record.put",
          entity: "incoming",
          recordId: "in-1",
          data: {
            id: "in-1",
            year: 2026,
            number: 12,
            arrivedAt: "2026-11-26T08:58:00.000+07:00",
            issuer: "UBND thành phố Hải Phòng",
            numberAndSymbol: "15/QĐ-UBND",
            summary: "Về việc kiểm tra",
            urgency: "none",
          },
        },
      ]);
      const listed = (await call(env(), leader, "/handling")).json;
      expect(listed.items.map((i: any) => [i.handling.id, i.handling.state])).toEqual([["in-1", "registered"]]);

      // Only the clerk presents, only to a leader; only a leader assigns.
      expect((await call(env(), leader, "/handling/in-1/events", { type: "present", toUserId: leaderId })).status).toBe(403);
      const p = await call(env(), clerk, "/handling/in-1/events", { type: "present", toUserId: leaderId });
      expect(p.status).toBe(200);
      expect(p.json.handling.presentation.at).toBe("2026-11-26T09:00:00.000+07:00");
      nowMs += 3600_000;
      const assign = {
        type: "assign",
        opinion: "Giao đồng chí xử lý, báo cáo trước hạn.",
        workingDays: 2,
        assignees: [
          { kind: "person", userId: officerId, part: "main" },
          { kind: "unit", name: "Bộ phận Tài chính - Kế toán", part: "support" },
        ],
      };
      expect((await call(env(), clerk, "/handling/in-1/events", assign)).json.error.messageVi).toBe("Chỉ lãnh đạo cho ý kiến chỉ đạo và giao xử lý.");
      const a = await call(env(), leader, "/handling/in-1/events", assign);
      expect(a.status).toBe(200);
      // Thursday 26/11 + 2 working days: Friday 27/11, Monday 30/11.
      expect(a.json.handling.assignment).toMatchObject({ at: "2026-11-26T10:00:00.000+07:00", dueDay: "2026-11-30", workingDays: 2 });

      // The assignee sees it in their list; the clerk (not assigned) may not acknowledge it.
      const mine = (await call(env(), officer, "/handling?scope=mine")).json;
      expect(mine.items.map((i: any) => i.handling.id)).toEqual(["in-1"]);
      expect((await call(env(), clerk, "/handling/in-1/events", { type: "acknowledge" })).status).toBe(403);
      nowMs += 1800_000;
      const ack = await call(env(), officer, "/handling/in-1/events", { type: "acknowledge" });
      expect(ack.json.handling.acknowledgements[0].at).toBe("2026-11-26T10:30:00.000+07:00");

      // Due soon on Monday; overdue on Tuesday 01/12 (the day after the due date).
      nowMs = Date.parse("2026-11-30T09:00:00+07:00");
      // Days later: sessions have expired on the QLVB clock, so people sign in again.
      for (const u of [clerk, leader, officer]) u.token = await login(env(), u.username, u.password);
      expect((await call(env(), leader, "/handling?scope=mine")).json.alerts.map((x: any) => x.kind)).toEqual(["due-soon"]);
      nowMs = Date.parse("2026-12-01T08:00:00+07:00");
      for (const u of [clerk, leader, officer]) u.token = await login(env(), u.username, u.password);
      const overdue = (await call(env(), leader, "/handling?scope=mine")).json;
      expect(overdue.alerts).toEqual([
        {
          id: "in-1",
          kind: "overdue",
          textVi: "Quá hạn 1 ngày làm việc (hạn 30/11/2026)",
          numberAndSymbol: "15/QĐ-UBND",
          summary: "Về việc kiểm tra",
          arrivalNumber: 12,
        },
      ]);

      // The office's devices pull the handling with the server's times.
      const pulled = (await pullAll(env(), clerk)).changes.filter((c) => c.entity === "incoming_handling");
      expect(pulled.at(-1)!.data).toMatchObject({ state: "in-progress", assignment: { dueDay: "2026-11-30" } });
      // Another office cannot see or act on it.
      const other = await officeWithUser(env(), "UBND xã An Hưng", ["leader"]);
      expect((await call(env(), other, "/handling/in-1/events", { type: "complete", note: "x" })).status).toBe(404);
      expect((await call(env(), other, "/handling")).json.items).toEqual([]);
    });

    it("refuses what the decree does not allow, with the reason in Vietnamese", async () => {
      nowMs = Date.parse("2026-11-26T09:00:00+07:00");
      const clerk = await officeWithUser(env(), "UBND phường Lê Chân", ["clerk"]);
      const leader = await officeWithUser(env(), "", ["leader"], { officeId: clerk.officeId });
      const people = (await call(env(), clerk, "/handling/people")).json.people as { id: string; roles: string[] }[];
      const leaderId = people.find((p) => p.roles.includes("leader"))!.id;
      const clerkId = people.find((p) => !p.roles.includes("leader"))!.id;
      expect((await call(env(), clerk, "/handling/nope/events", { type: "present", toUserId: leaderId })).status).toBe(404);
      await pushOk(env(), clerk, [
        {
          id: "m-reg-2",
          clientTime: "2026-11-26T08:59:00+07:00",
          type: "record.put",
          entity: "incoming",
          recordId: "in-2",
          data: {
            id: "in-2",
            year: 2026,
            number: 3,
            arrivedAt: "2026-11-26T08:58:00.000+07:00",
            issuer: "Sở Nội vụ",
            numberAndSymbol: "7/SNV-VP",
            summary: "Khẩn",
            urgency: "Hỏa tốc",
          },
        },
      ]);
      // Urgent: listed at once for presenting.
      expect((await call(env(), leader, "/handling")).json.alerts.map((x: any) => [x.id, x.kind])).toEqual([["in-2", "present-now"]]);
      expect((await call(env(), clerk, "/handling/in-2/events", { type: "present", toUserId: clerkId })).json.error.messageVi).toMatch(/không phải lãnh đạo/);
      expect(
        (
          await call(env(), leader, "/handling/in-2/events", {
            type: "assign",
            opinion: "x",
            workingDays: 1,
            assignees: [{ kind: "unit", name: "Văn phòng", part: "main" }],
          })
        ).json.error.code,
      ).toBe("handling.bad-transition");
      await call(env(), clerk, "/handling/in-2/events", { type: "present", toUserId: leaderId });
      const noOpinion = await call(env(), leader, "/handling/in-2/events", {
        type: "assign",
        opinion: " ",
        workingDays: 1,
        assignees: [{ kind: "unit", name: "Văn phòng", part: "main" }],
      });
      expect([noOpinion.status, noOpinion.json.error.messageVi]).toEqual([422, "Hãy ghi ý kiến phân phối, chỉ đạo."]);
    });

    it("a received document's edXML package carries how the recipient handled it (TraceHeaderList)", async () => {
      nowMs = Date.parse("2026-11-26T09:00:00+07:00");
      const a = await officeWithUser(env(), "UBND phường Ngô Quyền", ["clerk"]);
      const b = await officeWithUser(env(), "UBND xã An Hưng", ["clerk"]);
      const bLeader = await officeWithUser(env(), "", ["leader"], { officeId: b.officeId });
      const sha = await uploadWhole(env(), a, new TextEncoder().encode(`%PDF-1.7\n% ${Math.random()}\n%%EOF\n`));
      const header = { codeNumber: "31", codeNotation: "UBND-VP", typeName: "Công văn", subject: "V/v phối hợp kiểm tra", promulgationDate: "2026-11-25" };
      const sent = await pushOk(env(), a, [
        {
          id: mutationId(),
          clientTime: clientTime(),
          type: "exchange.send",
          documentRef: "doc-31",
          recipients: [b.officeId],
          header,
          blobs: [{ sha256: sha, name: "31.pdf", contentType: "application/pdf", role: "main" }],
        },
      ]);
      const exchangeId = sent.results[0]!.assigned.exchangeId!;
      const deliveryId = sent.results[0]!.assigned.deliveries![0]!.deliveryId;
      const incoming = (await (await env().app.request(`/api/exchange/incoming/${deliveryId}`, { headers: auth(b) })).json()) as {
        header: { documentId: string };
      };
      await pushOk(env(), b, [
        { id: mutationId(), clientTime: clientTime(), type: "exchange.accept", deliveryId },
        {
          id: mutationId(),
          clientTime: clientTime(),
          type: "record.put",
          entity: "incoming",
          recordId: "in-31",
          data: {
            id: "in-31",
            year: 2026,
            number: 1,
            arrivedAt: "2026-11-26T09:00:00.000+07:00",
            issuer: "UBND phường Ngô Quyền",
            numberAndSymbol: "31/UBND-VP",
            summary: header.subject,
            urgency: "none",
            documentId: incoming.header.documentId,
          },
        },
      ]);
      const leaderId = (await env().storage.findUserByUsername(bLeader.username))!.id;
      expect((await call(env(), b, "/handling/in-31/events", { type: "present", toUserId: leaderId })).status).toBe(200);
      nowMs += 600_000;
      expect(
        (
          await call(env(), bLeader, "/handling/in-31/events", {
            type: "assign",
            opinion: "Văn phòng tham mưu trả lời.",
            workingDays: 3,
            assignees: [{ kind: "unit", name: "Văn phòng", part: "main" }],
          })
        ).status,
      ).toBe(200);
      const pkg = parseEdxml(await (await env().app.request(`/api/exchange/${exchangeId}/edxml`, { headers: auth(b) })).text());
      expect(pkg.trace.map((t) => [t.organId, t.statusCode ?? ""])).toEqual([
        [a.organId, ""],
        [b.organId, "03"],
        [b.organId, "04"],
      ]);
      expect(pkg.trace[2]).toMatchObject({
        timestamp: "2026-11-26T09:10:00+07:00",
        description: expect.stringContaining("Văn phòng tham mưu trả lời. — Giao: Văn phòng (chủ trì); hạn 2026-12-01"),
      });
      // The sender's own export does not carry the recipient's handling.
      const own = parseEdxml(await (await env().app.request(`/api/exchange/${exchangeId}/edxml`, { headers: auth(a) })).text());
      expect(own.trace).toHaveLength(1);
    });
  },
  { clock: testClock },
);
