import type { MiddlewareHandler } from "hono";
import { agentError, errorResponse } from "../../http.ts";

/**
 * Form posts to the agent's own pages (pairing confirmation, consent and PIN) must come from
 * those pages: the browser's Origin header must be the agent's own origin, and
 * Sec-Fetch-Site, when sent, same-origin. The per-page CSRF field is checked by the route.
 */
export function requireOwnOriginForm(options: { ownOrigins: () => string[] }): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== "POST") return next();
    const origin = c.req.header("origin");
    const site = c.req.header("sec-fetch-site");
    if (!origin || !options.ownOrigins().includes(origin) || (site !== undefined && site !== "same-origin")) {
      return errorResponse(
        c,
        403,
        agentError(
          "agent.form-origin-refused",
          "Chỉ trang của chính chương trình ký số được gửi biểu mẫu này: bị từ chối.",
          `form post from origin ${JSON.stringify(origin ?? null)} refused`,
        ),
      );
    }
    await next();
  };
}
