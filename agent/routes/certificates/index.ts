import type { Hono } from "hono";
import type { AgentEnv } from "../../http.ts";
import { errorResponse } from "../../http.ts";
import type { AgentContext } from "../../context.ts";
import { toAgentError } from "../../certificates/index.ts";

/** GET /v1/certificates: the certificates whose key is on a token that is plugged in. */
export function certificateRoutes(app: Hono<AgentEnv>, ctx: AgentContext): void {
  app.get("/v1/certificates", async (c) => {
    try {
      return c.json({ certificates: await ctx.certificates() });
    } catch (e) {
      return errorResponse(c, 503, toAgentError(e));
    }
  });
}
