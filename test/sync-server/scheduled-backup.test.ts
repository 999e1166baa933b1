/**
 * Scheduled backups (issue 13, Quy định Điều 14.3): the server takes a snapshot every period,
 * proves each by restoring it into a throwaway database and comparing hashes, keeps the last N,
 * and district IT sees when the last good one was made. A short period stands in for 24 h.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { createSyncApp } from "../../sync-server/app.ts";
import {
  backupStatus,
  startBackupSchedule,
  verifyByRestore,
  runScheduledBackup,
  SNAPSHOT_PREFIX,
  type BackupRun,
  type BackupStatus,
} from "../../sync-server/backup/schedule.ts";
import { auth, clientTime, describeBackends, mutationId, officeWithUser, pushOk, uploadWhole } from "./harness.ts";

describeBackends("scheduled backups", (env) => {
  it("runs every period, verifies each snapshot by a restore, keeps the last 2, and shows district IT the last good one", async () => {
    const e = env();
    const clerk = await officeWithUser(e, "UBND phường Hồng Bàng");
    const sha = await uploadWhole(e, clerk, new TextEncoder().encode(`%PDF-1.7\n% sao lưu định kỳ ${Math.random()}\n%%EOF\n`));
    await pushOk(e, clerk, [
      { id: mutationId(), clientTime: clientTime(), type: "record.put", entity: "outgoing", recordId: "d1", data: { title: "Công văn số 1", sha } },
    ]);
    const dir = join(e.dir, "backups");
    const schedule = { dir, everyMs: 1500, keep: 2 };
    const runs: BackupRun[] = [];
    let enough!: () => void;
    const threeRuns = new Promise<void>((r) => (enough = r));
    const timer = startBackupSchedule(e.storage, e.target, e.blobsDir, schedule, (run) => {
      runs.push(run);
      if (runs.length === 3) enough();
    });
    await threeRuns;
    await timer.stop();

    expect(runs.every((r) => r.ok && r.verified)).toBe(true);
    expect(runs[0]!.detail).toMatch(/restored and compared/);
    const kept = readdirSync(dir)
      .filter((n) => n.startsWith(SNAPSHOT_PREFIX))
      .sort();
    expect(kept).toHaveLength(2);
    expect(kept.map((n) => join(dir, n)).sort()).toEqual(
      runs
        .slice(-2)
        .map((r) => r.directory)
        .sort(),
    );

    const district = await e.storage.createOffice({ name: "CNTT khu vực", kind: "district", organId: `D-${Math.random()}` });
    const it1 = await officeWithUser(e, "CNTT", ["district_it"], { officeId: district.id, managedOfficeIds: [clerk.officeId] });
    // A day's period for the status: on a loaded machine seconds pass between the last run and this question.
    const app = createSyncApp({ storage: e.storage, blobs: e.blobs, backups: { ...schedule, everyMs: 86_400_000 } });
    const res = await app.request("/api/admin/backups", { headers: auth(it1) });
    expect(res.status).toBe(200);
    const status = (await res.json()) as BackupStatus;
    expect(status.lastGood!.directory).toBe(runs[2]!.directory);
    expect(status.stale).toBe(false);
    expect((await app.request("/api/admin/backups", { headers: auth(clerk) })).status).toBe(403);
    // Two periods later with no new backup, district IT is warned.
    const later = await backupStatus(e.storage, { ...schedule, everyMs: 86_400_000 }, Date.parse(status.lastGood!.finishedAt) + 2 * 86_400_000 + 1000);
    expect(later.stale).toBe(true);
  });

  it("verification by restore refuses a snapshot whose data was changed after it was written", async () => {
    const e = env();
    const good = await runScheduledBackup(e.storage, e.target, e.blobsDir, { dir: join(e.dir, "b2"), everyMs: 60_000, keep: 5 });
    expect(good.verified).toBe(true);
    // Tampering with a table after the manifest was written: the restore's own check refuses it.
    writeFileSync(join(good.directory, "db", "offices.jsonl"), "{}\n");
    await expect(verifyByRestore(good.directory)).rejects.toThrow();
  });
});
