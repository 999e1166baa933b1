import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PullResponse, PushResponse, SessionInfo } from "../../shared/sync/schemas.ts";
import { hashPassword } from "../../sync-server/auth/password.ts";
import { systemQlvbClock } from "../../sync-server/clock/qlvb-clock.ts";
import { parseDatabaseUrl } from "../../sync-server/storage/open.ts";
import { SyncStorage } from "../../sync-server/storage/storage.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { clientTime, mutationId } from "./harness.ts";

const vanthu = fileURLToPath(new URL("../../bin/vanthu.mjs", import.meta.url));
const PASSWORD = "một mật khẩu đủ dài cho thử nghiệm";

/** One request on a connection of its own: node:cluster hands each new connection to one of the processes in turn. */
function call(url: string, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<{ status: number; json: unknown }> {
  const target = new URL(path, url);
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method,
        agent: false,
        headers: { ...headers, ...(text ? { "content-type": "application/json" } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => chunks.push(d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString("utf8") || "null") }));
      },
    );
    r.on("error", reject);
    r.end(text);
  });
}

/** The server processes `vanthu server --workers` started (children of the first running vanthu; not a build tool it ran). */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const parent = Number(readFileSync(`/proc/${e}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
        return parent === pid && readFileSync(`/proc/${e}/cmdline`, "utf8").includes("vanthu.mjs");
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe("vanthu server --workers 2 on PostgreSQL: processes that share only the database", () => {
  let pg: PostgresCluster;
  let db: string;
  let blobs: string;
  let server: ChildProcess;
  let url: string;

  beforeAll(async () => {
    pg = await startPostgres();
    db = await pg.createDatabase("workers");
    blobs = mkdtempSync(join(tmpdir(), "vanthu-workers-"));
    const storage = await SyncStorage.open(parseDatabaseUrl(db), systemQlvbClock);
    const office = await storage.createOffice({ name: "UBND xã Bạch Long Vĩ", kind: "commune", organId: "H.BLV" });
    await storage.createUser({
      officeId: office.id,
      username: "vanthu.blv",
      fullName: "Văn thư",
      passwordHash: await hashPassword(PASSWORD),
      roles: ["clerk"],
    });
    await storage.close();
    server = spawn(process.execPath, [vanthu, "server", "--db", db, "--blobs", blobs, "--port", "0", "--host", "127.0.0.1", "--workers", "2"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = "";
      server.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /listening\): (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      server.on("exit", (code) => reject(new Error(`server exited (${code}) before listening: ${out}`)));
    });
  }, 180_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server.once("exit", r));
      server.kill("SIGTERM");
      await exited;
    }
    await pg?.stop();
    if (blobs) rmSync(blobs, { recursive: true, force: true });
  }, 60_000);

  it("signs in, pushes, pulls and signs out over fresh connections, whichever process answers; a process that dies is replaced", async () => {
    expect(childrenOf(server.pid!)).toHaveLength(2);
    const login = await call(url, "POST", "api/auth/login", {}, { username: "vanthu.blv", password: PASSWORD });
    expect(login.status).toBe(200);
    const bearer = { authorization: `Bearer ${(login.json as SessionInfo).token}` };
    // Every request on a new connection: the processes take turns, so each step is likely answered by another process than the last.
    const pushes: PushResponse[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await call(url, "POST", "api/sync/push", bearer, {
        clientId: "device-1",
        mutations: [{ id: mutationId(), clientTime: clientTime(), type: "record.put", entity: "outgoing", recordId: `r${i}`, data: { i } }],
      });
      expect(r.status).toBe(200);
      pushes.push(r.json as PushResponse);
    }
    expect(pushes.flatMap((p) => p.results.map((x) => x.status))).toEqual(["applied", "applied", "applied", "applied"]);
    for (let i = 0; i < 2; i++) {
      const pulled = await call(url, "GET", "api/sync/pull?cursor=&limit=100", bearer);
      expect(pulled.status).toBe(200);
      expect((pulled.json as PullResponse).changes.filter((c) => c.entity === "outgoing").map((c) => c.id)).toEqual(["r0", "r1", "r2", "r3"]);
    }

    // One process is killed: the first starts another; the service goes on with the same sessions.
    const [victim] = childrenOf(server.pid!);
    process.kill(victim!, "SIGKILL");
    let replaced: number[] = [];
    for (let t = 0; t < 600 && !(replaced.length === 2 && !replaced.includes(victim!)); t++) {
      await new Promise((r) => setTimeout(r, 100));
      replaced = childrenOf(server.pid!);
    }
    expect(replaced).toHaveLength(2);
    expect(replaced).not.toContain(victim);
    for (let i = 0; i < 4; i++) expect((await call(url, "GET", "api/sync/pull?cursor=&limit=100", bearer)).status).toBe(200);

    // Signing out on one process ends the session everywhere (the other's cache forgets it within seconds).
    expect((await call(url, "POST", "api/auth/logout", bearer)).status).toBe(200);
    let refused = 0;
    for (let t = 0; t < 100 && refused < 4; t++) {
      const r = await call(url, "GET", "api/sync/pull?cursor=&limit=100", bearer);
      refused = r.status === 401 ? refused + 1 : 0;
      if (r.status !== 401) await new Promise((res) => setTimeout(res, 250));
    }
    expect(refused).toBe(4);
  }, 180_000);
});

describe("vanthu server --workers with SQLite", () => {
  it("is refused with a reason in Vietnamese and English: SQLite has one writer process", () => {
    const r = spawnSync(process.execPath, [vanthu, "server", "--db", "sqlite::memory:", "--port", "0", "--workers", "2"], {
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--workers cần PostgreSQL");
    expect(r.stderr).toContain("SQLite has a single writer process");
  }, 180_000);
});
