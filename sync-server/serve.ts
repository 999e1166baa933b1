import { existsSync, readFileSync } from "node:fs";
import { createSecureServer, type ServerHttp2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve, type ServerType } from "@hono/node-server";
import { createSyncApp } from "./app.ts";
import { startBackupSchedule, type BackupRun, type BackupSchedule } from "./backup/schedule.ts";
import { BlobStore } from "./blobs/store.ts";
import { systemQlvbClock, type QlvbClock } from "./clock/qlvb-clock.ts";
import { toVietnamTime } from "../shared/sync/time.ts";
import { DEFAULT_BLOBS, DEFAULT_DB, parseDatabaseUrl } from "./storage/open.ts";
import { SyncStorage } from "./storage/storage.ts";
import { readFile } from "node:fs/promises";
import type { PublishedTrustAnchor } from "./trust/index.ts";
import { edxmlOptionsFromEnv } from "./edxml/index.ts";

/** The PWA that `vite build` writes (dist/web at the repository root). */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL("../dist/web", import.meta.url));

export interface ServeOptions {
  db?: string;
  blobs?: string;
  port?: number;
  host?: string;
  webDir?: string;
  clock?: QlvbClock;
  poolSize?: number;
  /** PEM files: serve HTTPS (HTTP/2 with HTTP/1.1 fallback) instead of plain HTTP. */
  tlsCert?: string;
  tlsKey?: string;
  /** Client addresses from X-Forwarded-For (only behind a reverse proxy that is the sole way in). */
  trustProxy?: boolean;
  /** HTTPS is terminated by a proxy in front: send HSTS although this process speaks HTTP. */
  behindTls?: boolean;
  officeQuotaBytes?: number;
  backups?: BackupSchedule;
  onBackup?: (run: BackupRun) => void;
  /** Allow the revocation relay to reach loopback and private addresses (tests only). */
  relayPrivateAddresses?: boolean;
  /** PEM files of roots to publish to the offices' devices (read at each request: a file may appear later). */
  trustAnchorFiles?: Array<{ path: string; labelVi: string }>;
}

export interface RunningServer {
  url: string;
  port: number;
  storage: SyncStorage;
  webDir?: string;
  close(): Promise<void>;
}

/** The Node edge: opens storage (migrating it), the blob folder, and listens. */
export async function startSyncServer(o: ServeOptions = {}): Promise<RunningServer> {
  const storage = await SyncStorage.open(parseDatabaseUrl(o.db ?? DEFAULT_DB), o.clock ?? systemQlvbClock, { poolSize: o.poolSize });
  const blobs = new BlobStore(o.blobs ?? DEFAULT_BLOBS);
  await blobs.init();
  await removeStaleUploads(storage, blobs);
  const webDir = o.webDir ?? DEFAULT_WEB_DIR;
  const hasWeb = existsSync(`${webDir}/index.html`);
  // Mounted even before a build exists: `/` then says how to build it, and a later build is served without a restart.
  const tls = o.tlsCert && o.tlsKey ? { cert: readFileSync(o.tlsCert), key: readFileSync(o.tlsKey) } : undefined;
  const app = createSyncApp({
    storage,
    blobs,
    webDir,
    tls: Boolean(tls) || o.behindTls,
    auth: { trustProxy: o.trustProxy },
    officeQuotaBytes: o.officeQuotaBytes,
    backups: o.backups,
    revocation: o.relayPrivateAddresses ? { allowPrivateAddresses: true } : undefined,
    edxml: edxmlOptionsFromEnv(),
    trustAnchors: async () => readTrustAnchorFiles(o.trustAnchorFiles ?? []),
  });
  // Loopback unless told otherwise: a server on the office network is a decision (--host).
  const host = o.host ?? "127.0.0.1";
  let server!: ServerType;
  const sessions = new Set<ServerHttp2Session>();
  const port = await new Promise<number>((resolve, reject) => {
    const listening = (info: AddressInfo) => resolve(info.port);
    server = tls
      ? serve(
          { fetch: app.fetch, port: o.port ?? 8080, hostname: host, createServer: createSecureServer, serverOptions: { ...tls, allowHTTP1: true } },
          listening,
        )
      : serve({ fetch: app.fetch, port: o.port ?? 8080, hostname: host }, listening);
    server.once("error", reject);
    server.on("session", (session: ServerHttp2Session) => {
      sessions.add(session);
      session.once("close", () => sessions.delete(session));
    });
    // Offices' clients keep their connection between syncs: closing idle ones after Node's
    // default 5 s made busy clients reconnect in storms (slow handshakes under load).
    const http = server as unknown as { keepAliveTimeout: number; headersTimeout: number };
    http.keepAliveTimeout = 65_000;
    http.headersTimeout = 66_000;
  });
  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const target = parseDatabaseUrl(o.db ?? DEFAULT_DB);
  const schedule = o.backups ? startBackupSchedule(storage, target, o.blobs ?? DEFAULT_BLOBS, o.backups, o.onBackup) : undefined;
  return {
    url: `${tls ? "https" : "http"}://${shown}:${port}/`,
    port,
    storage,
    webDir: hasWeb ? webDir : undefined,
    async close() {
      await schedule?.stop();
      const closed = new Promise<void>((r) => server.close(() => r()));
      // HTTP/2 sessions and kept-alive HTTP/1.1 connections would hold close() open.
      for (const session of sessions) session.destroy();
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      await storage.close();
    },
  };
}

/** Unfinished uploads are kept a week for their client to resume, then their bytes are dropped. */
export const STALE_UPLOAD_DAYS = 7;

export async function removeStaleUploads(storage: SyncStorage, blobs: BlobStore, now = new Date()): Promise<number> {
  const ids = await storage.staleUploads(toVietnamTime(new Date(now.getTime() - STALE_UPLOAD_DAYS * 86_400_000)));
  for (const id of ids) {
    await blobs.discardUpload(id);
    await storage.deleteUpload(id);
  }
  return ids.length;
}

/** The published roots that exist now; the demo agent writes its CA when it first starts, possibly after the server. */
async function readTrustAnchorFiles(files: Array<{ path: string; labelVi: string }>): Promise<PublishedTrustAnchor[]> {
  const out: PublishedTrustAnchor[] = [];
  for (const f of files) {
    const pem = await readFile(f.path, "utf8").catch(() => undefined);
    if (pem?.includes("-----BEGIN CERTIFICATE-----")) out.push({ pem, labelVi: f.labelVi });
  }
  return out;
}
