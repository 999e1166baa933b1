/**
 * The bad-network scenario shared by test/e2e/bad-network.test.ts and
 * test/bench/bad-network.bench.ts: an office's PWA, signed in, with an outbox of many changes and
 * documents written while it worked offline, sending them to the real sync server through the
 * flaky proxy; then the checks that nothing was lost, doubled or corrupted.
 */
import { createHash } from "node:crypto";
import { readFileSync, existsSync } from "node:fs";
import type { Page } from "playwright-core";
import type { BlobStore } from "../../sync-server/blobs/store.ts";
import type { SyncStorage } from "../../sync-server/storage/storage.ts";

export interface SeededOutbox {
  /** Outbox ids of the plain changes (each a refusal of a document received on paper: a record.put of entity `refusal`, which a clerk may create). */
  changeIds: string[];
  /** Register entries issued to another office, each with its document. */
  documents: { entryId: string; sha256: string; size: number }[];
}

/**
 * Writes the outbox straight into the PWA's IndexedDB (as the app would have written it while
 * offline): `changes` plain changes and `documents` issued documents of `documentBytes` each,
 * addressed to `recipient` (an office name in the directory).
 */
export async function seedOutbox(
  page: Page,
  o: { changes: number; documents: number; documentBytes: number; recipient: string; tag: string },
): Promise<SeededOutbox> {
  // The documents are made in the page (random bytes, like a scan's image streams): megabytes do not cross the wire to the browser.
  const shas = await page.evaluate(
    async ({ n, size }) => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open("vanthu");
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      const out: string[] = [];
      for (let i = 0; i < n; i++) {
        const bytes = new Uint8Array(size);
        for (let at = 0; at < size; at += 65536) crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65536)));
        bytes.set(new TextEncoder().encode("%PDF-1.7\n%\u00e2\u00e3\n"), 0);
        bytes.set(new TextEncoder().encode("\n%%EOF\n"), size - 7);
        const sha256 = [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
        await new Promise<void>((ok, fail) => {
          const tx = db.transaction("documents", "readwrite");
          tx.objectStore("documents").put({ sha256, bytes, size, name: `${sha256.slice(0, 8)}.pdf`, createdAt: new Date().toISOString() });
          tx.oncomplete = () => ok();
          tx.onerror = () => fail(tx.error);
        });
        out.push(sha256);
      }
      db.close();
      return out;
    },
    { n: o.documents, size: o.documentBytes },
  );
  const now = Date.now();
  // ULID-like ids that sort after anything the app wrote before (the outbox is sent in id order).
  const id = (i: number) => `0${(now + i).toString(36).toUpperCase().padStart(9, "0")}${o.tag.toUpperCase()}${String(i).padStart(6, "0")}`;
  const changeIds: string[] = [];
  const documents: SeededOutbox["documents"] = [];
  const rows: unknown[] = [];
  const year = new Date().getFullYear();
  // The documents first, interleaved with changes, as a day's work would be.
  let k = 0;
  for (let i = 0; i < o.changes + o.documents; i++) {
    const isDoc = documents.length < o.documents && i % Math.max(1, Math.floor((o.changes + o.documents) / Math.max(1, o.documents))) === 0;
    const createdAt = new Date(now + i).toISOString();
    if (isDoc) {
      const d = documents.length;
      const entryId = `bn-${o.tag}-out-${d}`;
      documents.push({ entryId, sha256: shas[d]!, size: o.documentBytes });
      rows.push({
        id: id(k++),
        createdAt,
        kind: "outgoing.issue",
        entityId: entryId,
        status: "pending",
        attempts: 0,
        payload: {
          entry: {
            id: entryId,
            year,
            number: 9000 + d,
            numberAndSymbol: `${9000 + d}/UBND-VP`,
            documentDate: `${year}-01-15`,
            typeCode: "CV",
            summary: `Về việc thử gửi văn bản khi mạng chập chờn (${o.tag} ${d + 1})`,
            signerName: "Nguyễn Thị Hoa",
            signerTitle: "Chủ tịch",
            recipients: [o.recipient],
            archiveHolder: "Văn phòng",
            copies: 1,
            urgency: "none",
            documentSha256: shas[d],
          },
        },
      });
    } else {
      const cid = id(k++);
      changeIds.push(cid);
      rows.push({
        id: cid,
        createdAt,
        kind: "incoming.refuse",
        entityId: `bn-${o.tag}-paper-${i}`,
        status: "pending",
        attempts: 0,
        payload: { receivedId: `bn-${o.tag}-paper-${i}`, reason: `Không đúng thẩm quyền giải quyết (${i})` },
      });
    }
  }
  await page.evaluate(
    async ({ rows }) => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open("vanthu");
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      await new Promise<void>((ok, fail) => {
        const tx = db.transaction(["outbox"], "readwrite");
        for (const r of rows) tx.objectStore("outbox").put(r);
        tx.oncomplete = () => ok();
        tx.onerror = () => fail(tx.error);
      });
      db.close();
    },
    { rows },
  );
  return { changeIds, documents };
}

/** How many changes wait in the PWA's outbox. */
export function outboxCount(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const r = indexedDB.open("vanthu");
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const n = await new Promise<number>((ok, fail) => {
      const req = db.transaction("outbox").objectStore("outbox").count();
      req.onsuccess = () => ok(req.result);
      req.onerror = () => fail(req.error);
    });
    db.close();
    return n;
  });
}

/**
 * Records every text the header's network state and sync badge show, and every alert that
 * appears, from now on (a MutationObserver in the page): what the person saw.
 */
export async function watchHeader(page: Page): Promise<() => Promise<{ texts: string[]; alerts: string[] }>> {
  await page.evaluate(() => {
    const w = window as unknown as { __seen: Set<string>; __alerts: string[] };
    w.__seen = new Set();
    w.__alerts = [];
    const look = () => {
      for (const id of ["network", "sync-badge"]) {
        const el = document.querySelector(`[data-testid="${id}"]`);
        if (el) w.__seen.add(`${id}: ${el.textContent?.trim()}`);
      }
      for (const el of document.querySelectorAll('[role="alert"], .alert.bad, [data-testid="sync-error"]')) w.__alerts.push(el.textContent?.trim() ?? "");
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true });
    look();
  });
  return () =>
    page.evaluate(() => {
      const w = window as unknown as { __seen: Set<string>; __alerts: string[] };
      return { texts: [...w.__seen], alerts: [...new Set(w.__alerts)] };
    });
}

export interface ServerCheck {
  /** Changes applied, of those seeded: each exactly once (version 1 — a second application would make it 2). */
  changesOnce: number;
  changesTwice: number;
  /** Documents sent to the recipient exactly once. */
  sentOnce: number;
  sentTwice: number;
  /** Blobs on the server whose bytes hash to their name. */
  blobsWhole: number;
}

/** What the server holds of the seeded outbox. */
export async function checkServer(storage: SyncStorage, blobs: BlobStore, officeId: string, seeded: SeededOutbox): Promise<ServerCheck> {
  const records = await storage.db
    .selectFrom("records")
    .select(["record_id", "version"])
    .where("office_id", "=", officeId)
    .where("entity", "=", "refusal")
    .execute();
  const mutations = await storage.db.selectFrom("mutations").select("mutation_id").where("office_id", "=", officeId).execute();
  const applied = new Set(mutations.map((m) => m.mutation_id));
  const byRecord = new Map(records.map((r) => [r.record_id, Number(r.version)]));
  let changesOnce = 0;
  let changesTwice = 0;
  for (const id of seeded.changeIds) if (applied.has(id)) changesOnce++;
  for (const v of byRecord.values()) if (v > 1) changesTwice++;
  const exchanges = await storage.db.selectFrom("exchanges").select("document_ref").where("sender_office_id", "=", officeId).execute();
  const count = new Map<string, number>();
  for (const e of exchanges) count.set(e.document_ref, (count.get(e.document_ref) ?? 0) + 1);
  let sentOnce = 0;
  let sentTwice = 0;
  let blobsWhole = 0;
  for (const d of seeded.documents) {
    const n = count.get(d.entryId) ?? 0;
    if (n === 1) sentOnce++;
    if (n > 1) sentTwice++;
    const path = blobs.pathOf(d.sha256);
    if (existsSync(path) && createHash("sha256").update(readFileSync(path)).digest("hex") === d.sha256) blobsWhole++;
  }
  return { changesOnce, changesTwice, sentOnce, sentTwice, blobsWhole };
}
