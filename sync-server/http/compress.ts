import { promisify } from "node:util";
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync } from "node:zlib";
import type { Context, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Above this, compression leaves the event loop for the thread pool (it costs more than the hop). */
const ASYNC_ABOVE = 64 * 1024;

/**
 * Quality 1, and a window no larger than the answer (at least 16 KB, at most 256 KB): setting up
 * a 256 KB window was most of the cost of compressing a 5 KB pull page (sync.bench.ts).
 */
const brotliOptions = (size: number) => ({
  params: {
    [constants.BROTLI_PARAM_QUALITY]: 1,
    [constants.BROTLI_PARAM_LGWIN]: Math.min(18, Math.max(14, Math.ceil(Math.log2(size + 1)))),
    [constants.BROTLI_PARAM_SIZE_HINT]: size,
  },
});

async function pack(body: Uint8Array, encoding: "br" | "gzip"): Promise<Buffer> {
  if (encoding === "gzip") return body.byteLength > ASYNC_ABOVE ? gzipAsync(body, { level: 4 }) : gzipSync(body, { level: 4 });
  const options = brotliOptions(body.byteLength);
  return body.byteLength > ASYNC_ABOVE ? brotli(body, options) : brotliCompressSync(body, options);
}

/** Answers smaller than this go as they are: one TCP segment either way. */
export const COMPRESS_THRESHOLD = 1400;

/** Text the server writes (JSON, XML, CSV, HTML). PDFs, PNGs and other blobs are compressed already. */
const COMPRESSIBLE = /^(?:application\/(?:json|xml|[\w.+-]+\+(?:json|xml))|text\/[\w.+-]+)(?:[;\s]|$)/i;

/**
 * The encodings an `Accept-Encoding` header allows (q > 0). `*` stands for every encoding not
 * named; an encoding named with q=0 is refused even under `*`.
 */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const out = new Set<string>();
  if (!header) return out;
  const refused = new Set<string>();
  let star = false;
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
    const weight = q ? Number(q[1]) : 1;
    if (weight > 0) {
      if (name === "*") star = true;
      else out.add(name);
    } else refused.add(name);
  }
  if (star) for (const e of ["br", "gzip"]) if (!refused.has(e)) out.add(e);
  return out;
}

/**
 * Compresses large text answers of the API (pull pages, register and audit exports, the
 * office directory) with brotli, or gzip for a client without it.
 *
 * Hono's own `compress` middleware was not used: it offers gzip/deflate only and streams
 * through CompressionStream, while our answers are already whole in memory; here the body is
 * compressed once by zlib, and the answer keeps a Content-Length. Brotli at quality 1 with a
 * window fitted to the answer: most of the cost of a small answer is setting up the encoder, and a pull page of
 * 200 changes (100 KB) still shrinks 60× in about half a millisecond. Large answers are
 * compressed on libuv's thread pool so the event loop keeps serving other offices meanwhile.
 */
export function compressLargeAnswers(threshold = COMPRESS_THRESHOLD): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    // Headers first: reading `res.body` turns @hono/node-server's lightweight answer into a full
    // web Response (streams and all), which an answer that stays as it is does not need.
    if (c.req.method === "HEAD" || res.status === 206 || res.status === 204 || res.status === 304) return;
    if (res.headers.has("content-encoding") || /no-transform/i.test(res.headers.get("cache-control") ?? "")) return;
    if (!COMPRESSIBLE.test(res.headers.get("content-type") ?? "")) return;
    const length = Number(res.headers.get("content-length") ?? NaN);
    if (length < threshold || !res.body) return;
    const encoding = chosenEncoding(c.req.header("accept-encoding"));
    const vary = res.headers.get("vary");
    const headers = new Headers(res.headers);
    if (!vary || !/accept-encoding/i.test(vary)) headers.set("vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
    if (!encoding) {
      c.res = new Response(res.body, { status: res.status, statusText: res.statusText, headers });
      return;
    }
    const body = new Uint8Array(await res.arrayBuffer());
    if (body.byteLength < threshold) {
      c.res = new Response(body, { status: res.status, statusText: res.statusText, headers });
      return;
    }
    const packed = await pack(body, encoding);
    headers.set("content-encoding", encoding);
    headers.set("content-length", String(packed.byteLength));
    const etag = headers.get("etag");
    if (etag && !etag.startsWith("W/")) headers.set("etag", `W/${etag}`);
    c.res = new Response(new Uint8Array(packed), { status: res.status, statusText: res.statusText, headers });
  };
}

/** The encoding to answer with, or undefined for none. */
function chosenEncoding(acceptEncoding: string | undefined): "br" | "gzip" | undefined {
  const accepted = acceptedEncodings(acceptEncoding);
  return accepted.has("br") ? "br" : accepted.has("gzip") ? "gzip" : undefined;
}

/**
 * A JSON answer of the hot routes (push, pull), compressed here as the middleware would, but
 * from the string itself: the middleware has to read a finished Response back through web
 * streams, which cost more than the compression (profile of sync.bench.ts). The answer carries
 * its Content-Length (and Content-Encoding when packed), so the middleware leaves it alone.
 */
export function jsonAnswer(c: Context, value: unknown, status: ContentfulStatusCode = 200, threshold = COMPRESS_THRESHOLD): Response {
  const text = JSON.stringify(value);
  const headers: Record<string, string> = { "content-type": "application/json" };
  const bytes = Buffer.byteLength(text);
  if (bytes >= threshold) {
    headers["vary"] = "Accept-Encoding";
    const encoding = chosenEncoding(c.req.header("accept-encoding"));
    if (encoding) {
      // Synchronous: a page is at most a few hundred KB, and pull pages are usually a few KB.
      const packed = encoding === "gzip" ? gzipSync(text, { level: 4 }) : brotliCompressSync(text, brotliOptions(bytes));
      headers["content-encoding"] = encoding;
      headers["content-length"] = String(packed.byteLength);
      return c.body(new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength), status, headers);
    }
  }
  headers["content-length"] = String(bytes);
  return c.body(text, status, headers);
}
