import type { MiddlewareHandler } from "hono";
import { malformedUrl } from "../http/errors.ts";
import { SyncError } from "../errors.ts";

/**
 * Refuses, with the shared error body and a 4xx, requests whose URL no route could read:
 * malformed %-escapes (decodeURIComponent would throw deep inside a handler), and NUL or
 * other control characters in the path (PostgreSQL text cannot hold NUL; no route name has one).
 */
export function requestGuard(): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
      decodeURIComponent(url.search.replace(/\+/g, " "));
    } catch {
      throw malformedUrl();
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(path))
      throw new SyncError(400, "malformed_url", "Địa chỉ yêu cầu chứa ký tự điều khiển.", "Control character in the request path");
    await next();
  };
}
