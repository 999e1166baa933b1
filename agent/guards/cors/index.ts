import type { MiddlewareHandler } from "hono";

/**
 * CORS and Private Network Access for paired origins only. Hono's cors() allows `*` by
 * default; this one answers a preflight only when the Origin is paired, and never sends
 * Access-Control-Allow-Origin to anyone else, so unpaired pages cannot read answers.
 */
export function corsForPairedOrigins(options: { isPaired: (origin: string) => boolean; maxAgeSeconds?: number }): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header("origin");
    const paired = origin !== undefined && origin !== "null" && options.isPaired(origin);
    if (c.req.method === "OPTIONS") {
      if (!paired) return c.body(null, 403, { Vary: "Origin", "Cache-Control": "no-store" });
      const headers: Record<string, string> = {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "GET, POST, DELETE",
        "Access-Control-Allow-Headers": "Authorization, Content-Type",
        "Access-Control-Max-Age": String(options.maxAgeSeconds ?? 600),
        Vary: "Origin, Access-Control-Request-Private-Network",
      };
      // Chrome asks before a public site may reach 127.0.0.1 (Private Network Access).
      if (c.req.header("access-control-request-private-network") === "true") headers["Access-Control-Allow-Private-Network"] = "true";
      return c.body(null, 204, headers);
    }
    await next();
    c.res.headers.append("Vary", "Origin");
    if (paired) c.res.headers.set("Access-Control-Allow-Origin", origin);
  };
}
