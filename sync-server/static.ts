import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import type { MiddlewareHandler } from "hono";
import { acceptedEncodings } from "./http/compress.ts";

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
  ".bcmap": "application/octet-stream",
  ".pfb": "application/octet-stream",
};

/** The build writes `FILE.br` and `FILE.gz` beside each text asset (web/scripts/precompress.ts). */
const VARIANTS = [
  { encoding: "br", suffix: ".br" },
  { encoding: "gzip", suffix: ".gz" },
] as const;

/**
 * Serves the built PWA (dist/web) for GET/HEAD outside /api: the file when it exists, else
 * index.html for the app's own routes (paths without a file extension), so that they load on
 * refresh; a missing file (`/robots.txt` in an old build, a stale chunk) is a 404, not HTML.
 *
 * Each file goes out in the smallest encoding the browser accepts among those the build made
 * (brotli, gzip, identity), with `Vary: Accept-Encoding`, an ETag per encoding and 304 on
 * revalidation.
 */
export function servePwa(dir: string): MiddlewareHandler {
  const root = resolve(dir);
  const assets = join(root, "assets") + sep;
  return async (c, next) => {
    const path = decodeURIComponent(new URL(c.req.url).pathname);
    if ((c.req.method !== "GET" && c.req.method !== "HEAD") || path === "/api" || path.startsWith("/api/")) return next();
    let file = resolve(join(root, normalize(path)));
    if (file !== root && !file.startsWith(root + sep)) return next();
    if (!isFile(file)) {
      if (extname(path) !== "") return next();
      file = join(root, "index.html");
    }
    if (!isFile(file)) {
      // No build at all: a person opening the address learns how to make one; API clients get the 404.
      const wantsPage = path === "/" || (c.req.header("accept") ?? "").includes("text/html");
      return wantsPage ? c.html(notBuiltPage(root), 503) : next();
    }

    const accepted = acceptedEncodings(c.req.header("accept-encoding"));
    const variant = VARIANTS.find((v) => accepted.has(v.encoding) && isFile(file + v.suffix));
    const sent = variant ? file + variant.suffix : file;
    const st = statSync(sent);
    const etag = `"${st.size.toString(36)}-${Math.floor(st.mtimeMs).toString(36)}${variant ? `-${variant.encoding}` : ""}"`;

    c.header("Content-Type", TYPES[extname(file)] ?? "application/octet-stream");
    // Vite's hashed assets (and workbox's hashed runtime) forever; everything else — index.html,
    // sw.js, the manifest — revalidated on each load so a new build is picked up at once.
    const hashed = file.startsWith(assets) || /\/workbox-[0-9a-f]{8}\.js$/.test(file);
    c.header("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
    if (VARIANTS.some((v) => isFile(file + v.suffix))) c.header("Vary", "Accept-Encoding");
    if (variant) c.header("Content-Encoding", variant.encoding);
    c.header("ETag", etag);
    if (matchesEtag(c.req.header("if-none-match"), etag)) return c.body(null, 304);
    c.header("Content-Length", String(st.size));
    if (c.req.method === "HEAD") return c.body(null);
    return c.body(new Uint8Array(await readFile(sent)));
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

function isFile(p: string): boolean {
  return existsSync(p) && statSync(p).isFile();
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}
