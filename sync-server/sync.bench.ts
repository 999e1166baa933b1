/**
 * Sync throughput: 114 offices (the communes of Hải Phòng since 1/7/2025) × 3 clients, each
 * pushing a batch and pulling in a loop against `vanthu server` on loopback, for
 * BENCH_SECONDS (default 60) on SQLite and then on PostgreSQL. Prints requests per second,
 * p50/p99 latency and errors.
 *
 *   npm run bench -- sync.bench        BENCH_SECONDS=10 npm run bench -- sync.bench
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Mutation, PullResponse } from "../shared/sync/schemas.ts";
import { hashToken } from "./auth/index.ts";
import { hashPassword } from "./auth/password.ts";
import { systemQlvbClock } from "./clock/qlvb-clock.ts";
import { parseDatabaseUrl } from "./storage/open.ts";
import { SyncStorage } from "./storage/storage.ts";
import { startPostgres } from "../test/support/postgres.ts";

const OFFICES = Number(process.env.BENCH_OFFICES ?? 114);
const CLIENTS_PER_OFFICE = 3;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const BATCH = 5;
const vanthu = fileURLToPath(new URL("../bin/vanthu.mjs", import.meta.url));

interface Client {
  officeId: string;
  token: string;
  cursor: string;
  sha256: string;
  nextOffice: string;
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
      const user = await storage.createUser({ officeId: office.id, username: `bench-${o}-${c}`, fullName: "Văn thư thử", passwordHash: hash, roles: ["clerk"] });
      const token = randomBytes(32).toString("base64url");
      await storage.createSession(hashToken(token), user.id, "2999-01-01T00:00:00.000+07:00");
      clients.push({ officeId: office.id, token, cursor: "", sha256: "", nextOffice: "" });
    }
  }
  await storage.close();
  for (const c of clients) c.nextOffice = offices[(offices.indexOf(c.officeId) + 1) % offices.length]!;
  return clients;
}

function startServer(db: string, blobs: string): Promise<{ proc: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [vanthu, "server", "--db", db, "--blobs", blobs, "--port", "0", "--host", "127.0.0.1", "--no-demo"], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening\): (http:\/\/\S+)/.exec(out);
      if (m) resolve({ proc, url: m[1]! });
    });
    proc.on("exit", (code) => reject(new Error(`server exited ${code}`)));
  });
}

const CLIENT_PROCESSES = Number(process.env.BENCH_CLIENT_PROCESSES ?? 3);

interface WorkerResult {
  lat: Record<string, number[]>;
  errors: Record<string, number>;
  rounds: number[];
}

async function uploadFor(url: string, c: Client) {
  const bytes = new TextEncoder().encode(`%PDF-1.7\n% ${c.officeId}\n%%EOF\n`);
  c.sha256 = createHash("sha256").update(bytes).digest("hex");
  const h = { authorization: `Bearer ${c.token}` };
  const created = (await (await fetch(`${url}api/blobs/uploads`, { method: "POST", headers: { ...h, "content-type": "application/json" }, body: JSON.stringify({ sha256: c.sha256, size: bytes.byteLength }) })).json()) as { uploadId: string };
  await (await fetch(`${url}api/blobs/uploads/${created.uploadId}`, { method: "PATCH", headers: { ...h, "content-type": "application/offset+octet-stream", "upload-offset": "0" }, body: bytes })).arrayBuffer();
}

function runWorker(url: string, clients: Client[]): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ["--import", "tsx"], env: { ...process.env, BENCH_ROLE: "client" }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    child.on("message", (m) => resolve(m as WorkerResult));
    child.on("exit", (code) => (code ? reject(new Error(`bench client exited ${code}`)) : undefined));
    child.send({ url, clients });
  });
}

/** One client process: its share of the clients, each pushing and pulling in a closed loop. */
async function clientProcess(url: string, clients: Client[]): Promise<WorkerResult> {
  const lat: Record<string, number[]> = { push: [], pull: [], send: [] };
  const errors: Record<string, number> = {};
  const fail = (what: string) => (errors[what] = (errors[what] ?? 0) + 1);
  const req = async (kind: string, path: string, c: Client, init: RequestInit = {}) => {
    const t0 = performance.now();
    try {
      const res = await fetch(url + path, { ...init, headers: { authorization: `Bearer ${c.token}`, ...(init.headers as Record<string, string>) } });
      const body = await res.arrayBuffer();
      if (!res.ok) {
        fail(`${kind} ${res.status}`);
        return undefined;
      }
      lat[kind]!.push(performance.now() - t0);
      return body;
    } catch (e) {
      fail(`${kind} ${(e as Error).message}`);
      return undefined;
    }
  };
  // Every client connects and signs in first (as offices do at the start of the day).
  await Promise.all(clients.map((c) => req("pull", "api/auth/me", c)));
  lat.pull = [];
  const deadline = performance.now() + SECONDS * 1000;
  const rounds: number[] = [];
  let n = 0;
  await Promise.all(
    clients.map(async (c, ci) => {
      let i = 0;
      while (performance.now() < deadline) {
        const mutations: Mutation[] = Array.from({ length: BATCH }, (_, k) => ({ id: `b${process.pid}-${ci}-${i}-${k}-${n++}`, clientTime: new Date().toISOString(), type: "record.put", entity: "outgoing", recordId: `r${ci}-${i}-${k}-${n}`, data: { summary: "Về việc triển khai chữ ký số chuyên dùng công vụ", n: i, pad: "x".repeat(300) } }));
        const sending = c.sha256 !== "" && i % 10 === 0;
        if (sending) mutations.push({ id: `s${process.pid}-${ci}-${i}-${n++}`, clientTime: new Date().toISOString(), type: "exchange.send", documentRef: `d${ci}-${i}`, recipients: [c.nextOffice], header: { codeNumber: String(i % 1000), codeNotation: "UBND-VP", subject: "Công văn thử", promulgationDate: "2026-11-25" }, blobs: [{ sha256: c.sha256, name: "cv.pdf", contentType: "application/pdf", role: "main" }] });
        await req(sending ? "send" : "push", "api/sync/push", c, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ clientId: `c${process.pid}-${ci}`, mutations }) });
        const body = await req("pull", `api/sync/pull?cursor=${c.cursor}&limit=200`, c);
        if (body) c.cursor = (JSON.parse(new TextDecoder().decode(body)) as PullResponse).cursor;
        i++;
      }
      rounds.push(i);
    }),
  );
  return { lat, errors, rounds };
}

const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN);

async function run(label: string, db: string) {
  const dir = mkdtempSync(join(tmpdir(), "vanthu-bench-"));
  try {
    const clients = await seed(db);
    const server = await startServer(db, join(dir, "blobs"));
    // One small signed-PDF stand-in per office, uploaded once (by its first client).
    for (const c of clients.filter((_, i) => i % CLIENTS_PER_OFFICE === 0)) await uploadFor(server.url, c);
    // The clients run in several processes (offices are separate machines): one Node process
    // driving 342 loops would itself become the bottleneck and skew the latencies.
    const workers = Array.from({ length: CLIENT_PROCESSES }, (_, w) => clients.filter((_, i) => i % CLIENT_PROCESSES === w));
    const results = await Promise.all(workers.map((part) => runWorker(server.url, part)));
    const lat: Record<string, number[]> = { push: [], pull: [], send: [] };
    const errors: Record<string, number> = {};
    const rounds: number[] = [];
    for (const r of results) {
      for (const k of Object.keys(lat)) lat[k]!.push(...r.lat[k]!);
      for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
      rounds.push(...r.rounds);
    }
    server.proc.kill("SIGTERM");
    await new Promise((r) => server.proc.once("exit", r));
    const total = lat.push!.length + lat.pull!.length + lat.send!.length;
    const errCount = Object.values(errors).reduce((a, b) => a + b, 0);
    console.log(`\n${label}: ${OFFICES} offices × ${CLIENTS_PER_OFFICE} clients, ${SECONDS} s on loopback`);
    console.log(`  requests: ${total} ok, ${errCount} errors → ${(total / SECONDS).toFixed(0)} req/s (${((lat.push!.length + lat.send!.length) * BATCH / SECONDS).toFixed(0)} mutations/s pushed)`);
    for (const k of ["push", "send", "pull"]) {
      const xs = lat[k]!.sort((a, b) => a - b);
      console.log(`  ${k.padEnd(5)} n=${String(xs.length).padStart(7)}  p50 ${pct(xs, 50).toFixed(1)} ms  p90 ${pct(xs, 90).toFixed(1)} ms  p99 ${pct(xs, 99).toFixed(1)} ms  max ${(xs[xs.length - 1] ?? NaN).toFixed(0)} ms`);
    }
    const r = [...rounds].sort((a, b) => a - b);
    console.log(`  push+pull rounds per client: min ${r[0]}, median ${pct(r, 50)}, max ${r[r.length - 1]}`);
    if (errCount) console.log(`  errors: ${JSON.stringify(errors)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.BENCH_ROLE === "client") {
  process.once("message", async (m) => {
    const { url, clients } = m as { url: string; clients: Client[] };
    process.send!(await clientProcess(url, clients), () => process.exit(0));
  });
} else {
  const which = (process.env.BENCH_DB ?? "sqlite,postgres").split(",");
  if (which.includes("sqlite")) {
    const dir = mkdtempSync(join(tmpdir(), "vanthu-bench-sqlite-"));
    try {
      await run("SQLite (WAL, synchronous=FULL)", `sqlite:${join(dir, "bench.sqlite")}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (which.includes("postgres")) {
    const pg = await startPostgres();
    try {
      await run("PostgreSQL 15 (pool of 10, fsync off in the throwaway cluster)", await pg.createDatabase("bench"));
    } finally {
      await pg.stop();
    }
  }
}
