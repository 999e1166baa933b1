/**
 * The server's audit trail (issue 11, point 6): one hash chain per office, appended in the
 * transaction of each act with the QLVB time; exported for district IT and inspectors in a
 * form that proves itself — and a tampered export is caught at its position.
 */
import { expect, it } from "vitest";
import { verifyAuditExport, type AuditExport } from "../../shared/sync/audit.ts";
import type { Mutation, MutationResult } from "../../shared/sync/schemas.ts";
import { offsetQlvbClock } from "../../sync-server/clock/qlvb-clock.ts";
import { auth, clientTime, describeBackends, mutationId, officeWithUser, pullAll, pushOk, uploadWhole, type Env, type TestUser } from "./harness.ts";

const qlvb = offsetQlvbClock("qlvb:test", 2 * 3600_000);

async function exportOf(env: Env, user: TestUser, officeId?: string, format = "json"): Promise<Response> {
  return env.app.request(`/api/audit/export?format=${format}`, { headers: auth(user, officeId ? { "x-vanthu-office": officeId } : {}) });
}

describeBackends(
  "the office's audit chain on the server",
  (env) => {
    let a: TestUser, b: TestUser, leader: TestUser, it_: TestUser, inspector: TestUser;

    it("records sign-in, send, receive, accept, refuse and what a device reports, with who, the document's SHA-256 and the QLVB time", async () => {
      a = await officeWithUser(env(), "UBND phường Hồng Bàng", ["clerk"]);
      b = await officeWithUser(env(), "UBND xã An Hưng", ["clerk"]);
      leader = await officeWithUser(env(), "UBND phường Hồng Bàng", ["leader"], { officeId: a.officeId });
      it_ = await officeWithUser(env(), "Tổ CNTT khu vực", ["district_it"], { kind: "district", managedOfficeIds: [a.officeId, b.officeId] });
      inspector = await officeWithUser(env(), "Thanh tra thành phố", ["inspector"], { kind: "district", managedOfficeIds: [a.officeId] });
      const sha = await uploadWhole(env(), a, new TextEncoder().encode(`%PDF-1.7\n% ${Math.random()}\n%%EOF\n`));
      const header = { codeNumber: "07", codeNotation: "UBND-VP", subject: "Về việc chuyển đổi số", promulgationDate: "2026-11-29" };
      const sent = await pushOk(env(), a, [
        {
          id: mutationId(),
          clientTime: clientTime(),
          type: "exchange.send",
          documentRef: "d1",
          recipients: [b.officeId],
          header,
          blobs: [{ sha256: sha, name: "07.pdf", contentType: "application/pdf", role: "main" }],
        },
      ]);
      const deliveryId = sent.results[0]!.assigned.deliveries![0]!.deliveryId;
      await pushOk(env(), b, [
        {
          id: mutationId(),
          clientTime: clientTime(),
          type: "audit.append",
          entryId: "verify-1",
          action: "verification",
          summary: "Kiểm tra 2 chữ ký số trên văn bản 07/UBND-VP: hợp lệ.",
          documentSha256: sha,
          details: { verdict: "valid" },
        },
        { id: mutationId(), clientTime: clientTime(), type: "exchange.accept", deliveryId },
      ]);
      const entriesA = await env().storage.audit.list(a.officeId);
      const entriesB = await env().storage.audit.list(b.officeId);
      // The sender's chain records what became of its document: accepted by the recipient.
      expect(entriesA.map((e) => e.action)).toEqual(["sign-in", "sign-in", "send", "acceptance"]);
      expect(entriesB.map((e) => e.action)).toEqual(["sign-in", "receive", "verification", "acceptance"]);
      expect(entriesA.at(-1)!.summary).toMatch(/^Văn bản 07\/UBND-VP đã được .+ tiếp nhận\.$/);
      const send = entriesA.find((e) => e.action === "send")!;
      expect(send).toMatchObject({ officeId: a.officeId, subject: { kind: "document", id: sha, label: "07/UBND-VP" }, time: { source: "qlvb" } });
      expect(send.actor.name).toMatch(/Người dùng/);
      // QLVB time (two hours ahead of this machine here), not the device's 2020 clock.
      expect(Math.abs(Date.parse(send.time.at) - qlvb.now().getTime())).toBeLessThan(10 * 60_000);
      const verify = entriesB.find((e) => e.action === "verification")!;
      expect(verify).toMatchObject({ id: "verify-1", subject: { id: sha }, details: { verdict: "valid", reportedBy: "device", deviceTime: clientTime() } });
      // A device cannot write an act the server records itself, nor the same entry twice.
      const forged = await pushOk(
        env(),
        b,
        [
          { id: mutationId(), clientTime: clientTime(), type: "audit.append", entryId: "verify-1", action: "verification", summary: "x" },
          { id: mutationId(), clientTime: clientTime(), type: "audit.append", entryId: "x2", action: "acceptance" as "verification", summary: "x" },
        ].slice(0, 1) as Mutation[],
      );
      expect(forged.results[0]).toMatchObject({ status: "refused", error: { code: "audit_entry_exists" } });
      const bad = await env().app.request("/api/sync/push", {
        method: "POST",
        headers: auth(b, { "content-type": "application/json" }),
        body: JSON.stringify({
          clientId: "c",
          mutations: [{ id: mutationId(), clientTime: clientTime(), type: "audit.append", entryId: "x2", action: "acceptance", summary: "x" }],
        }),
      });
      expect(bad.status).toBe(400);
      // The office's devices get the chain by pull.
      expect((await pullAll(env(), b)).changes.filter((c) => c.entity === "audit.entry").map((c) => c.id)).toEqual(entriesB.map((e) => e.id));
    });

    it("many acts of one office at once still make one unbroken chain", async () => {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          Promise.resolve(
            env().app.request("/api/sync/push", {
              method: "POST",
              headers: auth(a, { "content-type": "application/json" }),
              body: JSON.stringify({
                clientId: `dev-${i % 3}`,
                mutations: [
                  { id: mutationId(), clientTime: clientTime(), type: "audit.append", entryId: `v-${i}`, action: "verification", summary: `Kiểm tra ${i}` },
                ],
              }),
            }),
          ).then(async (r) => ((await r.json()) as { results: MutationResult[] }).results[0]!),
        ),
      );
      expect(results.every((r) => r.status === "applied")).toBe(true);
      const res = await exportOf(env(), it_, a.officeId);
      const report = await verifyAuditExport(await res.json());
      expect(report.ok, JSON.stringify(report.problems)).toBe(true);
      expect(report.count).toBe(4 + 12);
    });

    it("district IT and inspectors export the offices they are given; the export proves the chain", async () => {
      for (const [user, office] of [
        [it_, a.officeId],
        [it_, b.officeId],
        [inspector, a.officeId],
        [leader, undefined],
      ] as const) {
        const res = await exportOf(env(), user, office);
        expect(res.status).toBe(200);
        const exp = (await res.json()) as AuditExport;
        expect(exp.head).toEqual({ seq: exp.entries.at(-1)!.seq, hash: exp.entries.at(-1)!.hash });
        expect((await verifyAuditExport(exp)).ok).toBe(true);
      }
      expect((await exportOf(env(), a)).status).toBe(403); // a clerk does not export
      expect((await exportOf(env(), inspector, b.officeId)).status).toBe(403); // not given to this inspector
      const csv = await (await exportOf(env(), it_, a.officeId, "csv")).text();
      expect(csv.split("\r\n")[0]).toContain("Hoạt động");
      expect(csv).toContain("Gửi văn bản");
    });

    it("a tampered export is caught at its position: changed, removed, reordered, cut short, or from another office", async () => {
      const exp = (await (await exportOf(env(), it_, b.officeId)).json()) as AuditExport;
      const clone = (): AuditExport => JSON.parse(JSON.stringify(exp));
      const changed = clone();
      changed.entries[2]!.summary = "Kiểm tra 2 chữ ký số trên văn bản 07/UBND-VP: không hợp lệ.";
      let r = await verifyAuditExport(changed);
      expect(r.ok).toBe(false);
      expect(r.problems[0]).toMatchObject({ kind: "changed", position: 3 });
      const removed = clone();
      removed.entries.splice(1, 1);
      r = await verifyAuditExport(removed);
      expect(r.problems.map((p) => p.kind)).toContain("removed");
      const reordered = clone();
      [reordered.entries[1], reordered.entries[2]] = [reordered.entries[2]!, reordered.entries[1]!];
      expect((await verifyAuditExport(reordered)).problems.map((p) => p.kind)).toContain("reordered");
      const cut = clone();
      cut.entries.pop();
      expect((await verifyAuditExport(cut)).problems.map((p) => p.kind)).toContain("truncated");
      // Cut, with the head rewritten to match: caught against a head kept from an earlier export.
      const cutAndHidden = clone();
      cutAndHidden.entries.pop();
      cutAndHidden.head = { seq: cutAndHidden.entries.at(-1)!.seq, hash: cutAndHidden.entries.at(-1)!.hash };
      expect((await verifyAuditExport(cutAndHidden)).ok).toBe(true);
      expect((await verifyAuditExport(cutAndHidden, [exp.head!])).problems.map((p) => p.kind)).toContain("truncated");
      const foreign = clone();
      foreign.office.id = a.officeId;
      expect((await verifyAuditExport(foreign)).foreignEntries.length).toBe(exp.entries.length);
      expect((await verifyAuditExport({ format: "something else" })).ok).toBe(false);
    });
  },
  { clock: qlvb },
);
