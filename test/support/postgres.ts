/**
 * A throwaway PostgreSQL 15 cluster for tests: initdb in a temp dir, started with pg_ctl as a
 * non-root user (PostgreSQL refuses to run as root) on a free port, stopped and removed after.
 *
 *   const pg = await startPostgres();
 *   const url = await pg.createDatabase("mytest");   // postgres://…/mytest
 *   await pg.stop();
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export const PG_BIN = "/usr/lib/postgresql/15/bin";

export interface PostgresCluster {
  port: number;
  /** Connection string of the `postgres` database. */
  url: string;
  urlFor(database: string): string;
  /** The same database over the cluster's Unix socket (no TCP stack: cheaper per round trip on one machine). */
  socketUrlFor(database: string): string;
  /** The postmaster's process id (its backends are its children): for CPU accounting in benches. */
  pid(): number | undefined;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** The user the cluster runs as: `postgres` when it exists (Debian's package creates it), else `nobody`. */
function clusterUser(): { name: string; uid: number; gid: number } {
  for (const name of ["postgres", "nobody"]) {
    const r = spawnSync("id", ["-u", name], { encoding: "utf8" });
    if (r.status === 0) {
      const uid = Number(r.stdout.trim());
      const gid = Number(spawnSync("id", ["-g", name], { encoding: "utf8" }).stdout.trim());
      return { name, uid, gid };
    }
  }
  throw new Error("no non-root user (postgres or nobody) to run PostgreSQL as");
}

function asUser(user: string, cmd: string, args: string[]) {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  return isRoot ? execFileSync("runuser", ["-u", user, "--", cmd, ...args], { stdio: "pipe" }) : execFileSync(cmd, args, { stdio: "pipe" });
}

/** Clusters still running: stopped when the process exits, even if a test never reached its afterAll. */
const running = new Map<string, () => void>();
let exitHook = false;
function stopAllOnExit() {
  if (exitHook) return;
  exitHook = true;
  const stopAll = () => {
    for (const stop of running.values()) {
      try {
        stop();
      } catch {
        // best effort at exit
      }
    }
    running.clear();
  };
  process.once("exit", stopAll);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      stopAll();
      process.exit(130);
    });
  }
}

const INITDB_ARGS = ["-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"];

/**
 * An initdb'd data directory made once per machine and copied for each cluster: initdb starts
 * PostgreSQL in bootstrap mode several times (about 3 s on a quiet machine, 10 s on a busy one)
 * and some twenty test files each want a cluster, while a copy of its 40 MB takes under a second.
 * Keyed by the server's version and initdb's arguments; made in a temp dir and renamed into
 * place, so that two workers making it at once both end with a whole one.
 */
function templateCluster(user: { name: string; uid: number; gid: number }): string {
  const version = execFileSync(`${PG_BIN}/postgres`, ["--version"], { encoding: "utf8" }).trim();
  const key = createHash("sha256")
    .update(`${version}\n${INITDB_ARGS.join(" ")}\n${user.name}`)
    .digest("hex")
    .slice(0, 16);
  const template = join(tmpdir(), `vanthu-pg-template-${key}`);
  if (existsSync(join(template, "PG_VERSION"))) return template;
  const making = mkdtempSync(join(tmpdir(), "vanthu-pg-making-"));
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot) chownSync(making, user.uid, user.gid);
  chmodSync(making, 0o700);
  asUser(user.name, `${PG_BIN}/initdb`, ["-D", join(making, "data"), ...INITDB_ARGS]);
  try {
    renameSync(join(making, "data"), template);
  } catch {
    // another worker put its own in place first: the same thing
  }
  rmSync(making, { recursive: true, force: true });
  return template;
}

/** A copy that keeps the owner and the 0700 mode PostgreSQL insists on. */
function copyTemplate(template: string, dataDir: string): void {
  execFileSync("cp", ["-a", template, dataDir], { stdio: "pipe" });
}

/** `settings`: extra server settings (`-c name=value`), e.g. pg_stat_statements for a bench. */
export async function startPostgres(options: { settings?: Record<string, string> } = {}): Promise<PostgresCluster> {
  const dir = mkdtempSync(join(tmpdir(), "vanthu-pg-"));
  const dataDir = join(dir, "data");
  const user = clusterUser();
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot) chownSync(dir, user.uid, user.gid);
  chmodSync(dir, 0o700);
  copyTemplate(templateCluster(user), dataDir);
  const port = await freePort();
  // fsync off: a throwaway cluster; durability against a killed *server process* does not depend on it.
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c shared_buffers=64MB${Object.entries(
    options.settings ?? {},
  )
    .map(([k, v]) => ` -c ${k}=${v}`)
    .join("")}`;
  asUser(user.name, `${PG_BIN}/pg_ctl`, ["-D", dataDir, "-o", opts, "-l", join(dir, "log"), "-w", "-t", "60", "start"]);
  const urlFor = (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
  let stopped = false;
  const stopNow = () => {
    asUser(user.name, `${PG_BIN}/pg_ctl`, ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
    rmSync(dir, { recursive: true, force: true });
  };
  running.set(dir, stopNow);
  stopAllOnExit();
  return {
    port,
    url: urlFor("postgres"),
    urlFor,
    socketUrlFor: (db: string) => `postgres://postgres@/${db}?host=${encodeURIComponent(dir)}&port=${port}`,
    pid() {
      try {
        return Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
      } catch {
        return undefined;
      }
    },
    async createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      const c = new pg.Client({ connectionString: urlFor("postgres") });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE "${name}"`);
      } finally {
        await c.end();
      }
      return urlFor(name);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      running.delete(dir);
      try {
        asUser(user.name, `${PG_BIN}/pg_ctl`, ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
