import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { command as backupCommand } from "../../bin/cli/commands/backup.ts";
import { command as restoreCommand } from "../../bin/cli/commands/restore.ts";
import type { Mutation } from "../../shared/sync/schemas.ts";
import { backup, verifyBackup, type BackupManifest } from "../../sync-server/backup/backup.ts";
import { createSyncApp } from "../../sync-server/app.ts";
import { BlobStore } from "../../sync-server/blobs/store.ts";
import { systemQlvbClock } from "../../sync-server/clock/qlvb-clock.ts";
import { parseDatabaseUrl, whenDurable } from "../../sync-server/storage/open.ts";
import { SyncStorage } from "../../sync-server/storage/storage.ts";
import { verifyAuditChain } from "../../shared/domain/audit/audit-chain.ts";
import { TABLES } from "../../sync-server/storage/schema.ts";
import { startPostgres } from "../support/postgres.ts";
import { auth, clientTime, describeBackends, mutationId, officeWithUser, pullAll, pushOk, uploadWhole } from "./harness.ts";

const dbArg = (t: { dialect: string; location: string }) => (t.dialect === "sqlite" ? `sqlite:${t.location}` : t.location);

describeBackends("backup and restore", (env) => {
  it("backs up while writers run, restores into an empty place, and every hash and row matches", async () => {
    const e = env();
    const a = await officeWithUser(e, "UBND phường Hồng An");
    const b = await officeWithUser(e, "UBND xã Nam Sơn");
    const pdf = new TextEncoder().encode(`%PDF-1.7\n% sao lưu ${Math.random()}\n%%EOF\n`);
    const sha = await uploadWhole(e, a, pdf);
    await pushOk(e, a, [
      {
        id: mutationId(),
        clientTime: clientTime(),
        type: "exchange.send",
        documentRef: "d1",
        recipients: [b.officeId],
        header: { codeNumber: "01", codeNotation: "UBND", subject: "Sao lưu", promulgationDate: "2026-11-25" },
        blobs: [{ sha256: sha, name: "01.pdf", contentType: "application/pdf", role: "main" }],
      },
    ]);

    // A writer keeps pushing during the backup: the snapshot must still be consistent.
    let writing = true;
    let firstDone!: () => void;
    const started = new Promise<void>((r) => (firstDone = r));
    const writer = (async () => {
      let i = 0;
      while (writing) {
        const batch: Mutation[] = [0, 1].map((k) => ({
          id: mutationId("bk"),
          clientTime: clientTime(),
          type: "record.put",
          entity: "outgoing",
          recordId: `bk-${i}-${k}`,
          data: { i, k },
        }));
        await pushOk(e, a, batch);
        i++;
        if (i === 2) firstDone();
        // On SQLite every step resolves as a microtask: yield so the backup's file I/O gets its turn.
        await new Promise((r) => setImmediate(r));
      }
    })();
    await started;
    const out = join(e.dir, "backup-1");
    expect(await backupCommand.run(["--out", out, "--db", dbArg(e.target), "--blobs", e.blobsDir])).toBe(0);
    writing = false;
    await writer;

    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as BackupManifest;
    expect(manifest.files.some((f) => f.path.endsWith(sha) && f.sha256 === sha)).toBe(true);
    // Consistent: every applied mutation in the snapshot has its record and its change, none without.
    const lines = (t: string) =>
      readFileSync(join(out, `db/${t}.jsonl`), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const bkMutations = lines("mutations").filter((m) => String(m.mutation_id).startsWith("bk")).length;
    const bkRecords = lines("records").filter((r) => String(r.record_id).startsWith("bk-")).length;
    const bkChanges = lines("changes").filter((c) => String(c.entity_id).startsWith("bk-")).length;
    expect(bkMutations).toBeGreaterThan(0);
    expect(bkRecords).toBe(bkMutations);
    expect(bkChanges).toBe(bkMutations);

    // Restore into a new database and blob folder through the CLI.
    const newDb = await e.newDatabaseUrl("restored1");
    const newBlobs = join(e.dir, "blobs-restored");
    expect(await restoreCommand.run([out, "--db", newDb, "--blobs", newBlobs])).toBe(0);

    // Compare: a backup of the restored data has the very same file hashes.
    const again = await backup(parseDatabaseUrl(newDb), newBlobs, join(e.dir, "backup-2"));
    const byPath = (m: BackupManifest) => Object.fromEntries(m.files.map((f) => [f.path, f.sha256]));
    expect(byPath(again)).toEqual(byPath(manifest));
    expect(again.tables).toEqual(manifest.tables);

    // And the restored server works: same login, same feed, same document bytes.
    const restored = await SyncStorage.open(parseDatabaseUrl(newDb), systemQlvbClock);
    try {
      const blobs = new BlobStore(newBlobs);
      await blobs.init();
      const app = createSyncApp({ storage: restored, blobs });
      const env2 = { ...e, app, storage: restored };
      const b2 = {
        ...b,
        token: (
          (await (
            await app.request("/api/auth/login", {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ username: b.username, password: b.password }),
            })
          ).json()) as { token: string }
        ).token,
      };
      const got = await app.request(`/api/blobs/${sha}`, { headers: auth(b2) });
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(pdf);
      const feedOriginal = await pullAll(e, b);
      const feedRestored = await pullAll(env2, b2);
      // The same feed, then only the restored server's own audit entry of the sign-in just made.
      expect(feedRestored.changes.slice(0, feedOriginal.changes.length)).toEqual(feedOriginal.changes);
      expect(feedRestored.changes.slice(feedOriginal.changes.length).map((c) => [c.entity, (c.data as { action?: string }).action])).toEqual([
        ["audit.entry", "sign-in"],
      ]);
      // The office's audit chain goes on unbroken across the restore.
      expect((await verifyAuditChain(await restored.audit.list(b.officeId))).ok).toBe(true);
      // New writes continue after the restored sequence.
      const more = await pushOk(env2, b2, [
        { id: mutationId(), clientTime: clientTime(), type: "record.put", entity: "outgoing", recordId: "after-restore", data: {} },
      ]);
      expect(more.results[0]!.status).toBe("applied");
      const after = await pullAll(env2, b2, feedRestored.cursor);
      expect(after.changes.filter((c) => c.entity !== "audit.entry").map((c) => c.id)).toEqual(["after-restore"]);
    } finally {
      await restored.close();
    }
  });

  it("refuses to restore over data, or from a backup whose hashes do not match, and changes nothing", async () => {
    const e = env();
    const out = join(e.dir, "backup-1");
    // Over the live database: refused.
    await expect(restoreCommand.run([out, "--db", dbArg(e.target), "--blobs", join(e.dir, "empty-blobs")])).rejects.toMatchObject({
      code: "database_not_empty",
    });
    // Over a non-empty blob folder: refused.
    const db3 = await e.newDatabaseUrl("restored3");
    await expect(restoreCommand.run([out, "--db", db3, "--blobs", e.blobsDir])).rejects.toMatchObject({ code: "blobs_not_empty" });
    // Tampered document in the backup: refused before anything is written.
    const m = await verifyBackup(out);
    const blobFile = m.files.find((f) => f.path.startsWith("blobs/"))!;
    const p = join(out, blobFile.path);
    const bytes = readFileSync(p);
    bytes[5] = bytes[5]! ^ 0xff;
    writeFileSync(p, bytes);
    const db4 = await e.newDatabaseUrl("restored4");
    const blobs4 = join(e.dir, "blobs-4");
    await expect(restoreCommand.run([out, "--db", db4, "--blobs", blobs4])).rejects.toMatchObject({ code: "backup_invalid" });
    expect(existsSync(blobs4) ? readdirSync(blobs4) : []).toEqual([]);
    const s4 = await SyncStorage.open(parseDatabaseUrl(db4), systemQlvbClock);
    try {
      expect(await s4.isEmpty()).toBe(true);
    } finally {
      await s4.close();
    }
    // A backup into a folder that has files is refused too.
    const busy = join(e.dir, "busy");
    mkdirSync(busy);
    writeFileSync(join(busy, "x"), "x");
    await expect(backupCommand.run(["--out", busy, "--db", dbArg(e.target), "--blobs", e.blobsDir])).rejects.toMatchObject({ code: "backup_target_not_empty" });
    expect(TABLES.length).toBeGreaterThan(10);
  });

  it("restores into the other kind of database, and clients keep their cursors", async () => {
    const e = env();
    const office = await e.storage.createOffice({ name: "UBND xã Bạch Đằng", kind: "commune", organId: `X-${Math.random()}` });
    const user = await e.storage.createUser({
      officeId: office.id,
      username: `x-${Math.random()}`,
      fullName: "Văn thư",
      passwordHash: "scrypt$x",
      roles: ["clerk"],
    });
    const actor = { userId: user.id, roles: user.roles, officeId: office.id };
    const put = (recordId: string): Mutation => ({
      id: mutationId(),
      clientTime: clientTime(),
      type: "record.put",
      entity: "outgoing",
      recordId,
      data: { recordId },
    });
    await e.storage.applyPush(actor, [put("before-1"), put("before-2")], { clientId: "x" });
    // What an answer waits for (app.ts): on SQLite the push's group COMMIT, which a backup from another connection needs.
    await whenDurable(e.storage.db);
    const seen = await e.storage.pull(office.id, "", 100);
    expect(seen.changes.map((c) => c.id)).toEqual(["before-1", "before-2"]);
    const out = join(e.dir, "backup-cross");
    await backup(e.target, e.blobsDir, out);

    // PostgreSQL → SQLite, or SQLite → a new PostgreSQL cluster (whose transaction ids start low).
    const other = e.backend === "postgres" ? undefined : await startPostgres();
    try {
      const url = other ? await other.createDatabase("cross") : `sqlite:${join(e.dir, "cross.sqlite")}`;
      expect(await restoreCommand.run([out, "--db", url, "--blobs", join(e.dir, "blobs-cross")])).toBe(0);
      const restored = await SyncStorage.open(parseDatabaseUrl(url), systemQlvbClock);
      try {
        expect(restored.dialect).not.toBe(e.storage.dialect);
        await restored.applyPush(actor, [put("after-restore")], { clientId: "x" });
        // The client's old cursor, from the other database, still brings exactly what is new.
        const next = await restored.pull(office.id, seen.cursor, 100);
        expect(next.changes.map((c) => c.id)).toEqual(["after-restore"]);
        expect((await restored.pull(office.id, "", 100)).changes.map((c) => c.id)).toEqual(["before-1", "before-2", "after-restore"]);
      } finally {
        await restored.close();
      }
    } finally {
      await other?.stop();
    }
  });
});
