import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { open as openFile, type FileHandle } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver } from "kysely";
import { SyncError } from "../errors.ts";
import { migrationProvider, type DialectName } from "./migrations.ts";
import type { Database } from "./schema.ts";

const requireHere = createRequire(import.meta.url);

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
    let wal: WalSync | undefined;
    if (!options.readonly) {
      sqlite.pragma("journal_mode = WAL");
      // NORMAL: a commit appends to the WAL without waiting for the disk; WalSync then makes it
      // survive a power cut before anyone is answered (see below) — FULL's guarantee, one fsync
      // for many commits, and never on the event loop.
      sqlite.pragma("synchronous = NORMAL");
      sqlite.pragma("foreign_keys = ON");
      if (target.location !== ":memory:") {
        // Checkpoints fsync the WAL and the database: done by a worker thread, never by a commit on the event loop.
        sqlite.pragma("wal_autocheckpoint = 0");
        wal = new WalSync(`${target.location}-wal`, new Checkpointer(target.location));
      }
    }
    // better-sqlite3 waits synchronously on a lock: keep it short, the server has one connection per process.
    sqlite.pragma("busy_timeout = 5000");
    const dialect = new FairSqliteDialect({ database: withStatementCache(sqlite) }, sqlite, wal);
    const db = new Kysely<Database>({ dialect });
    if (wal) walOf.set(db, wal);
    dialectOf.set(db, dialect);
    return { db, dialect: "sqlite", target };
  }
  const config: pg.PoolConfig = {
    connectionString: target.location,
    // VANTHU_DB_POOL: connections per server process; size it to the database server, divided by the number of server processes (README).
    max: options.poolSize ?? (Number(process.env.VANTHU_DB_POOL) || 10),
    // Statements sent together on one connection go in one round trip (`pipelined`); Kysely's one-at-a-time use is unchanged.
    pipeline: true,
    // bigint columns (sizes, sequence numbers) fit a JS number.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
    },
  };
  const pool = new pg.Pool(config);
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on("error", () => {});
  pool.on("connect", (client) => preparedByText(client));
  // Pulls are spread over a few connections of their own (at least one; a quarter of the pool): one
  // connection is one PostgreSQL process, which a busy database machine schedules like any other.
  const readerCount = Number(process.env.VANTHU_DB_READERS) || Math.max(1, Math.round((config.max ?? 10) / 4));
  const reader = new Readers(Array.from({ length: readerCount }, () => new PipelinedReader(config)));
  // Pushes of record edits are one statement each (record-edits.ts), pipelined the same way on connections of their own.
  const writerCount = Number(process.env.VANTHU_DB_WRITERS) || readerCount;
  const writer = new Readers(Array.from({ length: writerCount }, () => new PipelinedReader(config)));
  const db = new Kysely<Database>({ dialect: new VanthuPostgresDialect({ pool }, reader, writer) });
  poolOf.set(db, pool);
  readerOf.set(db, reader);
  writerOf.set(db, writer);
  return { db, dialect: "postgres", target };
}

/** Kysely's PostgreSQL dialect, whose destroy() also closes the pipelined connections. */
class VanthuPostgresDialect extends PostgresDialect {
  constructor(
    config: ConstructorParameters<typeof PostgresDialect>[0],
    readonly reader: Readers,
    readonly writer: Readers,
  ) {
    super(config);
  }
  override createDriver(): Driver {
    const driver = super.createDriver();
    const destroy = driver.destroy.bind(driver);
    driver.destroy = async () => {
      await Promise.all([this.reader.end(), this.writer.end()]);
      await destroy();
    };
    return driver;
  }
}

/**
 * A connection of its own for single-statement reads that need no transaction (pulls),
 * pipelined: the reads that requests start in the same turn of the event loop leave in one
 * write and come back in one read, and none waits for a connection of the pool (which the
 * pushes' transactions hold). Each read is its own transaction with its own snapshot, exactly
 * as on a pooled connection. A lost connection fails the reads in flight and is opened again
 * by the next read.
 */
class PipelinedReader {
  #client: Promise<pg.Client> | undefined;
  #corked: { uncork?: () => void } | undefined;
  #ended = false;
  constructor(readonly config: pg.ClientConfig) {}

  /** Reads sent and not answered yet. */
  inFlight = 0;

  async query(text: string, values: unknown[]): Promise<pg.QueryResult> {
    this.inFlight++;
    try {
      return await this.#query(text, values);
    } finally {
      this.inFlight--;
    }
  }

  async #query(text: string, values: unknown[]): Promise<pg.QueryResult> {
    if (this.#ended) throw new Error("The database is closed");
    const client = await (this.#client ??= this.#connect());
    if (!this.#corked) {
      const stream = (client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } }).connection?.stream;
      stream?.cork?.();
      this.#corked = stream ?? {};
      setImmediate(() => {
        this.#corked = undefined;
        stream?.uncork?.();
      });
    }
    return client.query(text, values);
  }

  #connect(): Promise<pg.Client> {
    const client = new pg.Client({ ...this.config, pipeline: true } as pg.ClientConfig);
    const lost = () => {
      if (this.#client === opened) this.#client = undefined;
    };
    client.on("error", lost);
    client.on("end", lost);
    preparedByText(client as unknown as pg.PoolClient);
    const opened = client.connect().then(
      () => client,
      (e: unknown) => {
        lost();
        throw e;
      },
    );
    return opened;
  }

  async end(): Promise<void> {
    this.#ended = true;
    const client = await this.#client?.catch(() => undefined);
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }
}

/** The readers' connections: each read goes to the one with the fewest reads in flight. */
class Readers {
  constructor(readonly readers: PipelinedReader[]) {}
  query(text: string, values: unknown[]): Promise<pg.QueryResult> {
    let best = this.readers[0]!;
    for (const r of this.readers) if (r.inFlight < best.inFlight) best = r;
    return best.query(text, values);
  }
  async end(): Promise<void> {
    await Promise.all(this.readers.map((r) => r.end()));
  }
}

const poolOf = new WeakMap<Kysely<Database>, pg.Pool>();
const readerOf = new WeakMap<Kysely<Database>, Readers>();
const writerOf = new WeakMap<Kysely<Database>, Readers>();

/** A read (one statement, no transaction) on a pipelined readers' connection of a PostgreSQL database opened here. */
export function pgRead(db: Kysely<Database>): ((text: string, values: unknown[]) => Promise<pg.QueryResult>) | undefined {
  const reader = readerOf.get(db);
  return reader && ((text, values) => reader.query(text, values));
}

/**
 * A single statement that writes in its own transaction (a push of record edits), on a pipelined
 * connection kept for such statements (like the readers': one write and one read for the
 * statements of a turn of the event loop), of a PostgreSQL database opened here.
 */
export function pgWrite(db: Kysely<Database>): ((text: string, values: unknown[]) => Promise<pg.QueryResult>) | undefined {
  const writer = writerOf.get(db);
  return writer && ((text, values) => writer.query(text, values));
}

/** The connection pool under a PostgreSQL database opened here (for the pipelined hot paths), else undefined. */
export function pgPoolOf(db: Kysely<Database>): pg.Pool | undefined {
  return poolOf.get(db);
}

/**
 * Sends several statements at once on one connection and waits for all their answers: one
 * round trip instead of one each (the pool's connections are in node-postgres's pipeline mode;
 * a round trip cost ~0.2 ms of the server's CPU on the build machine, more than a small query).
 * Each statement has its own Sync: inside a transaction a failed one makes the rest fail (and a
 * COMMIT behind it roll back); the first error is thrown once every answer is in.
 */
export async function pipelined(client: pg.PoolClient, statements: [string, unknown[]?][]): Promise<pg.QueryResult[]> {
  // Corked, the messages of every statement leave in one write.
  const stream = (client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } }).connection?.stream;
  stream?.cork?.();
  let pending: Promise<pg.QueryResult>[];
  try {
    pending = statements.map(([text, values]) => client.query(text, values));
  } finally {
    stream?.uncork?.();
  }
  const settled = await Promise.allSettled(pending);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<pg.QueryResult>).value);
}

/**
 * Kysely sends every query unnamed, so PostgreSQL parses and plans it anew each time; the sync
 * queries are few and fixed. Here each parameterised query is sent as a named prepared statement
 * (its name a hash of its text), which node-postgres prepares once per connection and then only
 * binds. Queries without parameters (transaction control, migrations) go as they are. Behind a
 * connection pooler, use one that keeps prepared statements per server connection
 * (PgBouncer ≥ 1.21 with max_prepared_statements, in transaction mode) — see the README.
 */
function preparedByText(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const names = new Map<string, string>();
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, values?: unknown, ...rest: unknown[]) => {
    if (typeof text !== "string" || !Array.isArray(values) || values.length === 0 || rest.length > 0) return query(text, values, ...rest);
    let name = names.get(text);
    if (!name) {
      name = `k${createHash("sha1").update(text).digest("base64url")}`;
      // A connection keeps what it prepared; a statement made of a long IN list is not worth keeping.
      if (names.size < 2000) names.set(text, name);
      else return query(text, values);
    }
    return query({ name, text, values });
  };
}

export async function migrateToLatest(db: Kysely<Database>, dialect: DialectName): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "?";
    throw new SyncError(
      500,
      "migration_failed",
      `Không nâng cấp được cơ sở dữ liệu (bước ${failed}).`,
      `Migration ${failed} failed: ${String((error as Error).message ?? error)}`,
    );
  }
}

/**
 * Kysely's SQLite connection prepares every query anew; preparing was a tenth of the server's
 * CPU under load (profile of sync.bench.ts). The queries are few and fixed, so statements are
 * kept by their SQL text (a bounded map, oldest dropped first); a statement still being iterated
 * is not shared.
 */
function withStatementCache(sqlite: BetterSqlite3.Database, max = 500) {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (stmt && !stmt.busy) return stmt;
      stmt = sqlite.prepare(sqlText);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(sqlText, stmt);
      return stmt;
    },
  };
}

/**
 * Group commit for SQLite. With `synchronous = FULL` every commit waited for an fsync of the WAL
 * (7 ms here under load, up to 70 ms) inside better-sqlite3's synchronous call: the event loop
 * stood still meanwhile, sockets were read late and in no fair order, and a few offices waited
 * tens of seconds (sync.bench.ts; issue 15). Now commits only append to the WAL, and before an
 * answer leaves the server `whenDurable()` waits for one fdatasync of the WAL file, run on
 * libuv's thread pool, that covers every commit made before it started; commits arriving
 * meanwhile share the next one. SQLite itself syncs the WAL before each checkpoint and its
 * header when it is reused (synchronous = NORMAL), so after the fdatasync the commit is exactly
 * as durable as under FULL. Reads wait too: a pull never hands out a cursor over changes that a
 * power cut could still take back.
 *
 * Transactions that follow each other while others queue for the connection also share one
 * SQLite transaction (see FairSqliteDriver): `durable()` then first waits for that shared
 * transaction's COMMIT, and fails if the COMMIT failed.
 */
class WalSync {
  #written = 0;
  #synced = 0;
  #running: Promise<void> | undefined;
  #file: FileHandle | undefined;
  #group: Promise<void> | undefined;
  constructor(
    readonly path: string,
    readonly checkpointer?: Checkpointer,
  ) {}

  markWritten(): void {
    this.#written++;
  }

  /** A shared transaction is open until `committed` settles: durability waits for it first. */
  groupOpened(committed: Promise<void>): void {
    // Nobody may be left with an unhandled rejection: durable() callers see it through #group.
    committed.catch(() => undefined);
    this.#group = committed;
  }

  groupClosed(): void {
    this.#group = undefined;
  }

  async durable(): Promise<void> {
    if (this.#group) await this.#group;
    const needed = this.#written;
    while (this.#synced < needed) {
      this.#running ??= this.#sync().finally(() => (this.#running = undefined));
      await this.#running;
    }
  }

  async #sync(): Promise<void> {
    const upTo = this.#written;
    this.#file ??= await openFile(this.path, "r");
    await this.#file.datasync();
    this.#synced = Math.max(this.#synced, upTo);
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    await this.#file?.close();
    this.#file = undefined;
  }
}

/** WAL frames (4 KB pages) past which the log is brought back to its start: about 16 MB. */
const WAL_RESET_FRAMES = 4096;

/**
 * The WAL's checkpoints, on their own thread and connection. Left to SQLite, the commit that
 * crosses 1000 pages runs the checkpoint — an fsync of the WAL and one of the database — inside
 * better-sqlite3's synchronous call, stalling the event loop as FULL did. Here a worker runs a
 * PASSIVE checkpoint (it never blocks writers or readers) every half second while the WAL
 * grows; the main connection's own checkpoint on close remains.
 *
 * A PASSIVE checkpoint running beside a busy writer never catches up with it, and SQLite starts
 * the WAL over only when a checkpoint has copied all of it: under steady load the WAL grew
 * without end (95 MB after ten seconds of sync.bench.ts, every read searching a longer index).
 * So when the worker sees the WAL past WAL_RESET_FRAMES, the driver holds the connection between
 * two transactions while the worker copies the rest (the event loop keeps running; requests wait
 * in the queue for those few milliseconds), and the next write starts the WAL from the beginning.
 */
class Checkpointer {
  readonly #worker: Worker;
  #large = false;
  #catchingUp: ((ok: boolean) => void) | undefined;

  constructor(location: string) {
    this.#worker = new Worker(
      `const { workerData, parentPort } = require("node:worker_threads");
       const Database = require(workerData.module);
       const db = new Database(workerData.location, { fileMustExist: true });
       db.pragma("busy_timeout = 1000");
       const checkpoint = () => {
         try { return db.pragma("wal_checkpoint(PASSIVE)")[0]; } catch { return undefined; /* busy: the next round */ }
       };
       setInterval(() => {
         const r = checkpoint();
         if (r && r.log > workerData.resetFrames) parentPort.postMessage("large");
       }, 500);
       parentPort.on("message", () => {
         const r = checkpoint();
         parentPort.postMessage(r !== undefined && r.busy === 0 && r.checkpointed === r.log ? "caught-up" : "behind");
       });`,
      { eval: true, workerData: { module: requireHere.resolve("better-sqlite3"), location, resetFrames: WAL_RESET_FRAMES } },
    );
    this.#worker.unref();
    // A checkpoint that cannot run leaves the WAL growing, nothing lost: the server goes on.
    this.#worker.on("error", () => this.#catchingUp?.(false));
    this.#worker.on("message", (m: string) => {
      if (m === "large") this.#large = true;
      else {
        this.#large = false;
        const done = this.#catchingUp;
        this.#catchingUp = undefined;
        done?.(m === "caught-up");
      }
    });
  }

  /** The WAL has outgrown WAL_RESET_FRAMES: catch up while nothing writes. */
  get wantsCatchUp(): boolean {
    return this.#large && !this.#catchingUp;
  }

  /** Copies the whole WAL into the database; call only while no transaction is open on the main connection. */
  catchUp(): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      this.#catchingUp = resolve;
      this.#worker.postMessage("catch-up");
    });
  }

  async stop(): Promise<void> {
    this.#catchingUp?.(false);
    await this.#worker.terminate();
  }
}

const walOf = new WeakMap<Kysely<Database>, WalSync>();
const dialectOf = new WeakMap<Kysely<Database>, FairSqliteDialect>();

/**
 * `work` run synchronously with the SQLite connection to itself, in its turn (FairSqliteDriver.exclusive);
 * undefined when `db` is not a SQLite database opened here.
 */
export function sqliteExclusive(db: Kysely<Database>): (<T>(work: (sqlite: SqliteHandle) => T, transaction: boolean) => Promise<T>) | undefined {
  const dialect = dialectOf.get(db);
  if (!dialect) return undefined;
  return (work, transaction) => {
    // Kysely creates the driver on the first query; migrations ran one before any request.
    const driver = dialect.driver;
    if (!driver) throw new Error("The SQLite driver is not open yet");
    return driver.exclusive(work, transaction);
  };
}

/**
 * Resolves once everything this process has committed to `db` is on disk. The API calls it
 * before each answer; a no-op on PostgreSQL (which syncs at commit) and on read-only databases.
 */
export function whenDurable(db: Kysely<Database>): Promise<void> {
  return walOf.get(db)?.durable() ?? Promise.resolve();
}

type GroupStatements = Record<"begin" | "commit" | "rollback" | "savepoint" | "release" | "rollbackTo", BetterSqlite3.Statement>;

/** The SQLite connection lent to a synchronous piece of work (`sqliteExclusive`): statements kept by their text. */
export interface SqliteHandle {
  prepare(sqlText: string): BetterSqlite3.Statement;
}

/** A shared transaction stays open at most this long, and for at most this many transactions. */
const GROUP_MS = 15;
const GROUP_MAX = 64;

/**
 * Kysely's SQLite driver guards its one connection with a mutex that wakes every waiter on
 * each release; under hundreds of concurrent requests some waited tens of seconds while a few
 * clients were served again and again (seen in sync.bench.ts). This driver queues first come,
 * first served in front of it, so Kysely's own mutex never has more than one waiter.
 *
 * Transactions share one SQLite transaction while others are queued (file databases only):
 * each runs in a SAVEPOINT of an open transaction, which is committed when nobody is waiting
 * (at the end of the event loop's turn), after GROUP_MS or after GROUP_MAX transactions. A COMMIT writes every page the transaction
 * changed into the WAL, and under load it was the costliest statement of a push (the pages of
 * the feed's and the mutations' indexes, written again by every push); shared, it is paid once
 * per group. Nothing is answered before its group's COMMIT and the fdatasync after it
 * (`whenDurable`), so a reader that saw a transaction of the group answers only once that
 * transaction is as durable as its own COMMIT would have made it. A transaction that fails rolls
 * back to its savepoint; if SQLite rolled back the whole group (an I/O error, a full disk),
 * every request of the group fails — none was answered yet.
 */
class FairSqliteDriver extends SqliteDriver {
  readonly #waiting: (() => void)[] = [];
  #busy = false;
  readonly #totalChanges: BetterSqlite3.Statement | undefined;
  #lastChanges = 0;
  readonly #statements: GroupStatements | undefined;
  readonly #plain: Pick<GroupStatements, "begin" | "commit" | "rollback">;
  readonly #prepared = new Map<string, BetterSqlite3.Statement>();
  readonly handle: SqliteHandle = {
    prepare: (sqlText) => {
      const kept = this.#prepared.get(sqlText);
      if (kept) return kept;
      const stmt = this.sqlite.prepare(sqlText);
      this.#prepared.set(sqlText, stmt);
      return stmt;
    },
  };
  #group: { openedAt: number; transactions: number; settle: (error?: unknown) => void } | undefined;

  constructor(
    config: ConstructorParameters<typeof SqliteDialect>[0],
    readonly sqlite: BetterSqlite3.Database,
    readonly wal: WalSync | undefined,
  ) {
    super(config);
    // Rows changed by this connection since it opened: tells a write from a read when the connection comes back.
    this.#totalChanges = wal ? sqlite.prepare("SELECT total_changes()").pluck() : undefined;
    this.#statements = wal
      ? {
          begin: sqlite.prepare("BEGIN"),
          commit: sqlite.prepare("COMMIT"),
          rollback: sqlite.prepare("ROLLBACK"),
          savepoint: sqlite.prepare("SAVEPOINT vanthu_tx"),
          release: sqlite.prepare("RELEASE vanthu_tx"),
          rollbackTo: sqlite.prepare("ROLLBACK TO vanthu_tx"),
        }
      : undefined;
    this.#plain = { begin: sqlite.prepare("BEGIN"), commit: sqlite.prepare("COMMIT"), rollback: sqlite.prepare("ROLLBACK") };
  }

  #queue(): Promise<void> | undefined {
    if (!this.#busy) {
      this.#busy = true;
      return undefined;
    }
    return new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.#queue();
    return super.acquireConnection();
  }

  /**
   * The connection to `work` alone, in its turn of the queue, with no await between its
   * statements: the hot paths (a push of record edits, a pull) run their statements here, one
   * queue wait for the whole request instead of one per statement, and none of Kysely's
   * building, compiling and promise hops per statement (sync.bench.ts). `transaction`: in a
   * transaction of its own (a savepoint of the shared one, see below), rolled back if `work` throws.
   */
  async exclusive<T>(work: (sqlite: SqliteHandle) => T, transaction: boolean): Promise<T> {
    await this.#queue();
    try {
      if (!transaction) return work(this.handle);
      this.#begin();
      let result: T;
      try {
        result = work(this.handle);
      } catch (e) {
        this.#rollback();
        throw e;
      }
      this.#commit();
      return result;
    } finally {
      this.#settle();
      this.#next();
    }
  }

  override async beginTransaction(): Promise<void> {
    this.#begin();
  }

  override async commitTransaction(): Promise<void> {
    this.#commit();
  }

  override async rollbackTransaction(): Promise<void> {
    this.#rollback();
  }

  #begin(): void {
    const st = this.#statements;
    if (!st) return void this.#plain.begin.run();
    if (!this.#group) this.#openGroup(st);
    this.#group!.transactions++;
    st.savepoint.run();
  }

  #commit(): void {
    (this.#statements?.release ?? this.#plain.commit).run();
  }

  #rollback(): void {
    const st = this.#statements;
    if (!st) {
      if (this.sqlite.inTransaction) this.#plain.rollback.run();
      return;
    }
    if (this.sqlite.inTransaction) {
      st.rollbackTo.run();
      st.release.run();
    }
    // SQLite may roll back the whole transaction on some errors (I/O, full disk): the group is gone.
    if (!this.sqlite.inTransaction && this.#group) this.#closeGroup(new Error("The shared SQLite transaction was rolled back"));
  }

  #openGroup(st: GroupStatements): void {
    st.begin.run();
    let settle!: (error?: unknown) => void;
    const committed = new Promise<void>((resolve, reject) => (settle = (error) => (error === undefined ? resolve() : reject(error))));
    this.#group = { openedAt: performance.now(), transactions: 0, settle };
    this.wal!.groupOpened(committed);
  }

  #closeGroup(error?: unknown): void {
    const group = this.#group!;
    this.#group = undefined;
    this.wal!.groupClosed();
    group.settle(error);
  }

  #commitGroup(): void {
    try {
      this.#statements!.commit.run();
    } catch (e) {
      if (this.sqlite.inTransaction) this.#statements!.rollback.run();
      this.#closeGroup(e);
      return;
    }
    this.#noteWrites();
    this.#closeGroup();
  }

  #noteWrites(): void {
    const n = this.#totalChanges!.get() as number;
    if (n !== this.#lastChanges) {
      this.#lastChanges = n;
      this.wal!.markWritten();
    }
  }

  override async destroy(): Promise<void> {
    if (this.#group) this.#commitGroup();
    await this.wal?.durable();
    await this.wal?.close();
    await super.destroy();
  }

  override async releaseConnection(): Promise<void> {
    this.#settle();
    await super.releaseConnection();
    this.#next();
  }

  /**
   * After each use of the connection: the shared transaction is committed once it is old or
   * large enough, or when nobody waits — then at the end of this turn of the event loop, so that
   * the requests read from the network in the same turn join it (the hot paths hold the
   * connection so briefly that they seldom find anyone waiting: a COMMIT for each push was a
   * tenth of the server's time). The COMMIT takes its turn in the queue like any transaction.
   */
  #settle(): void {
    if (this.#group) {
      const g = this.#group;
      if (g.transactions >= GROUP_MAX || performance.now() - g.openedAt >= GROUP_MS) this.#commitGroup();
      else if (this.#waiting.length === 0) this.#commitSoon();
    } else if (this.#totalChanges && !this.sqlite.inTransaction) this.#noteWrites();
  }

  #commitScheduled = false;

  #commitSoon(): void {
    if (this.#commitScheduled) return;
    this.#commitScheduled = true;
    setImmediate(async () => {
      await this.#queue();
      this.#commitScheduled = false;
      try {
        if (this.#group) this.#commitGroup();
      } finally {
        this.#next();
      }
    });
  }

  /** The connection goes to the next in the queue (after a checkpoint's catch-up, when one is due). */
  #next(): void {
    const checkpointer = this.wal?.checkpointer;
    if (!this.#group && checkpointer?.wantsCatchUp) {
      // Held between two transactions while the worker copies the rest of the WAL (see Checkpointer).
      void checkpointer.catchUp().then(() => this.#handOver());
      return;
    }
    this.#handOver();
  }

  #handOver(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#busy = false;
  }
}

class FairSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  constructor(
    config: ConstructorParameters<typeof SqliteDialect>[0],
    readonly sqlite: BetterSqlite3.Database,
    readonly wal: WalSync | undefined,
  ) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    const driver = new FairSqliteDriver(this.#config, this.sqlite, this.wal);
    this.driver = driver;
    return driver;
  }
  driver: FairSqliteDriver | undefined;
}
