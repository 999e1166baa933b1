import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import type { MiddlewareHandler } from "hono";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json",
  ".pdf": "application/pdf",
};

/**
 * Serves the built PWA (dist/web) for GET/HEAD outside /api: the file when it exists, else
 * index.html so that the app's own routes load on refresh.
 */
export function servePwa(dir: string): MiddlewareHandler {
  const root = resolve(dir);
  return async (c, next) => {
    const path = decodeURIComponent(new URL(c.req.url).pathname);
    if ((c.req.method !== "GET" && c.req.method !== "HEAD") || path === "/api" || path.startsWith("/api/")) return next();
    let file = resolve(join(root, normalize(path)));
    if (file !== root && !file.startsWith(root + sep)) return next();
    if (!existsSync(file) || !statSync(file).isFile()) file = join(root, "index.html");
    if (!existsSync(file)) {
      // No build at all: a person opening the address learns how to make one; API clients get the 404.
      const wantsPage = path === "/" || (c.req.header("accept") ?? "").includes("text/html");
      return wantsPage && !existsSync(join(root, "index.html")) ? c.html(notBuiltPage(root), 503) : next();
    }
    const body = await readFile(file);
    c.header("Content-Type", TYPES[extname(file)] ?? "application/octet-stream");
    // Vite's hashed assets forever; everything else (HTML, service worker, manifest) revalidated to pick up a new build.
    c.header("Cache-Control", file.startsWith(join(root, "assets") + sep) ? "public, max-age=31536000, immutable" : "no-cache");
    if (c.req.method === "HEAD") return c.body(null);
    return c.body(new Uint8Array(body));
  };
}

/** What `/` says when the PWA was never built: in Vietnamese for people, English for logs. */
function notBuiltPage(dir: string): string {
  const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<!doctype html><html lang="vi"><meta charset="utf-8"><title>Văn thư số — chưa dựng ứng dụng web</title>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto;line-height:1.5">
<h1>Chưa có ứng dụng web</h1>
<p>Máy chủ đồng bộ đang chạy, nhưng ứng dụng web chưa được dựng trong <code>${esc(dir)}</code>.
Hãy chạy <code>npm start</code> (dựng và chạy toàn bộ hệ thống), hoặc <code>npm run build</code> rồi khởi động lại máy chủ,
hoặc chỉ định thư mục đã dựng bằng <code>vanthu server --web THƯ_MỤC</code>.</p>
<p lang="en">The web app has not been built (no index.html in <code>${esc(dir)}</code>). Run <code>npm start</code>,
or <code>npm run build</code> and restart the server, or point to a build with <code>vanthu server --web DIR</code>.</p>
</body></html>`;
}
