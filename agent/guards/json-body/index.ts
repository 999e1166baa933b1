import type { MiddlewareHandler } from "hono";
import { agentError, errorResponse } from "../../http.ts";

/**
 * State-changing API requests must say `Content-Type: application/json`: an HTML form can
 * only send urlencoded, multipart or text/plain, so no cross-site form post gets through,
 * and a fetch with JSON needs a CORS preflight. Bodies are capped in size.
 */
export function requireJsonBody(options: { maxBytes: number }): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") return next();
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") {
      return errorResponse(
        c,
        415,
        agentError("agent.json-required", "Yêu cầu phải gửi dạng JSON: bị từ chối.", `content type ${JSON.stringify(type)} refused; application/json required`),
      );
    }
    const length = Number(c.req.header("content-length") ?? "0");
    if (length > options.maxBytes) {
      return errorResponse(
        c,
        413,
        agentError("agent.body-too-large", "Yêu cầu quá lớn: hãy chia thành nhiều lô nhỏ hơn.", `body of ${length} bytes exceeds ${options.maxBytes}`),
      );
    }
    await next();
  };
}
