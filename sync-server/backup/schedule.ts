import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toVietnamTime } from "../../shared/sync/time.ts";
import { systemQlvbClock } from "../clock/qlvb-clock.ts";
import { securityDb } from "../security/schema.ts";
import type { DatabaseTarget } from "../storage/open.ts";
import { TABLES } from "../storage/schema.ts";
import { SyncStorage } from "../storage/storage.ts";
import { backup, restore } from "./backup.ts";

/**
 * Scheduled backups (Quy định Điều 14.3: signed documents are backed up periodically to
 * separate storage). Every period the server writes a snapshot into DIR, proves it by
 * restoring it into a throwaway database and comparing each table's hash with the snapshot's,
 * keeps the last N good snapshots, and logs every run in `backup_runs`, from which district
 * IT sees when the last good backup was made.
 *
 * The throwaway database is a scratch SQLite file whatever the server's database: the backup
 * format is the same for both (a SQLite backup restores into PostgreSQL and back), and it
 * needs no right to create databases on the PostgreSQL server.
 */
export interface BackupSchedule {
  dir: string;
  everyMs: number;
  keep: number;
}

export interface BackupRun {
  id: string;
  startedAt: string;
  finishedAt: string;
  directory: string;
  ok: boolean;
  verified: boolean;
  detail: string;
}

export interface BackupStatus {
  schedule: { dir: string; everyMs: number; keep: number } | null;
  lastGood: BackupRun | null;
  lastRun: BackupRun | null;
  /** No good backup within two periods (or none at all): district IT is warned. */
  stale: boolean;
}

export const SNAPSHOT_PREFIX = "vanthu-backup-";

/** `24h`, `30m`, `90s`, `7d` → milliseconds; undefined when malformed. */
export function parsePeriod(text: string): number | undefined {
  const m = /^(\d{1,6})(s|m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const ms = n * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "s" | "m" | "h" | "d"];
  return ms > 0 ? ms : undefined;
}

/** Rows of one table as a set: the same hash whatever the row order or key order, in either database. */
function tableHash(rows: Record<string, unknown>[]): string {
  const canonical = rows
    .map((r) =>
      JSON.stringify(
        Object.keys(r)
          .sort()
          .map((k) => [k, typeof r[k] === "bigint" ? Number(r[k]) : r[k]]),
      ),
    )
    .sort();
  const h = createHash("sha256");
  for (const line of canonical) h.update(line).update("\n");
  return h.digest("hex");
}

async function snapshotTableHashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of TABLES) {
    const text = await readFile(join(dir, `db/${t}.jsonl`), "utf8");
    out[t] = tableHash(
      text
        .split("\n")
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    );
  }
  return out;
}

/** Restores the snapshot into a scratch database and blob folder, then compares every table's hash. */
export async function verifyByRestore(snapshot: string): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), "vanthu-backup-verify-"));
  try {
    const target: DatabaseTarget = { dialect: "sqlite", location: join(scratch, "verify.sqlite") };
    const manifest = await restore(snapshot, target, join(scratch, "blobs"));
    const expected = await snapshotTableHashes(snapshot);
    const restored = await SyncStorage.open(target, systemQlvbClock, { readonly: true });
    const got: Record<string, string> = {};
    try {
      await restored.exportSnapshot(async (table, rows) => {
        got[table] = tableHash(rows);
      });
    } finally {
      await restored.close();
    }
    for (const t of TABLES) if (got[t] !== expected[t]) throw new Error(`table ${t} differs after restore`);
    const blobs = manifest.files.filter((f) => f.path.startsWith("blobs/")).length;
    return `${Object.values(manifest.tables).reduce((a, b) => a + b, 0)} rows, ${blobs} files; restored and compared`;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Takes one snapshot, verifies it, prunes to the last `keep` good ones, and logs the run. */
export async function runScheduledBackup(
  storage: SyncStorage,
  target: DatabaseTarget,
  blobsDir: string,
  schedule: BackupSchedule,
  now = () => new Date(),
): Promise<BackupRun> {
  const started = now();
  const stamp = toVietnamTime(started).replace(/[-:]/g, "").replace(/\+.*$/, "");
  const directory = join(schedule.dir, `${SNAPSHOT_PREFIX}${stamp}-${randomUUID().slice(0, 8)}`);
  let ok = false;
  let verified = false;
  let detail: string;
  try {
    await backup(target, blobsDir, directory);
    ok = true;
    detail = await verifyByRestore(directory);
    verified = true;
  } catch (e) {
    detail = (e as Error).message;
    // A snapshot that did not prove itself is not kept: it must never be mistaken for a good one.
    await rm(directory, { recursive: true, force: true });
  }
  const run: BackupRun = { id: randomUUID(), startedAt: toVietnamTime(started), finishedAt: toVietnamTime(now()), directory, ok, verified, detail };
  await securityDb(storage)
    .insertInto("backup_runs")
    .values({
      id: run.id,
      started_at: run.startedAt,
      finished_at: run.finishedAt,
      directory,
      ok: ok ? 1 : 0,
      verified: verified ? 1 : 0,
      detail: detail.slice(0, 1000),
    })
    .execute();
  if (verified) await prune(storage, schedule);
  return run;
}

/** Keeps the newest `keep` verified snapshots in the folder; older ones are deleted. */
async function prune(storage: SyncStorage, schedule: BackupSchedule): Promise<void> {
  const good = await securityDb(storage).selectFrom("backup_runs").select("directory").where("verified", "=", 1).orderBy("finished_at", "desc").execute();
  const keepDirs = new Set(good.slice(0, schedule.keep).map((r) => r.directory));
  if (!existsSync(schedule.dir)) return;
  for (const name of await readdir(schedule.dir)) {
    const path = join(schedule.dir, name);
    // Only our own snapshots; whatever else the operator keeps in the folder stays.
    if (name.startsWith(SNAPSHOT_PREFIX) && !keepDirs.has(path)) await rm(path, { recursive: true, force: true });
  }
}

const toRun = (r: { id: string; started_at: string; finished_at: string; directory: string; ok: number; verified: number; detail: string }): BackupRun => ({
  id: r.id,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  directory: r.directory,
  ok: Number(r.ok) === 1,
  verified: Number(r.verified) === 1,
  detail: r.detail,
});

export async function backupStatus(storage: SyncStorage, schedule?: BackupSchedule, now = Date.now()): Promise<BackupStatus> {
  const db = securityDb(storage);
  const last = await db.selectFrom("backup_runs").selectAll().orderBy("finished_at", "desc").limit(1).executeTakeFirst();
  const good = await db.selectFrom("backup_runs").selectAll().where("verified", "=", 1).orderBy("finished_at", "desc").limit(1).executeTakeFirst();
  const period = schedule?.everyMs ?? 86_400_000;
  return {
    schedule: schedule ? { dir: schedule.dir, everyMs: schedule.everyMs, keep: schedule.keep } : null,
    lastGood: good ? toRun(good) : null,
    lastRun: last ? toRun(last) : null,
    stale: !good || now - Date.parse(good.finished_at) > 2 * period,
  };
}

/**
 * The timer: the first run when the last good backup is a period old (at once on a new
 * server), then every period. One run at a time; `stop()` waits for a run in progress.
 */
export function startBackupSchedule(
  storage: SyncStorage,
  target: DatabaseTarget,
  blobsDir: string,
  schedule: BackupSchedule,
  onRun?: (run: BackupRun) => void,
) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const plan = async () => {
    if (stopped) return;
    const status = await backupStatus(storage, schedule).catch(() => undefined);
    if (stopped) return;
    const last = status?.lastRun;
    // After a failed run, try again sooner than a whole period.
    const after = last ? Date.parse(last.finishedAt) + (last.verified ? schedule.everyMs : Math.min(schedule.everyMs, 15 * 60_000)) : 0;
    const wait = Math.max(0, after - Date.now());
    timer = setTimeout(tick, Math.min(wait, 2 ** 31 - 1));
  };
  const tick = () => {
    running = runScheduledBackup(storage, target, blobsDir, schedule)
      .then((run) => onRun?.(run))
      .catch((e: Error) => console.error(`[backup] scheduled backup failed: ${e.message}`))
      .finally(() => {
        running = undefined;
        void plan();
      });
  };
  void plan();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
