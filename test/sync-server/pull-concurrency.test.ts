import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Mutation } from "../../shared/sync/schemas.ts";
import type { Actor } from "../../sync-server/storage/storage.ts";
import { clientTime, describeBackends, makeEnv, mutationId, type Env } from "./harness.ts";

const put = (recordId: string): Mutation => ({
  id: mutationId(),
  clientTime: clientTime(),
  type: "record.put",
  entity: "outgoing",
  recordId,
  data: { recordId },
});

async function actorFor(env: Env, name: string): Promise<Actor> {
  const office = await env.storage.createOffice({ name, kind: "commune", organId: `O-${Math.random()}` });
  const user = await env.storage.createUser({
    officeId: office.id,
    username: `w-${Math.random()}`,
    fullName: "Văn thư",
    passwordHash: "scrypt$x",
    roles: ["clerk"],
  });
  return { userId: user.id, roles: user.roles, officeId: office.id };
}

async function drain(env: Env, officeId: string, cursor: string, seen: string[]): Promise<string> {
  for (;;) {
    const page = await env.storage.pull(officeId, cursor, 7);
    seen.push(...page.changes.map((c) => c.id));
    cursor = page.cursor;
    if (!page.hasMore) return cursor;
  }
}

describe("postgres: a transaction that commits after a later one is never skipped", () => {
  let env: Env;
  beforeAll(async () => {
    env = await makeEnv("postgres");
  });
  afterAll(async () => {
    await env?.close();
  });

  it("holds back the pull below the oldest transaction in flight, then delivers both", async () => {
    const actor = await actorFor(env, "UBND phường Kiến An");
    let started!: () => void;
    let release!: () => void;
    const isStarted = new Promise<void>((r) => (started = r));
    const gate = new Promise<void>((r) => (release = r));
    // T1 writes first (lower sequence number) but commits last.
    const t1 = env.storage.applyPush(actor, [put("early-seq-late-commit")], {
      clientId: "c1",
      beforeCommit: async () => {
        started();
        await gate;
      },
    });
    await isStarted;
    const seen: string[] = [];
    let cursor = "";
    try {
      await env.storage.applyPush(actor, [put("late-seq-early-commit")], { clientId: "c2" });
      // The trap is real: by sequence alone, the committed later row is visible and the earlier one is not.
      const naive = await env.storage.db.selectFrom("changes").select(["entity_id", "seq"]).where("office_id", "=", actor.officeId).orderBy("seq").execute();
      expect(naive.map((r) => r.entity_id)).toEqual(["late-seq-early-commit"]);
      cursor = await drain(env, actor.officeId, "", seen);
      expect(seen).toEqual([]); // held back: T1 is still running
    } finally {
      release();
      await t1;
    }
    await drain(env, actor.officeId, cursor, seen);
    expect(seen.sort()).toEqual(["early-seq-late-commit", "late-seq-early-commit"]);
  });
});

describeBackends("pull under concurrent writers misses nothing", (env) => {
  it("every puller sees every change exactly once while writers commit in random order", async () => {
    const actor = await actorFor(env(), "UBND xã Tiên Lãng");
    const writers = 5;
    const pushesPerWriter = 12;
    let writing = true;
    const expected: string[] = [];
    const writerRuns = Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < pushesPerWriter; i++) {
        const batch = [put(`w${w}-${i}-a`), put(`w${w}-${i}-b`)];
        expected.push(...batch.map((m) => (m as { recordId: string }).recordId));
        // A random pause inside the transaction, after its rows are written: commits land out of order.
        await env().storage.applyPush(actor, batch, { clientId: `w${w}`, beforeCommit: () => new Promise((r) => setTimeout(r, Math.random() * 15)) });
      }
    });
    const pullers = Array.from({ length: 3 }, async () => {
      const seen: string[] = [];
      let cursor = "";
      while (writing) {
        cursor = await drain(env(), actor.officeId, cursor, seen);
        await new Promise((r) => setTimeout(r, Math.random() * 5));
      }
      await drain(env(), actor.officeId, cursor, seen);
      return seen;
    });
    await Promise.all(writerRuns);
    writing = false;
    const results = await Promise.all(pullers);
    for (const seen of results) {
      expect(seen).toHaveLength(expected.length);
      expect(new Set(seen)).toEqual(new Set(expected));
    }
  });
});
