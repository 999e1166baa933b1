import { promisify } from "node:util";
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync } from "node:zlib";
import type { MiddlewareHandler } from "hono";

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Above this, compression leaves the event loop for the thread pool (it costs more than the hop). */
const ASYNC_ABOVE = 64 * 1024;

async function pack(body: Uint8Array, encoding: "br" | "gzip"): Promise<Buffer> {
  if (encoding === "gzip") return body.byteLength > ASYNC_ABOVE ? gzipAsync(body, { level: 4 }) : gzipSync(body, { level: 4 });
  const options = { params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_LGWIN]: 18, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength } };
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
 * 256 KB window: most of the cost of a small answer is setting up the encoder, and a pull page of
 * 200 changes (100 KB) still shrinks 60× in about half a millisecond. Large answers are
 * compressed on libuv's thread pool so the event loop keeps serving other offices meanwhile.
 */
export function compressLargeAnswers(threshold = COMPRESS_THRESHOLD): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    if (c.req.method === "HEAD" || res.status === 206 || res.status === 204 || res.status === 304 || !res.body) return;
    if (res.headers.has("content-encoding") || /no-transform/i.test(res.headers.get("cache-control") ?? "")) return;
    if (!COMPRESSIBLE.test(res.headers.get("content-type") ?? "")) return;
    const length = Number(res.headers.get("content-length") ?? NaN);
    if (length < threshold) return;
    const accepted = acceptedEncodings(c.req.header("accept-encoding"));
    const encoding = accepted.has("br") ? "br" : accepted.has("gzip") ? "gzip" : undefined;
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
