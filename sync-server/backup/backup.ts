import { createHash, randomBytes } from "node:crypto";
import { createReadStream, existsSync, readdirSync } from "node:fs";
import { copyFile, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { SyncError } from "../errors.ts";
import { BlobStore } from "../blobs/store.ts";
import { systemQlvbClock } from "../clock/qlvb-clock.ts";
import { toVietnamTime } from "../../shared/sync/time.ts";
import { TABLES } from "../storage/schema.ts";
import { SyncStorage } from "../storage/storage.ts";
import type { DatabaseTarget } from "../storage/open.ts";

/**
 * Backups (R17, Quy định Điều 14.3): a logical snapshot of every table, read in one
 * transaction (repeatable read on PostgreSQL, a WAL read transaction on SQLite) so it is
 * consistent while the server runs, plus every blob it refers to, plus a manifest with the
 * SHA-256 of every file. The same format for both databases, so a backup of one can be
 * restored into the other.
 *
 *   DIR/manifest.json          {format, createdAt, dialect, tables:{name:rows}, files:[{path,sha256,size}]}
 *   DIR/db/TABLE.jsonl         one JSON row a line
 *   DIR/blobs/ab/cd/SHA256     the documents, byte for byte
 */
export const BACKUP_FORMAT = "vanthu-backup/1";

export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  dialect: string;
  tables: Record<string, number>;
  files: ManifestFile[];
}

async function sha256File(path: string): Promise<{ sha256: string; size: number }> {
  const h = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: h.digest("hex"), size };
}

async function writeDurably(path: string, data: string | Uint8Array) {
  await mkdir(dirname(path), { recursive: true });
  const fh = await open(path, "w");
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function requireDatabase(target: DatabaseTarget) {
  if (target.dialect === "sqlite" && !existsSync(target.location)) {
    throw new SyncError(404, "no_database", `Không có cơ sở dữ liệu ở ${target.location}.`, `No database at ${target.location}`);
  }
}

/** Writes a backup into `outDir` (which must not exist or be empty): built aside, renamed into place at the end. */
export async function backup(target: DatabaseTarget, blobsDir: string, outDir: string): Promise<BackupManifest> {
  outDir = resolve(outDir);
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    throw new SyncError(
      409,
      "backup_target_not_empty",
      `Thư mục sao lưu ${outDir} đã có dữ liệu; hãy chọn thư mục mới.`,
      `Backup directory ${outDir} is not empty`,
    );
  }
  requireDatabase(target);
  const work = `${outDir}.partial-${randomBytes(4).toString("hex")}`;
  // Read-only, no migration: a backup never writes to the database it copies (and so never waits on the server's writers).
  const storage = await SyncStorage.open(target, systemQlvbClock, { poolSize: 2, readonly: true });
  const files: ManifestFile[] = [];
  const tables: Record<string, number> = {};
  let blobRows: { sha256: string; size: number }[] = [];
  try {
    await storage.exportSnapshot(async (table, rows) => {
      const text = rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : "");
      const path = `db/${table}.jsonl`;
      await writeDurably(join(work, path), text);
      files.push({ path, sha256: createHash("sha256").update(text).digest("hex"), size: Buffer.byteLength(text) });
      tables[table] = rows.length;
      if (table === "blobs") blobRows = rows.map((r) => ({ sha256: String(r.sha256), size: Number(r.size) }));
    });
    // Blobs are immutable and written before their row: every one the snapshot names is on disk.
    const store = new BlobStore(blobsDir);
    for (const b of blobRows) {
      const src = store.pathOf(b.sha256);
      if (!existsSync(src))
        throw new SyncError(
          500,
          "blob_missing",
          `Thiếu tệp ${b.sha256} trong thư mục lưu tệp; bản sao lưu không được tạo.`,
          `Blob ${b.sha256} missing from ${blobsDir}`,
        );
      const rel = `blobs/${b.sha256.slice(0, 2)}/${b.sha256.slice(2, 4)}/${b.sha256}`;
      await mkdir(dirname(join(work, rel)), { recursive: true });
      await copyFile(src, join(work, rel));
      const got = await sha256File(join(work, rel));
      if (got.sha256 !== b.sha256)
        throw new SyncError(
          500,
          "blob_corrupt",
          `Tệp ${b.sha256} trong thư mục lưu tệp đã bị hỏng (mã băm khác); bản sao lưu không được tạo.`,
          `Blob ${b.sha256} is corrupt on disk (hash ${got.sha256})`,
        );
      files.push({ path: rel, sha256: b.sha256, size: got.size });
    }
    const manifest: BackupManifest = { format: BACKUP_FORMAT, createdAt: toVietnamTime(new Date()), dialect: storage.dialect, tables, files };
    await writeDurably(join(work, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
    if (existsSync(outDir)) await rm(outDir, { recursive: true });
    await rename(work, outDir);
    return manifest;
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    throw e;
  } finally {
    await storage.close();
  }
}

/** Reads a backup's manifest and checks every file's hash and size before anything is written anywhere. */
export async function verifyBackup(dir: string): Promise<BackupManifest> {
  const bad = (why: string, whyVi: string) =>
    new SyncError(422, "backup_invalid", `Bản sao lưu không dùng được: ${whyVi}. Không có gì bị thay đổi.`, `Backup refused: ${why}; nothing was changed`);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as BackupManifest;
  } catch {
    throw bad("manifest.json missing or not JSON", "thiếu hoặc hỏng tệp manifest.json");
  }
  if (manifest.format !== BACKUP_FORMAT || !Array.isArray(manifest.files)) throw bad(`unknown format ${String(manifest.format)}`, "không đúng định dạng");
  for (const t of TABLES) if (!manifest.files.some((f) => f.path === `db/${t}.jsonl`)) throw bad(`table ${t} missing`, `thiếu bảng ${t}`);
  for (const f of manifest.files) {
    if (!/^(db\/[a-z_]+\.jsonl|blobs\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64})$/.test(f.path)) throw bad(`unexpected path ${f.path}`, `đường dẫn lạ ${f.path}`);
    const p = join(dir, f.path);
    if (!existsSync(p)) throw bad(`${f.path} missing`, `thiếu tệp ${f.path}`);
    const got = await sha256File(p);
    if (got.sha256 !== f.sha256 || got.size !== f.size)
      throw bad(`${f.path} does not match its SHA-256 in the manifest`, `tệp ${f.path} không khớp mã băm SHA-256 trong manifest`);
  }
  return manifest;
}

/** Restores into an empty database and an empty blob folder; refuses to overwrite anything. */
export async function restore(dir: string, target: DatabaseTarget, blobsDir: string): Promise<BackupManifest> {
  const manifest = await verifyBackup(dir);
  if (existsSync(blobsDir) && readdirSync(blobsDir).some((n) => n !== ".uploads" && n !== "lost+found")) {
    throw new SyncError(
      409,
      "blobs_not_empty",
      `Thư mục lưu tệp ${blobsDir} đã có dữ liệu; không ghi đè.`,
      `Blob directory ${blobsDir} is not empty; refusing to overwrite`,
    );
  }
  const storage = await SyncStorage.open(target, systemQlvbClock, { poolSize: 2 });
  const copied: string[] = [];
  try {
    if (!(await storage.isEmpty())) {
      throw new SyncError(
        409,
        "database_not_empty",
        "Cơ sở dữ liệu đích đã có dữ liệu; không ghi đè.",
        "The target database is not empty; refusing to overwrite",
      );
    }
    for (const f of manifest.files.filter((x) => x.path.startsWith("blobs/"))) {
      const dest = join(blobsDir, f.path.slice("blobs/".length));
      await mkdir(dirname(dest), { recursive: true });
      await copyFile(join(dir, f.path), dest);
      copied.push(dest);
    }
    await storage.importSnapshot(async (table) => {
      const text = await readFile(join(dir, `db/${table}.jsonl`), "utf8");
      return text
        .split("\n")
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    });
    return manifest;
  } catch (e) {
    // Nothing half-restored: the database import is one transaction; the copied blobs go too.
    for (const p of copied) await rm(p, { force: true });
    throw e;
  } finally {
    await storage.close();
  }
}
