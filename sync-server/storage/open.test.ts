import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, whenDurable } from "./open.ts";

// The SQLite side of storage/open.ts: group commit (answers wait for one fdatasync of the WAL
// that covers their commits) and the statement cache. A power cut cannot be staged here; what is
// checked is that the WAL is synced when something was written, across checkpoints that reset
// the WAL file, and that nothing is lost on reopening.
describe("SQLite group commit and statement cache", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const open = () => {
    const dir = mkdtempSync(join(tmpdir(), "vanthu-open-"));
    dirs.push(dir);
    return { dir, ...openDatabase({ dialect: "sqlite", location: join(dir, "db.sqlite") }) };
  };

  it("keeps every committed write through checkpoints that reset the WAL, and on reopening", async () => {
    const { dir, db } = open();
    await sql`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`.execute(db);
    await sql`INSERT INTO t (v) VALUES (${"first ".repeat(20_000)})`.execute(db);
    await whenDurable(db);
    // The checkpointer thread copies the WAL into the database by itself (nothing here asks it to).
    await expect.poll(() => statSync(join(dir, "db.sqlite")).size, { timeout: 30_000 }).toBeGreaterThan(100_000);
    const writes = Array.from({ length: 39 }, (_, i) =>
      db.transaction().execute(async (trx) => {
        await sql`INSERT INTO t (v) VALUES (${"x".repeat(5000) + i})`.execute(trx);
      }),
    );
    await Promise.all(writes);
    await whenDurable(db);
    expect(statSync(join(dir, "db.sqlite-wal")).size).toBeGreaterThan(0);
    // A checkpoint that truncates the WAL: the same file goes on being synced.
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    await sql`INSERT INTO t (v) VALUES (${"after checkpoint"})`.execute(db);
    await whenDurable(db);
    // Only reads since: nothing to wait for.
    await sql`SELECT count(*) FROM t`.execute(db);
    await whenDurable(db);
    await db.destroy();
    const again = openDatabase({ dialect: "sqlite", location: join(dir, "db.sqlite") });
    const rows = await sql<{ n: number }>`SELECT count(*) AS n FROM t`.execute(again.db);
    expect(Number(rows.rows[0]!.n)).toBe(41);
    await again.db.destroy();
  });

  it("reuses a kept statement with other parameters", async () => {
    const { db } = open();
    await sql`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`.execute(db);
    for (const v of ["a", "b", "c"]) await sql`INSERT INTO t (v) VALUES (${v})`.execute(db);
    const byValue = (v: string) => sql<{ id: number }>`SELECT id FROM t WHERE v = ${v}`.execute(db);
    expect((await byValue("b")).rows).toEqual([{ id: 2 }]);
    expect((await byValue("c")).rows).toEqual([{ id: 3 }]);
    expect((await byValue("a")).rows).toEqual([{ id: 1 }]);
    expect((await byValue("z")).rows).toEqual([]);
    await db.destroy();
  });
});
