/**
 * Sync server under the load of a city: 114 offices (the communes of Hải Phòng since 1/7/2025)
 * × 3 clients against `vanthu server` on loopback, the server in its own process and the clients
 * in BENCH_CLIENT_PROCESSES others (offices are separate machines). Three figures per database
 * (issue 15 part 3), with the machine's load average beside each:
 *
 *  (a) saturation — every client pushes then pulls in a closed loop with no pause: requests/s;
 *  (b) paced — every client syncs (push, then pull) every 5 s, ≈ 140 req/s, ten times a real
 *      city: push and pull p99, measured from when each sync was due (a late start counts);
 *  (c) fairness at saturation — the longest any request waited, and the fewest rounds a client
 *      completed against the median.
 *
 * Beside each figure the CPU of the server process(es), of the load processes and, on PostgreSQL,
 * of the cluster's processes (all on the same two cores). BENCH_PG_STATEMENTS=1 also loads
 * pg_stat_statements and prints, per phase, the statements PostgreSQL ran per push and per pull.
 *
 * On PostgreSQL the saturation phase is repeated for each server setting in BENCH_PG_SERVERS
 * (processes × connections per process: `1x10,2x5,1x4,1x20` by default; the paced phase runs
 * with the first), over the cluster's Unix socket as a server on the database's machine would.
 *
 *   npm run bench -- sync.bench
 *   BENCH_SECONDS=20 BENCH_DB=sqlite npm run bench -- sync.bench
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request as httpRequest } from "node:http";
import { fileURLToPath } from "node:url";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { Mutation, PullResponse } from "../shared/sync/schemas.ts";
import { hashToken } from "./auth/index.ts";
import { hashPassword } from "./auth/password.ts";
import { systemQlvbClock } from "./clock/qlvb-clock.ts";
import { parseDatabaseUrl } from "./storage/open.ts";
import { SyncStorage } from "./storage/storage.ts";
import { startPostgres } from "../test/support/postgres.ts";
import pgDriver from "pg";

const PgClient = pgDriver.Client;

const OFFICES = Number(process.env.BENCH_OFFICES ?? 114);
const CLIENTS_PER_OFFICE = 3;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? SECONDS);
const SYNC_EVERY_MS = 5000;
/** PostgreSQL server settings: `PROCESSES x POOL` (`vanthu server --workers PROCESSES`, VANTHU_DB_POOL=POOL). */
const PG_SERVERS = (process.env.BENCH_PG_SERVERS ?? "1x10,2x5,1x4,1x20").split(",").map((x) => {
  const [workers, pool] = x.split("x").map(Number);
  return { workers: workers!, pool: pool! };
});
const BATCH = 5;
const CLIENT_PROCESSES = Number(process.env.BENCH_CLIENT_PROCESSES ?? 3);
const vanthu = fileURLToPath(new URL("../bin/vanthu.mjs", import.meta.url));

/** Goals on the 2-core build machine (issue 15). */
const GOAL = { saturationReqPerSec: 1500, pacedP99Ms: 100, maxWaitMs: 2000, minRoundsOfMedian: 0.5 };

interface Client {
  officeId: string;
  token: string;
  cursor: string;
  sha256: string;
  nextOffice: string;
}

type Mode = "closed" | "paced";

interface WorkerResult {
  /** CPU (user + system) the load process used during the phase, in ms. */
  cpuMs: number;
  lat: Record<string, number[]>;
  errors: Record<string, number>;
  rounds: number[];
  cursors: string[];
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(" / ");
const machine = () => `load average ${load()} (1/5/15 min) on ${cpus().length} cores`;

/**
 * CPU time (user + system) a process and the processes it started (server processes of
 * `--workers`) have used, in ms, from /proc (Linux); undefined elsewhere.
 */
function cpuMs(pid: number | undefined): number | undefined {
  const stat = (p: number | string) => {
    try {
      // After the command name: state, ppid, …; utime, stime, cutime, cstime are fields 14–17 of stat (11–14 here), in
      // ticks of 10 ms. cutime/cstime: children that ended and were waited for (PostgreSQL's backends of closed connections).
      const fields = readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]!.split(" ");
      return { ppid: Number(fields[1]), ms: (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10 };
    } catch {
      return undefined;
    }
  };
  if (pid === undefined) return undefined;
  const own = stat(pid);
  if (!own) return undefined;
  let total = own.ms;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(entry);
    if (s?.ppid === pid) total += s.ms;
  }
  return total;
}

async function seed(db: string): Promise<Client[]> {
  const storage = await SyncStorage.open(parseDatabaseUrl(db), systemQlvbClock);
  const hash = await hashPassword("bench");
  const clients: Client[] = [];
  const offices: string[] = [];
  for (let o = 0; o < OFFICES; o++) {
    const office = await storage.createOffice({ id: `bench-${o}`, name: `UBND xã thử ${o + 1}`, kind: "commune", organId: `BENCH.${o}` });
    offices.push(office.id);
    for (let c = 0; c < CLIENTS_PER_OFFICE; c++) {
      const user = await storage.createUser({
        officeId: office.id,
        username: `bench-${o}-${c}`,
        fullName: "Văn thư thử",
        passwordHash: hash,
        roles: ["clerk"],
      });
      const token = randomBytes(32).toString("base64url");
      await storage.createSession(hashToken(token), user.id, "2999-01-01T00:00:00.000+07:00");
      clients.push({ officeId: office.id, token, cursor: "", sha256: "", nextOffice: "" });
    }
  }
  await storage.close();
  for (const c of clients) c.nextOffice = offices[(offices.indexOf(c.officeId) + 1) % offices.length]!;
  return clients;
}

interface Server {
  proc: ChildProcess;
  url: string;
}

function startServer(db: string, blobs: string, env: Record<string, string> = {}, workers = 1): Promise<Server> {
  return new Promise((resolve, reject) => {
    const prof = process.env.BENCH_SERVER_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_SERVER_PROF}`] : [];
    const args = [
      vanthu,
      "server",
      "--db",
      db,
      "--blobs",
      blobs,
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--no-demo",
      ...(workers > 1 ? ["--workers", String(workers)] : []),
    ];
    const proc = spawn(process.execPath, [...prof, ...args], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...env },
    });
    let out = "";
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening\): (http:\/\/\S+)/.exec(out);
      if (m) resolve({ proc, url: m[1]! });
    });
    proc.on("exit", (code) => reject(new Error(`server exited ${code}`)));
  });
}

async function stopServer(s: { proc: ChildProcess }) {
  s.proc.kill("SIGTERM");
  await new Promise((r) => s.proc.once("exit", r));
}

async function uploadFor(url: string, c: Client) {
  const bytes = new TextEncoder().encode(`%PDF-1.7\n% ${c.officeId}\n%%EOF\n`);
  c.sha256 = createHash("sha256").update(bytes).digest("hex");
  const h = { authorization: `Bearer ${c.token}` };
  const created = (await (
    await fetch(`${url}api/blobs/uploads`, {
      method: "POST",
      headers: { ...h, "content-type": "application/json" },
      body: JSON.stringify({ sha256: c.sha256, size: bytes.byteLength }),
    })
  ).json()) as { uploadId: string };
  await (
    await fetch(`${url}api/blobs/uploads/${created.uploadId}`, {
      method: "PATCH",
      headers: { ...h, "content-type": "application/offset+octet-stream", "upload-offset": "0" },
      body: bytes,
    })
  ).arrayBuffer();
}

function runWorker(url: string, clients: Client[], mode: Mode, seconds: number): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, BENCH_ROLE: "client" },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.on("message", (m) => resolve(m as WorkerResult));
    child.on("exit", (code) => (code ? reject(new Error(`bench client exited ${code}`)) : undefined));
    child.send({ url, clients, mode, seconds });
  });
}

/**
 * The load processes speak HTTP/1.1 with node:http and kept-alive connections: undici's fetch
 * cost them about 2.5 ms of CPU per request, on the same two cores as the server (the load would
 * measure itself). Answers are decompressed as a browser would.
 */
const keepAlive = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
function request(base: string, path: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: Buffer }> {
  const target = new URL(path, base);
  return new Promise((resolve, reject) => {
    const r = httpRequest({ host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers, agent: keepAlive }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("error", reject);
      res.on("end", () => {
        const raw = Buffer.concat(chunks);
        const encoding = res.headers["content-encoding"];
        resolve({ status: res.statusCode ?? 0, body: encoding === "br" ? brotliDecompressSync(raw) : encoding === "gzip" ? gunzipSync(raw) : raw });
      });
    });
    r.on("error", reject);
    r.end(body);
  });
}

/**
 * One client process: its share of the clients. Closed loop: push, pull, again. Paced: a sync
 * (push, then pull) is due every SYNC_EVERY_MS from a random start; latency is counted from when
 * it was due, so a server that falls behind cannot hide it by delaying the next request.
 */
async function clientProcess(url: string, clients: Client[], mode: Mode, seconds: number): Promise<WorkerResult> {
  const lat: Record<string, number[]> = { push: [], pull: [], send: [] };
  const errors: Record<string, number> = {};
  const fail = (what: string) => (errors[what] = (errors[what] ?? 0) + 1);
  const req = async (
    kind: string,
    path: string,
    c: Client,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
    since = performance.now(),
  ) => {
    try {
      // As a browser asks: compressed answers welcome.
      const res = await request(
        url,
        path,
        init.method ?? "GET",
        { authorization: `Bearer ${c.token}`, "accept-encoding": "br, gzip", ...init.headers },
        init.body,
      );
      if (res.status >= 400) {
        fail(`${kind} ${res.status}`);
        return undefined;
      }
      lat[kind]!.push(performance.now() - since);
      return res.body;
    } catch (e) {
      fail(`${kind} ${(e as Error).message}`);
      return undefined;
    }
  };
  // Every client connects and signs in first (as offices do at the start of the day).
  await Promise.all(clients.map((c) => req("pull", "api/auth/me", c)));
  lat.pull = [];
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const rounds: number[] = [];
  let n = 0;
  const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - performance.now())));
  await Promise.all(
    clients.map(async (c, ci) => {
      let i = 0;
      const offset = Math.random() * SYNC_EVERY_MS;
      for (;;) {
        const due = mode === "paced" ? start + offset + i * SYNC_EVERY_MS : performance.now();
        if (due >= deadline) break;
        if (mode === "paced") await sleepUntil(due);
        const mutations: Mutation[] = Array.from({ length: BATCH }, (_, k) => ({
          id: `b${process.pid}-${ci}-${i}-${k}-${n++}`,
          clientTime: new Date().toISOString(),
          type: "record.put",
          entity: "outgoing",
          recordId: `r${ci}-${i}-${k}-${n}`,
          data: { summary: "Về việc triển khai chữ ký số chuyên dùng công vụ", n: i, pad: "x".repeat(300) },
        }));
        // Every 10th round a document to the next office; offices take turns (a closed loop starting
        // all at once would otherwise make every office send in the same first second).
        const sending = c.sha256 !== "" && (i + ci) % 10 === 0;
        if (sending)
          mutations.push({
            id: `s${process.pid}-${ci}-${i}-${n++}`,
            clientTime: new Date().toISOString(),
            type: "exchange.send",
            documentRef: `d${ci}-${i}`,
            recipients: [c.nextOffice],
            header: { codeNumber: String(i % 1000), codeNotation: "UBND-VP", subject: "Công văn thử", promulgationDate: "2026-11-25" },
            blobs: [{ sha256: c.sha256, name: "cv.pdf", contentType: "application/pdf", role: "main" }],
          });
        await req(
          sending ? "send" : "push",
          "api/sync/push",
          c,
          { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ clientId: `c${process.pid}-${ci}`, mutations }) },
          due,
        );
        const pulledAt = performance.now();
        const body = await req("pull", `api/sync/pull?cursor=${c.cursor}&limit=200`, c, {}, pulledAt);
        if (body) c.cursor = (JSON.parse(body.toString("utf8")) as PullResponse).cursor;
        i++;
      }
      rounds.push(i);
    }),
  );
  const cpu = process.cpuUsage(cpuStart);
  return { cpuMs: (cpu.user + cpu.system) / 1000, lat, errors, rounds, cursors: clients.map((c) => c.cursor) };
}

const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN);
const ms = (x: number) => `${x < 10 ? x.toFixed(1) : x.toFixed(0)} ms`;
const mark = (ok: boolean) => (ok ? "✓" : "✗");

/** What the bench can see of the database's own processes (PostgreSQL), set by the PostgreSQL run. */
interface DatabaseProbe {
  /** CPU the database's processes have used, in ms. */
  cpuMs(): number | undefined;
  /** Forgets the statement statistics (BENCH_PG_STATEMENTS). */
  reset?(): Promise<void>;
  /** Statements run since reset(), most called first, and transactions committed. */
  statements?(): Promise<{ rows: { calls: number; ms: number; query: string }[]; commits: number }>;
}
let probe: DatabaseProbe | undefined;

async function phase(server: Server, clients: Client[], mode: Mode, seconds: number) {
  const { url } = server;
  const loadBefore = load();
  await probe?.reset?.();
  const dbCpuBefore = probe?.cpuMs();
  const cpuBefore = cpuMs(server.proc.pid);
  const parts = Array.from({ length: CLIENT_PROCESSES }, (_, w) => clients.filter((_, i) => i % CLIENT_PROCESSES === w));
  const results = await Promise.all(parts.map((part) => runWorker(url, part, mode, seconds)));
  const lat: Record<string, number[]> = { push: [], pull: [], send: [] };
  const errors: Record<string, number> = {};
  const rounds: number[] = [];
  // Each load process's median rounds: uneven medians mean the load generators, not the server, were starved of CPU.
  const processMedians = results.map((r) =>
    pct(
      [...r.rounds].sort((a, b) => a - b),
      50,
    ),
  );
  results.forEach((r, w) => {
    for (const k of Object.keys(lat)) lat[k]!.push(...r.lat[k]!);
    for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    rounds.push(...r.rounds);
    // The next phase goes on from where each client's feed stopped.
    parts[w]!.forEach((c, i) => (c.cursor = r.cursors[i]!));
  });
  for (const xs of Object.values(lat)) xs.sort((a, b) => a - b);
  const total = lat.push!.length + lat.pull!.length + lat.send!.length;
  const errCount = Object.values(errors).reduce((a, b) => a + b, 0);
  const cpuAfter = cpuMs(server.proc.pid);
  const dbCpuAfter = probe?.cpuMs();
  const dbCpu =
    dbCpuBefore !== undefined && dbCpuAfter !== undefined
      ? { perRequestMs: (dbCpuAfter - dbCpuBefore) / total, share: (dbCpuAfter - dbCpuBefore) / (seconds * 1000) }
      : undefined;
  const statements = await probe?.statements?.();
  const serverCpu =
    cpuBefore !== undefined && cpuAfter !== undefined
      ? { perRequestMs: (cpuAfter - cpuBefore) / total, share: (cpuAfter - cpuBefore) / (seconds * 1000) }
      : undefined;
  const loadCpuMs = results.reduce((a, r) => a + r.cpuMs, 0);
  return {
    loadCpuPerRequestMs: loadCpuMs / total,
    lat,
    errors,
    errCount,
    rounds: rounds.sort((a, b) => a - b),
    total,
    reqPerSec: total / seconds,
    loadBefore,
    loadAfter: load(),
    serverCpu,
    dbCpu,
    statements,
    processMedians,
  };
}

type PhaseResult = Awaited<ReturnType<typeof phase>>;

function printLatencies(r: PhaseResult) {
  for (const k of ["push", "send", "pull"]) {
    const xs = r.lat[k]!;
    console.log(
      `    ${k.padEnd(5)} n=${String(xs.length).padStart(6)}  p50 ${ms(pct(xs, 50))}  p90 ${ms(pct(xs, 90))}  p99 ${ms(pct(xs, 99))}  max ${ms(xs[xs.length - 1] ?? NaN)}`,
    );
  }
  if (r.serverCpu)
    console.log(
      `    server process: ${r.serverCpu.perRequestMs.toFixed(2)} ms of CPU per request, ${(100 * r.serverCpu.share).toFixed(0)}% of one core; load processes: ${r.loadCpuPerRequestMs.toFixed(2)} ms per request`,
    );
  if (r.dbCpu)
    console.log(`    PostgreSQL's processes: ${r.dbCpu.perRequestMs.toFixed(2)} ms of CPU per request, ${(100 * r.dbCpu.share).toFixed(0)}% of one core`);
  if (r.statements) {
    const pushes = r.lat.push!.length + r.lat.send!.length;
    const pulls = r.lat.pull!.length;
    const calls = r.statements.rows.reduce((a, x) => a + x.calls, 0);
    console.log(
      `    PostgreSQL ran ${(calls / (pushes + pulls)).toFixed(2)} statements and ${(r.statements.commits / (pushes + pulls)).toFixed(2)} transactions per request (${pushes} pushes, ${pulls} pulls); per push or pull:`,
    );
    for (const x of r.statements.rows.slice(0, 12))
      console.log(`      ${(x.calls / (pushes + pulls)).toFixed(3).padStart(6)} × ${(x.ms / x.calls).toFixed(3)} ms  ${x.query}`);
  }
  if (r.errCount) console.log(`    errors: ${JSON.stringify(r.errors)}`);
}

async function saturation(server: Server, clients: Client[], title: string) {
  const r = await phase(server, clients, "closed", SECONDS);
  const median = pct(r.rounds, 50);
  const maxWait = Math.max(r.lat.push!.at(-1) ?? 0, r.lat.send!.at(-1) ?? 0, r.lat.pull!.at(-1) ?? 0);
  console.log(
    `  (a) ${title}: ${r.total} requests in ${SECONDS} s → ${r.reqPerSec.toFixed(0)} req/s ${mark(r.reqPerSec >= GOAL.saturationReqPerSec)} (goal ≥ ${GOAL.saturationReqPerSec}), ${r.errCount} errors — load ${r.loadBefore} → ${r.loadAfter}`,
  );
  printLatencies(r);
  console.log(
    `  (c) fairness: longest wait ${ms(maxWait)} ${mark(maxWait <= GOAL.maxWaitMs)} (goal ≤ 2 s); rounds per client min ${r.rounds[0]}, median ${median}, max ${r.rounds.at(-1)} ${mark(r.rounds[0]! >= median * GOAL.minRoundsOfMedian)} (goal: min ≥ half the median); median per client process ${r.processMedians.join(" / ")}`,
  );
  return r;
}

async function paced(server: Server, clients: Client[]) {
  const r = await phase(server, clients, "paced", PACED_SECONDS);
  const p99 = Math.max(pct(r.lat.push!, 99), pct(r.lat.pull!, 99));
  console.log(
    `  (b) paced, each client syncs every ${SYNC_EVERY_MS / 1000} s: ${r.reqPerSec.toFixed(0)} req/s for ${PACED_SECONDS} s, ${r.errCount} errors — push/pull p99 ${ms(p99)} ${mark(p99 < GOAL.pacedP99Ms)} (goal < 100 ms) — load ${r.loadBefore} → ${r.loadAfter}`,
  );
  printLatencies(r);
  return r;
}

async function run(label: string, db: string, servers: { workers: number; pool?: number }[]) {
  const dir = mkdtempSync(join(tmpdir(), "vanthu-bench-"));
  try {
    const clients = await seed(db);
    console.log(
      `\n${label}: ${OFFICES} offices × ${CLIENTS_PER_OFFICE} clients in ${CLIENT_PROCESSES} client processes, server in its own process — ${machine()}`,
    );
    for (const [i, { workers, pool }] of servers.entries()) {
      const server = await startServer(db, join(dir, "blobs"), pool ? { VANTHU_DB_POOL: String(pool) } : {}, workers);
      try {
        // One small signed-PDF stand-in per office, uploaded once (by its first client).
        if (i === 0) for (const c of clients.filter((_, k) => k % CLIENTS_PER_OFFICE === 0)) await uploadFor(server.url, c);
        const setting = `${workers > 1 ? `${workers} server processes × ` : ""}pool of ${pool}`;
        await saturation(server, clients, pool ? `saturation, ${setting}` : "saturation");
        if (i === 0) await paced(server, clients);
      } finally {
        await stopServer(server);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.BENCH_ROLE === "client") {
  process.once("message", async (m) => {
    const { url, clients, mode, seconds } = m as { url: string; clients: Client[]; mode: Mode; seconds: number };
    process.send!(await clientProcess(url, clients, mode, seconds), () => process.exit(0));
  });
} else {
  const which = (process.env.BENCH_DB ?? "sqlite,postgres").split(",");
  if (which.includes("sqlite")) {
    const dir = mkdtempSync(join(tmpdir(), "vanthu-bench-sqlite-"));
    try {
      await run(
        "SQLite (WAL, group commit: transactions that queue share one COMMIT — at most 15 ms or 64 of them — and every answer waits for its COMMIT and the fdatasync that covers it)",
        `sqlite:${join(dir, "bench.sqlite")}`,
        [{ workers: 1 }],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (which.includes("postgres")) {
    const counting = process.env.BENCH_PG_STATEMENTS === "1";
    const pg = await startPostgres(counting ? { settings: { shared_preload_libraries: "pg_stat_statements", "pg_stat_statements.track": "all" } } : {});
    let closeStats: (() => Promise<void>) | undefined;
    try {
      await pg.createDatabase("bench");
      probe = { cpuMs: () => cpuMs(pg.pid()) };
      if (counting) {
        const stats = new PgClient({ connectionString: pg.socketUrlFor("bench") });
        stats.on("error", () => {});
        await stats.connect();
        await stats.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        let commitsBefore = 0;
        const commits = async () =>
          Number((await stats.query("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")).rows[0].xact_commit);
        probe.reset = async () => {
          await stats.query("SELECT pg_stat_statements_reset()");
          commitsBefore = await commits();
        };
        probe.statements = async () => {
          // pg_stat_database is sent by each backend when it goes idle: give it a moment.
          await new Promise((r) => setTimeout(r, 1500));
          const rows = (
            await stats.query(
              "SELECT calls::int, total_exec_time AS ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query FROM pg_stat_statements " +
                "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_%' ORDER BY calls DESC",
            )
          ).rows as { calls: number; ms: number; query: string }[];
          return { rows, commits: (await commits()) - commitsBefore };
        };
        closeStats = () => stats.end();
      }
      await run("PostgreSQL 15 (throwaway cluster on the same 2 cores, fsync off, over its Unix socket)", pg.socketUrlFor("bench"), PG_SERVERS);
    } finally {
      await closeStats?.();
      await pg.stop();
    }
  }
}
