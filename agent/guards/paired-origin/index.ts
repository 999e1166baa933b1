import type { MiddlewareHandler } from "hono";
import { agentError, errorResponse } from "../../http.ts";

/**
 * API routes past this point answer only a browser page whose Origin is paired. A request
 * without Origin (not from a web page's fetch) is refused too: the API is for the PWA.
 */
export function requirePairedOrigin(options: { isPaired: (origin: string) => boolean }): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (!origin || origin === "null" || !options.isPaired(origin)) {
      return errorResponse(
        c,
        403,
        agentError(
          "agent.origin-not-paired",
          "Trang web này chưa được ghép nối với chương trình ký số: bị từ chối. Hãy ghép nối từ ứng dụng Văn thư số và xác nhận trên trang của chương trình ký số.",
          `origin ${JSON.stringify(origin ?? null)} is not paired`,
        ),
      );
    }
    await next();
  };
}
