import { createHash } from "node:crypto";
import type { Hono } from "hono";
import { AGENT_PROTOCOL_VERSION, type StatusResponse } from "../../../shared/agent-protocol/index.ts";
import type { AgentEnv } from "../../http.ts";
import type { AgentContext } from "../../context.ts";
import { sameSecret } from "../../services/secrets.ts";

/**
 * GET /v1/status. Any page may send it and learn from the request succeeding that the agent
 * runs, but only a paired origin gets CORS headers (from the CORS guard) and so can read the
 * answer; only a paired origin with its token learns the module and the tokens.
 */
export function statusRoutes(app: Hono<AgentEnv>, ctx: AgentContext): void {
  app.get("/v1/status", async (c) => {
    const origin = c.req.header("origin");
    let paired = false;
    const m = /^Bearer (.+)$/.exec(c.req.header("authorization") ?? "");
    if (origin && m) {
      const h = createHash("sha256").update(m[1]!).digest("hex");
      paired = ctx.deps.pairings.pairingsFor(origin).some((p) => sameSecret(p.tokenHash, h));
    }
    const body: StatusResponse = { agent: "vanthu-agent", version: ctx.deps.version ?? "0.1.0", protocolVersion: AGENT_PROTOCOL_VERSION, paired };
    if (paired) {
      body.module = ctx.deps.tokens.module;
      body.tokens = await ctx.deps.tokens.listTokens().catch(() => []);
    }
    return c.json(body);
  });
}
