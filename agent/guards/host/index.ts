import type { MiddlewareHandler } from "hono";
import { agentError, errorResponse } from "../../http.ts";

/**
 * Refuses any request whose Host is not the agent's own (127.0.0.1:PORT or localhost:PORT):
 * a page on evil.example that rebinds its DNS name to 127.0.0.1 still sends its own Host.
 */
export function hostGuard(options: { port: () => number }): MiddlewareHandler {
  return async (c, next) => {
    const port = options.port();
    const host = (c.req.header("host") ?? new URL(c.req.url).host).toLowerCase();
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      return errorResponse(
        c,
        421,
        agentError(
          "agent.host-refused",
          "Yêu cầu không gửi đúng địa chỉ của chương trình ký số: bị từ chối.",
          `Host header ${JSON.stringify(host)} is not the agent's own (DNS rebinding guard)`,
        ),
      );
    }
    await next();
  };
}
