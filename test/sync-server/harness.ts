/**
 * One environment for the sync server's tests, on SQLite or on PostgreSQL: the same suite
 * runs on both (describeBackends). PostgreSQL is a throwaway cluster started by the test.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import type { Mutation, PullResponse, PushResponse, Role } from "../../shared/sync/schemas.ts";
import { createSyncApp, type SyncApp, type SyncAppDeps } from "../../sync-server/app.ts";
import { hashPassword } from "../../sync-server/auth/password.ts";
import { BlobStore } from "../../sync-server/blobs/store.ts";
import { systemQlvbClock, type QlvbClock } from "../../sync-server/clock/qlvb-clock.ts";
import { SyncStorage } from "../../sync-server/storage/storage.ts";
import type { DatabaseTarget } from "../../sync-server/storage/open.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";

export type Backend = "sqlite" | "postgres";
export const BACKENDS: Backend[] = ["sqlite", "postgres"];

export interface Env {
  backend: Backend;
  dir: string;
  target: DatabaseTarget;
  blobsDir: string;
  storage: SyncStorage;
  blobs: BlobStore;
  app: SyncApp;
  pg?: PostgresCluster;
  /** A fresh database URL (`sqlite:…` or `postgres://…`) of the same backend, for restores and child servers. */
  newDatabaseUrl(name: string): Promise<string>;
  close(): Promise<void>;
}

let dbCounter = 0;

export async function makeEnv(backend: Backend, options: { clock?: QlvbClock; app?: Partial<SyncAppDeps> } = {}): Promise<Env> {
  const dir = mkdtempSync(join(tmpdir(), `vanthu-sync-${backend}-`));
  let pg: PostgresCluster | undefined;
  let target: DatabaseTarget;
  if (backend === "postgres") {
    pg = await startPostgres();
    target = { dialect: "postgres", location: await pg.createDatabase(`t${++dbCounter}`) };
  } else {
    target = { dialect: "sqlite", location: join(dir, "vanthu.sqlite") };
  }
  const storage = await SyncStorage.open(target, options.clock ?? systemQlvbClock);
  const blobsDir = join(dir, "blobs");
  const blobs = new BlobStore(blobsDir);
  await blobs.init();
  const app = createSyncApp({ storage, blobs, ...options.app });
  return {
    backend,
    dir,
    target,
    blobsDir,
    storage,
    blobs,
    app,
    pg,
    async newDatabaseUrl(name: string) {
      return pg ? pg.createDatabase(name) : `sqlite:${join(dir, `${name}.sqlite`)}`;
    },
    async close() {
      // A failed test may leave a transaction open: do not let that keep the cluster running.
      await Promise.race([storage.close(), new Promise((r) => setTimeout(r, 5000))]);
      await pg?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** describe.each over both backends with one environment per backend. */
export function describeBackends(title: string, body: (env: () => Env) => void, options: { clock?: QlvbClock; app?: Partial<SyncAppDeps> } = {}) {
  describe.each(BACKENDS)(`%s: ${title}`, (backend) => {
    let env: Env | undefined;
    beforeAll(async () => {
      env = await makeEnv(backend, options);
    });
    afterAll(async () => {
      await env?.close();
    });
    body(() => env!);
  });
}

// ---------------------------------------------------------------- actors

export interface TestUser {
  officeId: string;
  organId: string;
  username: string;
  password: string;
  token: string;
}

let seq = 0;

/** An office with one user of the given roles, logged in through the API. */
export async function officeWithUser(
  env: Env,
  name: string,
  roles: Role[] = ["clerk"],
  extra: { kind?: "commune" | "district" | "science_department"; managedOfficeIds?: string[]; officeId?: string } = {},
): Promise<TestUser> {
  const n = ++seq;
  const officeId =
    extra.officeId ??
    (
      await env.storage.createOffice({
        name,
        kind: extra.kind ?? "commune",
        organId: `000.00.${n}.H26-${process.pid}-${Math.random().toString(36).slice(2, 6)}`,
      })
    ).id;
  const office = (await env.storage.getOffice(officeId))!;
  const username = `u${n}_${Math.random().toString(36).slice(2, 8)}`;
  const password = `mật-khẩu-${n}`;
  await env.storage.createUser({
    officeId,
    username,
    fullName: `Người dùng ${n}`,
    passwordHash: await hashPassword(password),
    roles,
    managedOfficeIds: extra.managedOfficeIds,
  });
  const token = await login(env, username, password);
  return { officeId, organId: office.organId, username, password, token };
}

export async function login(env: Env, username: string, password: string): Promise<string> {
  const res = await env.app.request("/api/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export function auth(user: TestUser, headers: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${user.token}`, ...headers };
}

export async function push(env: Env, user: TestUser, mutations: Mutation[], clientId = "client-1"): Promise<Response> {
  return env.app.request("/api/sync/push", {
    method: "POST",
    headers: auth(user, { "content-type": "application/json" }),
    body: JSON.stringify({ clientId, mutations }),
  });
}

export async function pushOk(env: Env, user: TestUser, mutations: Mutation[]): Promise<PushResponse> {
  const res = await push(env, user, mutations);
  if (res.status !== 200) throw new Error(`push failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as PushResponse;
}

/** Pulls every page after the cursor. */
export async function pullAll(env: Env, user: TestUser, cursor = "", limit = 100): Promise<PullResponse> {
  const all: PullResponse = { changes: [], cursor, hasMore: false };
  for (;;) {
    const res = await env.app.request(`/api/sync/pull?cursor=${encodeURIComponent(all.cursor)}&limit=${limit}`, { headers: auth(user) });
    if (res.status !== 200) throw new Error(`pull failed: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as PullResponse;
    all.changes.push(...page.changes);
    all.cursor = page.cursor;
    if (!page.hasMore) return all;
  }
}

export const clientTime = () => "2020-01-01T08:00:00+07:00";
let mid = 0;
export const mutationId = (prefix = "m") => `${prefix}${Date.now().toString(36)}${(++mid).toString(36)}${Math.random().toString(36).slice(2, 8)}`;

export async function uploadWhole(env: Env, user: TestUser, bytes: Uint8Array): Promise<string> {
  const { createHash } = await import("node:crypto");
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const res = await env.app.request("/api/blobs/uploads", {
    method: "POST",
    headers: auth(user, { "content-type": "application/json" }),
    body: JSON.stringify({ sha256, size: bytes.byteLength }),
  });
  const state = (await res.json()) as { uploadId: string | null; complete: boolean };
  if (state.complete) return sha256;
  const r2 = await env.app.request(`/api/blobs/uploads/${state.uploadId}`, {
    method: "PATCH",
    headers: auth(user, { "content-type": "application/offset+octet-stream", "upload-offset": "0" }),
    body: new Uint8Array(bytes),
  });
  if (r2.status !== 200) throw new Error(`upload failed: ${r2.status} ${await r2.text()}`);
  return sha256;
}

/** A mutation without its id and client time (filled in when it is pushed). */
export type MutationInput = Mutation extends infer M ? (M extends unknown ? Omit<M, "id" | "clientTime"> : never) : never;
