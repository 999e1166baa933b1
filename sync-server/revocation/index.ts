import { Hono } from "hono";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { SyncError } from "../errors.ts";
import { requireSession, type AuthVariables } from "../auth/index.ts";
import type { SyncStorage } from "../storage/storage.ts";

/**
 * The revocation relay: browsers cannot reach most CRL and OCSP servers (ca.gov.vn sends no
 * CORS headers), so the PWA asks the sync server, which fetches for it and keeps CRLs for a
 * while so that a hundred clerks checking the same document cost one download.
 *
 * Only for signed-in users, only http(s), never to this machine or a private network unless
 * the operator allows it (the demo CA's CRL on 127.0.0.1), no redirects, a size and a time
 * limit, and only DER bodies come back: it must not become a way into the office network.
 */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface RevocationRelayOptions {
  fetch?: FetchLike;
  /** Allow loopback and private addresses (demo mode, tests). */
  allowPrivateAddresses?: boolean;
  maxBytes?: number;
  timeoutMs?: number;
  /** How long a fetched CRL is served from memory. */
  cacheMs?: number;
  now?: () => number;
}

const DER_TYPES = ["application/pkix-crl", "application/x-pkcs7-crl", "application/ocsp-response", "application/pkix-cert", "application/octet-stream"];

export function isPrivateAddress(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a, b] = ip.split(".").map(Number) as [number, number];
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224;
  }
  const v = ip.toLowerCase();
  if (v.startsWith("::ffff:")) return isPrivateAddress(v.slice(7));
  return v === "::1" || v === "::" || v.startsWith("fc") || v.startsWith("fd") || v.startsWith("fe80");
}

const bad = (vi: string, en: string) => new SyncError(400, "bad_revocation_url", vi, en);
const upstream = (en: string) => new SyncError(503, "revocation_unreachable", "Không lấy được dữ liệu thu hồi chứng thư từ máy chủ của nơi cấp; hãy thử lại sau.", en);

async function checkTarget(raw: string | undefined, allowPrivate: boolean): Promise<URL> {
  if (!raw) throw bad("Thiếu địa chỉ cần lấy (url).", "missing url");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad("Địa chỉ không hợp lệ.", "invalid url");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw bad("Chỉ lấy được địa chỉ http hoặc https.", "only http(s) urls");
  if (url.username || url.password) throw bad("Địa chỉ không được chứa tên đăng nhập.", "credentials in url");
  if (!allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
    if (addresses.length === 0) throw upstream(`cannot resolve ${host}`);
    if (addresses.some(isPrivateAddress)) throw bad("Không lấy dữ liệu từ địa chỉ nội bộ.", "private or loopback address refused");
  }
  return url;
}

async function readLimited(res: Response, max: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > max) throw upstream(`response of ${declared} bytes exceeds ${max}`);
  const reader = res.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel();
      throw upstream(`response exceeds ${max} bytes`);
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function revocationRoutes(storage: SyncStorage, options: RevocationRelayOptions = {}) {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const cacheMs = options.cacheMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; body: Uint8Array; type: string }>();

  async function relay(target: URL, init: RequestInit): Promise<{ body: Uint8Array; type: string }> {
    let res: Response;
    try {
      res = await doFetch(target.href, { ...init, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      throw upstream(`fetch ${target.href} failed: ${(e as Error).message}`);
    }
    if (res.status >= 300) throw upstream(`${target.href} answered ${res.status}`);
    const body = await readLimited(res, maxBytes);
    const type = (res.headers.get("content-type") ?? "application/octet-stream").split(";")[0]!.trim().toLowerCase();
    // DER: a SEQUENCE. PEM CRLs are passed on too (some CAs publish them so).
    const looksDer = body[0] === 0x30;
    const looksPem = new TextDecoder().decode(body.subarray(0, 30)).startsWith("-----BEGIN");
    if (!looksDer && !looksPem) throw upstream(`${target.href} did not return DER or PEM data`);
    return { body, type: DER_TYPES.includes(type) ? type : "application/octet-stream" };
  }

  const app = new Hono<{ Variables: AuthVariables }>();
  // Signed-in users only: an open relay would fetch for anyone.
  app.use("*", requireSession(storage));
  app.get("/", async (c) => {
    const target = await checkTarget(c.req.query("url"), options.allowPrivateAddresses ?? false);
    const hit = cache.get(target.href);
    if (hit && now() - hit.at < cacheMs) return c.body(hit.body.slice().buffer as ArrayBuffer, 200, { "content-type": hit.type, "x-vanthu-cached": "1" });
    const { body, type } = await relay(target, { method: "GET" });
    if (cache.size > 200) cache.delete(cache.keys().next().value!);
    cache.set(target.href, { at: now(), body, type });
    return c.body(body.slice().buffer as ArrayBuffer, 200, { "content-type": type });
  });
  // OCSP requests are POSTed (RFC 6960 A.1); never cached, each has its own nonce.
  app.post("/", async (c) => {
    const target = await checkTarget(c.req.query("url"), options.allowPrivateAddresses ?? false);
    const request = new Uint8Array(await c.req.arrayBuffer());
    if (request.length === 0 || request.length > 64 * 1024 || request[0] !== 0x30) throw bad("Yêu cầu OCSP không hợp lệ.", "invalid OCSP request body");
    const { body, type } = await relay(target, { method: "POST", body: request, headers: { "content-type": "application/ocsp-request" } });
    return c.body(body.slice().buffer as ArrayBuffer, 200, { "content-type": type });
  });
  return app;
}
