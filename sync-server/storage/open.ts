import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver } from "kysely";
import { SyncError } from "../errors.ts";
import { migrationProvider, type DialectName } from "./migrations.ts";
import type { Database } from "./schema.ts";

export const DEFAULT_DB = "sqlite:./data/vanthu.sqlite";
export const DEFAULT_BLOBS = "./data/blobs";

export interface DatabaseTarget {
  dialect: DialectName;
  /** File path for SQLite, connection string for PostgreSQL. */
  location: string;
}

/** `sqlite:PATH` or `postgres://…` (also `postgresql://…`). */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length);
    if (!path) throw badUrl(url);
    return { dialect: "sqlite", location: path === ":memory:" ? path : resolve(path) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: "postgres", location: url };
  throw badUrl(url);
}

function badUrl(url: string) {
  return new SyncError(
    400,
    "bad_database_url",
    `Địa chỉ cơ sở dữ liệu không hợp lệ: ${url}. Dùng sqlite:ĐƯỜNG_DẪN hoặc postgres://…`,
    `Invalid database URL '${url}': use sqlite:PATH or postgres://…`,
  );
}

export interface OpenDatabase {
  db: Kysely<Database>;
  dialect: DialectName;
  target: DatabaseTarget;
}

export function openDatabase(target: DatabaseTarget, options: { poolSize?: number; readonly?: boolean } = {}): OpenDatabase {
  if (target.dialect === "sqlite") {
    if (target.location !== ":memory:") mkdirSync(dirname(target.location), { recursive: true });
    const sqlite = new BetterSqlite3(target.location, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    if (!options.readonly) {
      sqlite.pragma("journal_mode = WAL");
      // FULL: a committed push survives a power cut, not only a killed process.
      sqlite.pragma("synchronous = FULL");
      sqlite.pragma("foreign_keys = ON");
    }
    // better-sqlite3 waits synchronously on a lock: keep it short, the server has one connection per process.
    sqlite.pragma("busy_timeout = 5000");
    return { db: new Kysely<Database>({ dialect: new FairSqliteDialect({ database: sqlite }) }), dialect: "sqlite", target };
  }
  const pool = new pg.Pool({
    connectionString: target.location,
    max: options.poolSize ?? 10,
    // bigint columns (sizes, sequence numbers) fit a JS number.
    types: { getTypeParser: ((oid: number, format?: "text" | "binary") => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as "text"))) as typeof pg.types.getTypeParser },
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on("error", () => {});
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: "postgres", target };
}

export async function migrateToLatest(db: Kysely<Database>, dialect: DialectName): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "?";
    throw new SyncError(500, "migration_failed", `Không nâng cấp được cơ sở dữ liệu (bước ${failed}).`, `Migration ${failed} failed: ${String((error as Error).message ?? error)}`);
  }
}

/**
 * Kysely's SQLite driver guards its one connection with a mutex that wakes every waiter on
 * each release; under hundreds of concurrent requests some waited tens of seconds while a few
 * clients were served again and again (seen in sync.bench.ts). This driver queues first come,
 * first served in front of it, so Kysely's own mutex never has more than one waiter.
 */
class FairSqliteDriver extends SqliteDriver {
  readonly #waiting: (() => void)[] = [];
  #busy = false;

  override async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#busy) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#busy = true;
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    const next = this.#waiting.shift();
    if (next) next();
    else this.#busy = false;
  }
}

class FairSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new FairSqliteDriver(this.#config);
  }
}
