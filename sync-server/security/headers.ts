import type { MiddlewareHandler } from "hono";

/**
 * The security headers on every response (the PWA, the service worker, the API, blobs).
 *
 * CSP: scripts only from this origin and never inline (the built index.html has none: checked
 * by test/sync-server/security-headers.test.ts against the real build), no framing
 * (clickjacking), no plugins, no <base> rewriting. connect-src is this origin plus the token
 * agent on loopback (any port: Cài đặt lets a clerk move it), and blob: for pdf.js reading a
 * document the app holds. WebAssembly compilation ('wasm-unsafe-eval') is pdf.js' image
 * decoders; it does not allow eval() of JavaScript. Inline style attributes stay allowed:
 * Solid sets style properties from code.
 */
export const LOOPBACK_AGENT = ["http://127.0.0.1:*", "http://localhost:*"];

export function contentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    `connect-src 'self' blob: data: ${LOOPBACK_AGENT.join(" ")}`,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "frame-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    // Pairing with the agent posts a form to it (web/src/agent/client.ts).
    `form-action 'self' ${LOOPBACK_AGENT.join(" ")}`,
    "frame-ancestors 'none'",
    "manifest-src 'self'",
  ].join("; ");
}

export interface SecurityHeaderOptions {
  /** The server speaks TLS (or sits behind a TLS proxy): browsers are told to use HTTPS only. */
  hsts?: boolean;
}

export function securityHeaders(options: SecurityHeaderOptions = {}): MiddlewareHandler {
  const csp = contentSecurityPolicy();
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    const set = (name: string, value: string) => {
      if (!h.has(name)) h.set(name, value);
    };
    set("Content-Security-Policy", csp);
    set("X-Content-Type-Options", "nosniff");
    // no-referrer (the requirement). The one request that needs the app's Origin, the
    // pairing form posted to the token agent, gets it from a meta referrer "origin" set for that
    // submission (web/src/agent/client.ts). strict-origin would not do: from an HTTPS deployment
    // the agent on http://127.0.0.1 is a downgrade, and the form would carry "Origin: null".
    set("Referrer-Policy", "no-referrer");
    // For browsers that predate frame-ancestors.
    set("X-Frame-Options", "DENY");
    set("Cross-Origin-Resource-Policy", "same-origin");
    set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
    if (options.hsts) set("Strict-Transport-Security", "max-age=31536000");
    const path = new URL(c.req.url).pathname;
    if (path.startsWith("/api/")) {
      // Office data and session answers never stay in a shared or browser cache.
      h.set("Cache-Control", "no-store");
      if (path.startsWith("/api/blobs/") && c.req.method === "GET" && c.res.status < 300) {
        // A document is a download, never rendered by the browser as this origin's page.
        h.set("Content-Disposition", "attachment");
      }
    }
  };
}
