import { Hono } from "hono";
import { adminRoutes } from "./admin/index.ts";
import { auditRoutes } from "./audit/index.ts";
import { authRoutes, requireSession, type AuthOptions, type AuthVariables } from "./auth/index.ts";
import { authorityRoutes } from "./authority/index.ts";
import type { BackupSchedule } from "./backup/schedule.ts";
import { draftRoutes } from "./drafts/index.ts";
import { registerRoutes } from "./registers/index.ts";
import { blobRoutes } from "./blobs/index.ts";
import type { BlobStore } from "./blobs/store.ts";
import { edxmlRoutes, type EdxmlRouteOptions } from "./edxml/index.ts";
import { notFound } from "./errors.ts";
import { exchangeRoutes, officeRoutes } from "./exchange/index.ts";
import { jsonBodyLimit } from "./http/body-limit.ts";
import { compressLargeAnswers } from "./http/compress.ts";
import { errorResponse } from "./http/errors.ts";
import { certificateRoutes } from "./certificates/index.ts";
import { handlingRoutes } from "./incoming/handling.ts";
import { servePwa } from "./static.ts";
import { securityHeaders } from "./security/headers.ts";
import { DEFAULT_OFFICE_QUOTA_BYTES, officeQuota } from "./security/quota.ts";
import { requestGuard } from "./security/request-guard.ts";
import { revocationRoutes, type RevocationRelayOptions } from "./revocation/index.ts";
import { whenDurable } from "./storage/open.ts";
import type { SyncStorage } from "./storage/storage.ts";
import { trustRoutes, type PublishedTrustAnchor } from "./trust/index.ts";
import { syncRoutes, type SyncRouteOptions } from "./sync/index.ts";

export interface SyncAppDeps {
  storage: SyncStorage;
  blobs: BlobStore;
  /** The built PWA to serve at `/` (dist/web), when there is one. */
  webDir?: string;
  /** JSON bodies larger than this are refused with 413 (push batches, login). */
  maxJsonBytes?: number;
  sync?: SyncRouteOptions;
  /** The CRL/OCSP relay for browsers (see revocation/index.ts). */
  revocation?: RevocationRelayOptions;
  /** The QLVB system's key that signs exported edXML packages (see edxml/signature.ts); unsigned without it. */
  edxml?: EdxmlRouteOptions;
  auth?: AuthOptions;
  /** HTTPS (own TLS or a TLS proxy in front): send HSTS. */
  tls?: boolean;
  /** Bytes of documents one office may hold (default DEFAULT_OFFICE_QUOTA_BYTES). */
  officeQuotaBytes?: number;
  /** The scheduled backups, when this process runs them (their status is shown to district IT). */
  backups?: BackupSchedule;
  /** Trust anchors published to the offices' devices (serve.ts reads them from --trust-anchor files). */
  trustAnchors?: () => Promise<PublishedTrustAnchor[]>;
}

export const DEFAULT_MAX_JSON_BYTES = 16 * 1024 * 1024;

/**
 * The sync server as a web-standard app (Request → Response): the Node adapter lives at the
 * edge (serve.ts), so tests drive it with app.request() and no socket.
 */
export function createSyncApp(deps: SyncAppDeps) {
  const { storage, blobs } = deps;
  const app = new Hono<{ Variables: AuthVariables }>();
  app.onError((err, c) => errorResponse(c, err));
  app.use("*", securityHeaders({ hsts: deps.tls }));
  app.use("*", requestGuard());

  // Large answers (pull pages, exports) travel compressed: offices sync over slow rural links.
  app.use("/api/*", compressLargeAnswers());
  // Nothing is answered before what it wrote or read is on disk (SQLite's group commit, storage/open.ts).
  app.use("/api/*", async (_c, next) => {
    await next();
    await whenDurable(storage.db);
  });
  const jsonLimit = jsonBodyLimit(deps.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES);
  app.get("/api/health", (c) => c.json({ ok: true, database: storage.dialect, clock: storage.clock.source }));
  app.use("/api/auth/*", jsonLimit);
  app.route("/api/auth", authRoutes(storage, deps.auth));

  const authed = requireSession(storage);
  for (const p of [
    "/api/admin/*",
    "/api/sync/*",
    "/api/exchange/*",
    "/api/offices",
    "/api/offices/*",
    "/api/blobs/*",
    "/api/edxml/*",
    "/api/certificates/*",
    "/api/incoming/*",
    "/api/drafts",
    "/api/drafts/*",
    "/api/registers/*",
    "/api/audit/*",
    "/api/authority/*",
    "/api/trust/*",
  ])
    app.use(p, authed);
  app.use("/api/sync/*", jsonLimit);
  app.use("/api/exchange/*", jsonLimit);
  app.use("/api/admin/*", jsonLimit);
  app.route("/api/admin", adminRoutes(storage, { backups: deps.backups }));
  app.post("/api/blobs/uploads", officeQuota(storage, deps.officeQuotaBytes ?? DEFAULT_OFFICE_QUOTA_BYTES));
  app.route("/api/sync", syncRoutes(storage, deps.sync));
  app.route("/api/offices", officeRoutes(storage));
  app.route("/api/blobs", blobRoutes(storage, blobs));
  app.route("/api", edxmlRoutes(storage, blobs, deps.edxml));
  app.route("/api/exchange", exchangeRoutes(storage));
  app.route("/api/drafts", draftRoutes(storage));
  app.route("/api/registers", registerRoutes(storage));
  app.route("/api/audit", auditRoutes(storage));
  app.route("/api/authority", authorityRoutes());
  app.route("/api/trust", trustRoutes(deps.trustAnchors ?? (async () => [])));
  app.route("/api/revocation", revocationRoutes(storage, deps.revocation));
  app.use("/api/certificates/*", jsonLimit);
  app.route("/api/certificates", certificateRoutes(storage));
  app.use("/api/incoming/*", jsonLimit);
  app.route("/api/incoming", handlingRoutes(storage));

  if (deps.webDir) app.use("*", servePwa(deps.webDir));
  app.notFound((c) => errorResponse(c, notFound(`Route ${c.req.method} ${new URL(c.req.url).pathname}`, "địa chỉ này")));
  return app;
}

export type SyncApp = ReturnType<typeof createSyncApp>;
