import { ulid } from "ulid";
import type { OutboxMutation, VanthuDb } from "./schema.ts";

/** Called inside the caller's transaction, so the change and its mutation are written together or not at all. */
export async function enqueue(db: VanthuDb, kind: string, entityId: string, payload: unknown, now = new Date()): Promise<string> {
  const m: OutboxMutation = { id: ulid(now.getTime()), createdAt: now.toISOString(), kind, entityId, payload, status: "pending", attempts: 0 };
  await db.outbox.add(m);
  return m.id;
}

/** The oldest mutations first (ULIDs sort by time). */
export function pendingMutations(db: VanthuDb, limit = 100): Promise<OutboxMutation[]> {
  return db.outbox.orderBy("id").limit(limit).toArray();
}

export async function acknowledge(db: VanthuDb, ids: string[]): Promise<void> {
  await db.outbox.bulkDelete(ids);
}

export async function markFailed(db: VanthuDb, ids: string[], error: string): Promise<void> {
  await db.transaction("rw", db.outbox, async () => {
    for (const id of ids) {
      const m = await db.outbox.get(id);
      if (m) await db.outbox.put({ ...m, status: "error", attempts: m.attempts + 1, lastError: error });
    }
  });
}
