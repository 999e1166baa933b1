import type { MiddlewareHandler } from "hono";
import { createHash, timingSafeEqual } from "node:crypto";
import { agentError, errorResponse, type AgentEnv, type Pairing } from "../../http.ts";

/**
 * `Authorization: Bearer <pairing token>` must be the token that was paired with this very
 * Origin. A simple cross-site form cannot send an Authorization header, and a page of
 * another origin does not know the token.
 */
export function requirePairingToken(options: { pairingsFor: (origin: string) => Pairing[] }): MiddlewareHandler<AgentEnv> {
  return async (c, next) => {
    const origin = c.req.header("origin") ?? "";
    const m = /^Bearer ([A-Za-z0-9_\-.~+/=]{16,200})$/.exec(c.req.header("authorization") ?? "");
    const refuse = () =>
      errorResponse(
        c,
        401,
        agentError(
          "agent.pairing-token-invalid",
          "Mã ghép nối không hợp lệ hoặc đã bị thu hồi: hãy ghép nối lại.",
          "missing or wrong pairing token for this origin",
        ),
      );
    if (!m) return refuse();
    const hash = createHash("sha256").update(m[1]!).digest();
    const pairing = options.pairingsFor(origin).find((p) => {
      const h = Buffer.from(p.tokenHash, "hex");
      return h.length === hash.length && timingSafeEqual(h, hash);
    });
    if (!pairing) return refuse();
    c.set("pairing", pairing);
    await next();
  };
}
