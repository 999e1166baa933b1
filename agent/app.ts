/**
 * The token agent as a Hono app over web-standard Request/Response: `createAgentApp(deps)`.
 * Tests drive it with app.request(); server.ts puts it on 127.0.0.1 with the Node adapter.
 *
 * Guards, in order: host (DNS rebinding) → CORS/PNA for paired origins → on /v1 (except
 * status): paired Origin, pairing token, JSON body, rate limits. The agent's own pages
 * (/pair, /consent) take form posts only from themselves and cannot be framed.
 * Routes live in routes/*, the small services they share (pending pairings, token lock,
 * PIN backoff, the batch state machine, page pictures) in services/*, wired in context.ts.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AgentError } from "../shared/agent-protocol/index.ts";
import { VanthuError } from "../shared/errors.ts";
import { hostGuard } from "./guards/host/index.ts";
import { corsForPairedOrigins } from "./guards/cors/index.ts";
import { requirePairedOrigin } from "./guards/paired-origin/index.ts";
import { requirePairingToken } from "./guards/pairing-token/index.ts";
import { requireJsonBody } from "./guards/json-body/index.ts";
import { requireOwnOriginForm } from "./guards/page-form/index.ts";
import { agentError, errorResponse, ownOrigins, type AgentEnv } from "./http.ts";
import type { PairingStore } from "./pairing/store.ts";
import type { SigningLog } from "./log/signing-log.ts";
import type { TokenProvider } from "./tokens/provider.ts";
import { toAgentError } from "./certificates/index.ts";
import { messagePage } from "./pages/html.ts";
import { createContext } from "./context.ts";
import { statusRoutes } from "./routes/status/index.ts";
import { certificateRoutes } from "./routes/certificates/index.ts";
import { signRequestRoutes } from "./routes/sign-requests/index.ts";
import { pairingRoutes, unpairRoute } from "./routes/pairing/index.ts";
import { consentRoutes } from "./routes/consent/index.ts";
import { homeRoutes } from "./routes/home/index.ts";

export interface AgentLimits {
  /** New sign requests per pairing per minute. */
  signRequestsPerMinute: number;
  /** Sign requests awaiting consent per pairing at once. */
  awaitingPerPairing: number;
  /** Pairing attempts (form posts to /pair) per minute, per origin (ten times that for the whole agent). */
  pairingAttemptsPerMinute: number;
  /** PIN entries per minute, per origin (four times that for the whole agent). */
  pinAttemptsPerMinute: number;
  /** Wrong PINs before one sign request is failed (the token's own counter is the real limit). */
  wrongPinsPerRequest: number;
  /** A sign request not consented to within this expires. */
  requestTtlMs: number;
  pairingTtlMs: number;
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS = {
  signRequestsPerMinute: 30,
  awaitingPerPairing: 5,
  pairingAttemptsPerMinute: 10,
  pinAttemptsPerMinute: 5,
  wrongPinsPerRequest: 3,
  requestTtlMs: 5 * 60_000,
  pairingTtlMs: 5 * 60_000,
  maxBodyBytes: 24 * 1024 * 1024,
} satisfies AgentLimits;

export interface AgentEvents {
  /** After each document of a batch is signed (progress on the console). */
  documentSigned?(e: { requestId: string; index: number; total: number }): void | Promise<void>;
  /** After a batch ends, signed or not. */
  batchFinished?(e: { requestId: string; origin: string; signed: number; total: number; certificate: string; error?: AgentError }): void;
}

export interface AgentDeps {
  /** The port the agent listens on (a function: known only after listening on port 0). */
  port: number | (() => number);
  tokens: TokenProvider;
  pairings: PairingStore;
  log: SigningLog;
  now?: () => Date;
  version?: string;
  limits?: Partial<AgentLimits>;
  events?: AgentEvents;
  /** Demo mode: the demo CA's current CRL, served at /demo/ca.crl. */
  demoCrl?: () => Promise<Uint8Array>;
  /**
   * Origins that may ask to pair: the sync server's, set at install (`vanthu agent
   * --sync-origin`); `scheme://host:*` allows any port. Demo mode adds http://127.0.0.1:*.
   */
  pairingOrigins?: readonly string[];
}

export function createAgentApp(deps: AgentDeps) {
  const limits: AgentLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const ctx = createContext(deps, limits);
  const app = new Hono<AgentEnv>();
  app.use("*", hostGuard({ port: ctx.port }));
  app.use("*", async (c, next) => {
    await next();
    c.res.headers.set("X-Content-Type-Options", "nosniff");
    if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
  });
  app.onError((err, c) => errorResponse(c, 500, toAgentError(err)));

  // Public data, as any CA's CRL is: readable by the PWA and by `vanthu verify` alike.
  if (deps.demoCrl) {
    const demoCrl = deps.demoCrl;
    app.get("/demo/ca.crl", async (c) =>
      c.body(new Uint8Array(await demoCrl()).buffer as ArrayBuffer, 200, { "Content-Type": "application/pkix-crl", "Access-Control-Allow-Origin": "*" }),
    );
  }

  // ---- API -------------------------------------------------------------------------
  app.use("/v1/*", corsForPairedOrigins({ isPaired: ctx.isPaired }));
  statusRoutes(app, ctx);
  app.use("/v1/*", requirePairedOrigin({ isPaired: ctx.isPaired }));
  app.use("/v1/*", requirePairingToken({ pairingsFor: (o) => deps.pairings.pairingsFor(o) }));
  app.use("/v1/*", requireJsonBody({ maxBytes: limits.maxBodyBytes }));
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: limits.maxBodyBytes,
      onError: (c) => errorResponse(c, 413, agentError("agent.body-too-large", "Yêu cầu quá lớn: hãy chia thành nhiều lô nhỏ hơn.", "body too large")),
    }),
  );
  certificateRoutes(app, ctx);
  signRequestRoutes(app, ctx);
  unpairRoute(app, ctx);
  app.all("/v1/*", (c) => errorResponse(c, 404, agentError("agent.not-found", "Không có chức năng này.", "no such API route")));

  // ---- the agent's own pages ------------------------------------------------------------
  for (const path of ["/pair", "/pair/*", "/consent/*", "/pairings/*"]) {
    app.use(
      path,
      bodyLimit({ maxSize: 64 * 1024, onError: (c) => ctx.html(c, messagePage("Không thực hiện", "Biểu mẫu quá lớn.", ctx.demo, "error", "error"), 400) }),
    );
  }
  // Form posts to the agent's own pages come only from those pages (not /pair itself, which the PWA posts to).
  const ownForm = requireOwnOriginForm({ ownOrigins: () => ownOrigins(ctx.port()) });
  pairingRoutes(app, ctx, ownForm);
  consentRoutes(app, ctx, ownForm);
  homeRoutes(app, ctx, ownForm);
  return app;
}

export type AgentApp = ReturnType<typeof createAgentApp>;
export { VanthuError };
export type { AgentError };
