import { Hono } from "hono";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import * as pkijs from "pkijs";
import { SyncError } from "../errors.ts";
import { requireSession, type AuthVariables } from "../auth/index.ts";
import type { SyncStorage } from "../storage/storage.ts";
import { isPublicAddress } from "./address.ts";
import { pinnedRequest } from "./pinned-request.ts";

/**
 * The revocation relay: browsers cannot reach most CRL and OCSP servers (ca.gov.vn sends no
 * CORS headers), so the PWA asks the sync server, which fetches for it and keeps CRLs for a
 * while so that a hundred clerks checking the same document cost one download.
 *
 * It must not become a way into the office network (SSRF): signed-in users only; http(s)
 * only; the host is resolved once and every address it resolves to must be public unicast
 * (address.ts), and the connection goes to that checked address (pinned-request.ts: no second
 * lookup); no redirects; GET answers must parse as a CRL or CA certificate(s), POST is only an
 * OCSP request (application/ocsp-request whose body parses as one) and its answer must parse
 * as an OCSP response; a size cap per answer and a total cache budget. Every refusal, whether
 * the address is private, the port closed, or the answer not DER, gives the same answer, so
 * the relay cannot be used to map the network.
 */
export interface RevocationRelayOptions {
  /** Allow loopback and private addresses (tests with a CRL server on loopback). */
  allowPrivateAddresses?: boolean;
  /** Largest answer relayed. */
  maxBytes?: number;
  /** Bytes of CRLs and certificates kept in memory, all entries together. */
  cacheBudgetBytes?: number;
  timeoutMs?: number;
  /** How long a fetched CRL is served from memory. */
  cacheMs?: number;
  now?: () => number;
}

export const RELAY_MAX_BYTES = 8 * 1024 * 1024;
export const RELAY_CACHE_BUDGET = 64 * 1024 * 1024;
const OCSP_REQUEST_MAX = 16 * 1024;

/** The one answer for every refusal and every failure upstream. */
export const relayRefused = () =>
  new SyncError(
    503,
    "revocation_unavailable",
    "Không lấy được dữ liệu thu hồi chứng thư từ địa chỉ này; hãy thử lại sau.",
    "Revocation data could not be fetched from this address",
  );

class Refusal extends Error {}

async function checkedTarget(raw: string | undefined, allowPrivate: boolean): Promise<{ url: URL; address: string; family: 4 | 6 }> {
  let url: URL;
  try {
    url = new URL(raw ?? "");
  } catch {
    throw new Refusal("invalid url");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Refusal(`scheme ${url.protocol}`);
  if (url.username || url.password) throw new Refusal("credentials in url");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const answers = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true, verbatim: true }).catch(() => []);
  if (answers.length === 0) throw new Refusal(`cannot resolve ${host}`);
  // All of them, not only the first: a name answering with a public and a private address is refused.
  if (!allowPrivate && !answers.every((a) => isPublicAddress(a.address))) throw new Refusal(`${host} resolves to a non-public address`);
  const first = answers[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

function der(body: Uint8Array): Uint8Array {
  const head = new TextDecoder().decode(body.subarray(0, 64));
  if (!head.startsWith("-----BEGIN")) return body;
  // Some CAs publish PEM: the base64 between the armour lines.
  const text = new TextDecoder().decode(body);
  const b64 = /-----BEGIN [A-Z0-9 ]+-----([A-Za-z0-9+/=\s]+)-----END [A-Z0-9 ]+-----/.exec(text)?.[1];
  if (!b64) throw new Refusal("malformed PEM");
  return new Uint8Array(Buffer.from(b64.replace(/\s+/g, ""), "base64"));
}

function parses(make: () => unknown): boolean {
  try {
    make();
    return true;
  } catch {
    return false;
  }
}

/** A CRL, a certificate, or a certs-only PKCS#7 bundle (.p7c, caIssuers): what GET may bring back. */
function crlOrCertificateType(body: Uint8Array): string | undefined {
  const bytes = new Uint8Array(der(body));
  if (parses(() => pkijs.CertificateRevocationList.fromBER(bytes))) return "application/pkix-crl";
  if (parses(() => pkijs.Certificate.fromBER(bytes))) return "application/pkix-cert";
  if (parses(() => new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(bytes).content }))) return "application/pkcs7-mime";
  return undefined;
}

// A copy: a Node Buffer's slice() is a view of a shared pool, whose .buffer holds other bytes too.
const bytesOf = (b: Uint8Array) => new Uint8Array(b).buffer as ArrayBuffer;

export function revocationRoutes(storage: SyncStorage, options: RevocationRelayOptions = {}) {
  const maxBytes = options.maxBytes ?? RELAY_MAX_BYTES;
  const budget = options.cacheBudgetBytes ?? RELAY_CACHE_BUDGET;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const cacheMs = options.cacheMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const allowPrivate = options.allowPrivateAddresses ?? false;
  /** Insertion order = age: the oldest entries go first when the budget is reached. */
  const cache = new Map<string, { at: number; body: Uint8Array; type: string }>();
  let cached = 0;

  function remember(key: string, body: Uint8Array, type: string) {
    if (body.byteLength > budget) return;
    const old = cache.get(key);
    if (old) {
      cache.delete(key);
      cached -= old.body.byteLength;
    }
    while (cached + body.byteLength > budget) {
      const [oldest, entry] = cache.entries().next().value!;
      cache.delete(oldest);
      cached -= entry.body.byteLength;
    }
    cache.set(key, { at: now(), body, type });
    cached += body.byteLength;
  }

  /** Runs one relay step; any failure becomes the generic refusal, the detail goes to the log. */
  async function guarded<T>(what: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (e) {
      console.warn(`[revocation relay] refused ${what.slice(0, 200)}: ${(e as Error).message}`);
      throw relayRefused();
    }
  }

  const app = new Hono<{ Variables: AuthVariables }>();
  // Signed-in users only: an open relay would fetch for anyone.
  app.use("*", requireSession(storage));

  app.get("/", async (c) => {
    const raw = c.req.query("url") ?? "";
    const hit = cache.get(raw);
    if (hit && now() - hit.at < cacheMs) return c.body(bytesOf(hit.body), 200, { "content-type": hit.type, "x-vanthu-cached": "1" });
    const { body, type } = await guarded(raw, async () => {
      const t = await checkedTarget(raw, allowPrivate);
      const answer = await pinnedRequest(t.url, t.address, t.family, { method: "GET", timeoutMs, maxBytes });
      if (answer.status !== 200) throw new Refusal(`status ${answer.status}`);
      const type = crlOrCertificateType(answer.body);
      if (!type) throw new Refusal("not a CRL or certificate");
      return { body: answer.body, type };
    });
    remember(raw, body, type);
    return c.body(bytesOf(body), 200, { "content-type": type });
  });

  // OCSP requests are POSTed (RFC 6960 A.1); never cached, each has its own nonce.
  app.post("/", async (c) => {
    const raw = c.req.query("url") ?? "";
    const contentType = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const request = await guarded(raw, async () => {
      if (contentType !== "application/ocsp-request") throw new Refusal(`POST of ${contentType || "no type"}`);
      const declared = Number(c.req.header("content-length") ?? "0");
      if (declared > OCSP_REQUEST_MAX) throw new Refusal("OCSP request too large");
      const bytes = new Uint8Array(await c.req.arrayBuffer()) as Uint8Array<ArrayBuffer>;
      if (bytes.byteLength === 0 || bytes.byteLength > OCSP_REQUEST_MAX || !parses(() => pkijs.OCSPRequest.fromBER(bytes)))
        throw new Refusal("body is not an OCSP request");
      return bytes;
    });
    const body = await guarded(raw, async () => {
      const t = await checkedTarget(raw, allowPrivate);
      const answer = await pinnedRequest(t.url, t.address, t.family, {
        method: "POST",
        body: request,
        contentType: "application/ocsp-request",
        timeoutMs,
        maxBytes,
      });
      if (answer.status !== 200 || !parses(() => pkijs.OCSPResponse.fromBER(new Uint8Array(answer.body))))
        throw new Refusal(`status ${answer.status} or not an OCSP response`);
      return answer.body;
    });
    return c.body(bytesOf(body), 200, { "content-type": "application/ocsp-response" });
  });
  return app;
}
