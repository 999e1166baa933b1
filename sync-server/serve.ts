import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve, type ServerType } from "@hono/node-server";
import { createSyncApp } from "./app.ts";
import { BlobStore } from "./blobs/store.ts";
import { systemQlvbClock, type QlvbClock } from "./clock/qlvb-clock.ts";
import { toVietnamTime } from "../shared/sync/time.ts";
import { DEFAULT_BLOBS, DEFAULT_DB, parseDatabaseUrl } from "./storage/open.ts";
import { SyncStorage } from "./storage/storage.ts";
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
  const app = createSyncApp({ storage, blobs, webDir: hasWeb ? webDir : undefined, edxml: edxmlOptionsFromEnv() });
  const host = o.host ?? "0.0.0.0";
  let server!: ServerType;
  const port = await new Promise<number>((resolve, reject) => {
    server = serve({ fetch: app.fetch, port: o.port ?? 8080, hostname: host }, (info: AddressInfo) => resolve(info.port));
    server.once("error", reject);
    // Offices' clients keep their connection between syncs: closing idle ones after Node's
    // default 5 s made busy clients reconnect in storms (slow handshakes under load).
    const http = server as unknown as { keepAliveTimeout: number; headersTimeout: number };
    http.keepAliveTimeout = 65_000;
    http.headersTimeout = 66_000;
  });
  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return {
    url: `http://${shown}:${port}/`,
    port,
    storage,
    webDir: hasWeb ? webDir : undefined,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
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
