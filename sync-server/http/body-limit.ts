import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { tooLarge } from "./errors.ts";

/**
 * Hono's `bodyLimit`, with its cheap cases first. Hono's reads `c.req.raw.body` before looking
 * at Content-Length, and on @hono/node-server that alone builds a full web Request with a
 * stream over the socket — for every GET too (a tenth of the server's time in sync.bench.ts).
 * Here a request without a body, or with a Content-Length (Node's parser holds the body to
 * exactly that length), is decided from its headers; only a chunked body is counted as it
 * arrives, by Hono's middleware.
 */
export function jsonBodyLimit(maxSize: number): MiddlewareHandler {
  const counted = bodyLimit({
    maxSize,
    onError: () => {
      throw tooLarge();
    },
  });
  return async (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return next();
    const length = c.req.header("content-length");
    if (length !== undefined && c.req.header("transfer-encoding") === undefined && /^\d{1,16}$/.test(length)) {
      if (Number(length) > maxSize) throw tooLarge();
      return next();
    }
    return counted(c, next);
  };
}
