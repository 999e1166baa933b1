import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";

/**
 * One HTTP(S) exchange with an address already resolved and checked: the socket connects to
 * `address` (a custom `lookup` answers with it, so Node does no second DNS query: no
 * rebinding window), while the Host header and TLS name (SNI and certificate check) stay the
 * URL's host name. Redirects are not followed (node:http never does). Node's own fetch could
 * not pin the address without undici's Agent, which is not a dependency of this project.
 */
export interface PinnedAnswer {
  status: number;
  contentType: string;
  body: Uint8Array;
}

export class AnswerTooLarge extends Error {}

export function pinnedRequest(
  url: URL,
  address: string,
  family: 4 | 6,
  init: { method: "GET" | "POST"; body?: Uint8Array; contentType?: string; timeoutMs: number; maxBytes: number },
): Promise<PinnedAnswer> {
  const lookup: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolveAnswer, rejectAnswer) => {
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const resolve = (a: PinnedAnswer) => (clearTimeout(deadline), resolveAnswer(a));
    const reject = (e: unknown) => (clearTimeout(deadline), rejectAnswer(e));
    const req = send(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: init.method,
        lookup,
        // Never the operator's proxy or keep-alive pool: one connection to the checked address.
        agent: false,
        headers: {
          accept: "application/pkix-crl, application/pkix-cert, application/ocsp-response, application/octet-stream",
          ...(init.body ? { "content-type": init.contentType ?? "application/octet-stream", "content-length": String(init.body.byteLength) } : {}),
        },
        timeout: init.timeoutMs,
      },
      (res: IncomingMessage) => {
        const declared = Number(res.headers["content-length"] ?? "0");
        if (declared > init.maxBytes) {
          res.destroy();
          reject(new AnswerTooLarge(`answer of ${declared} bytes`));
          return;
        }
        const parts: Buffer[] = [];
        let total = 0;
        res.on("data", (chunk: Buffer) => {
          total += chunk.length;
          if (total > init.maxBytes) {
            res.destroy();
            reject(new AnswerTooLarge(`answer over ${init.maxBytes} bytes`));
            return;
          }
          parts.push(chunk);
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), body: new Uint8Array(Buffer.concat(parts)) }),
        );
        res.on("error", reject);
      },
    );
    // The whole exchange, not only socket inactivity: a server trickling bytes is cut off too.
    deadline = setTimeout(() => req.destroy(new Error("timeout")), init.timeoutMs);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(init.body ? Buffer.from(init.body) : undefined);
  });
}
