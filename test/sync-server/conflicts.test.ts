/**
 * No silent loss between devices (issue 11, point 2): concurrent edits of one record are each
 * either applied or answered as a conflict with the server's record — never overwritten
 * unseen — and append-only records merge without loss.
 */
import { expect, it } from "vitest";
import type { Mutation, MutationResult } from "../../shared/sync/schemas.ts";
import { auth, clientTime, describeBackends, mutationId, officeWithUser, pullAll, pushOk, type Env, type TestUser } from "./harness.ts";

async function pushFrom(env: Env, user: TestUser, clientId: string, m: Mutation): Promise<MutationResult> {
  const res = await env.app.request("/api/sync/push", {
    method: "POST",
    headers: auth(user, { "content-type": "application/json" }),
    body: JSON.stringify({ clientId, mutations: [m] }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: MutationResult[] }).results[0]!;
}

const edit = (recordId: string, data: Record<string, unknown>, baseVersion: number): Mutation => ({
  id: mutationId("e"),
  clientTime: clientTime(),
  type: "record.put",
  entity: "outgoing",
  recordId,
  data,
  baseVersion,
});

describeBackends("two devices editing one record at once", (env) => {
  let clerk: TestUser;

  it("50 edits racing on one version: one is applied, 49 are told of the conflict with the server's record", async () => {
    clerk = await officeWithUser(env(), "UBND phường Hồng Bàng", ["clerk", "signature_officer"]);
    const created = await pushOk(env(), clerk, [edit("r1", { subject: "bản đầu" }, 0)]);
    expect(created.results[0]!.assigned.version).toBe(1);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => pushFrom(env(), clerk, i % 2 ? "laptop" : "phone", edit("r1", { subject: `sửa ${i}` }, 1))),
    );
    const applied = answers.filter((a) => a.status === "applied");
    const conflicts = answers.filter((a) => a.status === "conflict");
    expect(applied).toHaveLength(1);
    expect(conflicts).toHaveLength(49);
    const winner = answers.findIndex((a) => a.status === "applied");
    for (const c of conflicts) {
      expect(c.error?.code).toBe("conflict");
      expect(c.error?.messageVi).toMatch(/đã được người khác thay đổi/);
      expect(c.current).toMatchObject({ entity: "outgoing", id: "r1", version: 2, data: { subject: `sửa ${winner}` } });
    }
  });

  it("each device resolves its conflicts on the current version: all 50 edits end up applied, in order, none lost", async () => {
    const devices = ["phone", "laptop"].map((clientId, d) => ({ clientId, edits: Array.from({ length: 25 }, (_, i) => `${clientId} ${i}`), d }));
    let conflicts = 0;
    await Promise.all(
      devices.map(async ({ clientId, edits }) => {
        let base = 2;
        for (const text of edits) {
          for (;;) {
            const r = await pushFrom(env(), clerk, clientId, edit("r1", { subject: text }, base));
            if (r.status === "applied") {
              base = r.assigned.version!;
              break;
            }
            expect(r.status).toBe("conflict");
            conflicts++;
            base = r.current!.version; // the person saw the newer record and keeps their change on top of it
          }
        }
      }),
    );
    const stored = await env().storage.records.get(env().storage.db, clerk.officeId, "outgoing", "r1");
    expect(stored!.version).toBe(52); // 1 created + 1 winner + 50 edits, each applied exactly once
    const feed = (await pullAll(env(), clerk)).changes.filter((c) => c.entity === "outgoing" && c.id === "r1");
    expect(feed.map((c) => c.version)).toEqual(Array.from({ length: 52 }, (_, i) => i + 1));
    const texts = feed.map((c) => (c.data as { subject: string }).subject);
    for (const { edits } of devices) {
      for (const t of edits) expect(texts.filter((x) => x === t)).toHaveLength(1);
      // Each device's edits landed in the order it made them.
      expect(texts.filter((x) => edits.includes(x))).toEqual(edits);
    }
    expect(conflicts).toBeGreaterThanOrEqual(0); // how many depends on scheduling; what matters is that none was lost
  });

  it("a stale delete is a conflict too, and a record created twice is a conflict for the second", async () => {
    const r = await pushFrom(env(), clerk, "phone", {
      id: mutationId(),
      clientTime: clientTime(),
      type: "record.put",
      entity: "cert_person",
      recordId: "p1",
      data: { name: "A" },
      baseVersion: 0,
    });
    expect(r.status).toBe("applied");
    const twice = await pushFrom(env(), clerk, "laptop", {
      id: mutationId(),
      clientTime: clientTime(),
      type: "record.put",
      entity: "cert_person",
      recordId: "p1",
      data: { name: "B" },
      baseVersion: 0,
    });
    expect(twice).toMatchObject({ status: "conflict", current: { version: 1, data: { name: "A" } } });
    await pushFrom(env(), clerk, "phone", {
      id: mutationId(),
      clientTime: clientTime(),
      type: "record.put",
      entity: "cert_person",
      recordId: "p1",
      data: { name: "A2" },
      baseVersion: 1,
    });
    const del = await pushFrom(env(), clerk, "laptop", {
      id: mutationId(),
      clientTime: clientTime(),
      type: "record.delete",
      entity: "cert_person",
      recordId: "p1",
      baseVersion: 1,
    });
    expect(del).toMatchObject({ status: "conflict", current: { version: 2, deleted: false, data: { name: "A2" } } });
  });

  it("one batch of edits: the fresh ones apply, a stale one and a delete of a deleted record are answered alone; a retry of the batch changes nothing", async () => {
    const put = (recordId: string, data: Record<string, unknown>, baseVersion: number): Mutation => ({
      id: mutationId("e"),
      clientTime: clientTime(),
      type: "record.put",
      entity: "cert_person",
      recordId,
      data,
      baseVersion,
    });
    const del = (recordId: string, baseVersion: number): Mutation => ({
      id: mutationId("d"),
      clientTime: clientTime(),
      type: "record.delete",
      entity: "cert_person",
      recordId,
      baseVersion,
    });
    // b1 at version 2, b2 deleted at version 2.
    await pushOk(env(), clerk, [put("b1", { v: 1 }, 0), put("b2", { v: 1 }, 0)]);
    await pushOk(env(), clerk, [put("b1", { v: 2 }, 1), del("b2", 1)]);
    const { cursor } = await pullAll(env(), clerk);
    const batch = [put("b3", { v: 1 }, 0), put("b1", { v: "stale" }, 1), put("b4", { v: 1 }, 0), del("b2", 2), put("b1x", { v: 1 }, 3), put("b5", { v: 1 }, 0)];
    const first = (await pushOk(env(), clerk, batch)).results;
    expect(first.map((r) => r.status)).toEqual(["applied", "conflict", "applied", "refused", "refused", "applied"]);
    expect(first[1]).toMatchObject({ current: { version: 2, data: { v: 2 } } });
    expect(first[3]!.error?.code).toBe("not_found");
    expect(first[4]!.error?.code).toBe("bad_base_version");
    expect([first[0], first[2], first[5]].map((r) => r!.assigned.version)).toEqual([1, 1, 1]);
    const again = (await pushOk(env(), clerk, batch)).results;
    expect(again.map((r) => r.status)).toEqual(["duplicate", "conflict", "duplicate", "refused", "refused", "duplicate"]);
    expect(again[0]!.assigned).toEqual(first[0]!.assigned);
    // The feed holds the three new records once each, and nothing of the refused or conflicting edits.
    const feed = (await pullAll(env(), clerk, cursor)).changes.filter((c) => c.entity === "cert_person");
    expect(feed.map((c) => c.id)).toEqual(["b3", "b4", "b5"]);
    // The refused and conflicting edits were not remembered: corrected, the same ids apply.
    const fixed = (await pushOk(env(), clerk, [{ ...batch[1]!, baseVersion: 2 } as Mutation])).results[0]!;
    expect(fixed).toMatchObject({ status: "applied", assigned: { version: 3 } });
  });

  it("append-only records from two devices merge without loss (distinct ids never conflict)", async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        pushFrom(env(), clerk, i % 2 ? "laptop" : "phone", {
          id: mutationId(),
          clientTime: clientTime(),
          type: "record.put",
          entity: "cert_custody",
          recordId: `custody-${i}`,
          data: { i, tokenSerial: `TK-${i}` },
        }),
      ),
    );
    expect(answers.every((a) => a.status === "applied")).toBe(true);
    const feed = (await pullAll(env(), clerk)).changes.filter((c) => c.entity === "cert_custody");
    expect(new Set(feed.map((c) => c.id)).size).toBe(50);
    // Each is also one act in the office's audit chain.
    expect((await env().storage.audit.countByAction(clerk.officeId))["custody-change"]).toBe(50);
  });
});
