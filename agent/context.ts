import type { Context } from "hono";
import type { CertificateInfo } from "../shared/agent-protocol/index.ts";
import type { AgentDeps, AgentLimits } from "./app.ts";
import { describeCertificate } from "./certificates/index.ts";
import { RateLimiter } from "./guards/rate-limit/index.ts";
import { pageHeaders } from "./pages/html.ts";
import { SignRequests } from "./signing/requests.ts";
import { BatchRunner } from "./services/batch.ts";
import { PendingPairings } from "./services/pending-pairings.ts";
import { PinBackoff } from "./services/pin-backoff.ts";
import { Previews } from "./services/previews.ts";
import { TokenLock } from "./services/token-lock.ts";

/** What the routes share: the dependencies and the small services of one agent. */
export interface AgentContext {
  deps: AgentDeps;
  limits: AgentLimits;
  now(): Date;
  nowMs(): number;
  port(): number;
  agentOrigin(): string;
  demo: boolean;
  /** Origins that may ask to pair (patterns; `:*` any port). */
  pairingOrigins: readonly string[];
  requests: SignRequests;
  pending: PendingPairings;
  limiters: { sign: RateLimiter; pair: RateLimiter; pairTotal: RateLimiter; pin: RateLimiter; pinTotal: RateLimiter };
  backoff: PinBackoff;
  lock: TokenLock;
  batch: BatchRunner;
  previews: Previews;
  isPaired(origin: string): boolean;
  certificates(): Promise<CertificateInfo[]>;
  html(c: Context, body: string, status?: 200 | 400 | 403 | 404 | 410 | 429): Response;
}

export function createContext(deps: AgentDeps, limits: AgentLimits): AgentContext {
  const now = deps.now ?? (() => new Date());
  const nowMs = () => now().getTime();
  const port = typeof deps.port === "function" ? deps.port : () => deps.port as number;
  const demo = deps.tokens.module.demo;
  return {
    deps,
    limits,
    now,
    nowMs,
    port,
    agentOrigin: () => `http://127.0.0.1:${port()}`,
    demo,
    pairingOrigins: [...(deps.pairingOrigins ?? []), ...(demo ? ["http://127.0.0.1:*", "http://localhost:*"] : [])],
    requests: new SignRequests(now, limits.requestTtlMs),
    pending: new PendingPairings(nowMs, limits.pairingTtlMs),
    limiters: {
      // Per origin: one page's flood does not lock out another origin.
      sign: new RateLimiter(limits.signRequestsPerMinute, 60_000, nowMs),
      pair: new RateLimiter(limits.pairingAttemptsPerMinute, 60_000, nowMs),
      pairTotal: new RateLimiter(limits.pairingAttemptsPerMinute * 10, 60_000, nowMs),
      pin: new RateLimiter(limits.pinAttemptsPerMinute, 60_000, nowMs),
      pinTotal: new RateLimiter(limits.pinAttemptsPerMinute * 4, 60_000, nowMs),
    },
    backoff: new PinBackoff(nowMs),
    lock: new TokenLock(),
    batch: new BatchRunner(deps.log, now, deps.events),
    previews: new Previews(),
    isPaired: (o) => deps.pairings.isPaired(o),
    certificates: async () => (await deps.tokens.listCertificates()).map((tc) => describeCertificate(tc, now(), demo)),
    html: (c, body, status = 200) => c.body(body, status, pageHeaders),
  };
}
