import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { Hono } from "hono";
import { afterAll, describe, expect, it } from "vitest";
import { precompressFolder } from "../web/scripts/precompress.ts";
import { servePwa } from "./static.ts";

describe("serving the built PWA", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vanthu-web-"));
  mkdirSync(join(dir, "assets"));
  const script = `console.log(${JSON.stringify("Văn thư số ".repeat(400))});\n`;
  writeFileSync(join(dir, "index.html"), `<!doctype html><title>Văn thư số</title>${"<p>đoạn văn</p>".repeat(200)}`);
  writeFileSync(join(dir, "assets", "app-abc123.js"), script);
  writeFileSync(join(dir, "assets", "tiny-abc123.js"), "console.log(1)");
  writeFileSync(join(dir, "sw.js"), script);
  writeFileSync(join(dir, "robots.txt"), "User-agent: *\nAllow: /\n");
  writeFileSync(join(dir, "manifest.webmanifest"), "{}");
  writeFileSync(join(tmpdir(), "secret-outside.txt"), "no");
  // The same step the build runs last (web/scripts/precompress.ts).
  await precompressFolder(dir);
  const app = new Hono();
  app.use("*", servePwa(dir));
  app.get("/api/x", (c) => c.json({ api: true }));
  app.notFound((c) => c.json({ error: { code: "not_found" } }, 404));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("serves files, hashed assets cached for good, the HTML and the service worker revalidated", async () => {
    const js = await app.request("/assets/app-abc123.js");
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    expect(js.headers.get("cache-control")).toContain("immutable");
    const html = await app.request("/");
    expect(await html.text()).toContain("Văn thư số");
    expect(html.headers.get("cache-control")).toBe("no-cache");
    expect((await app.request("/sw.js")).headers.get("cache-control")).toBe("no-cache");
    expect((await app.request("/manifest.webmanifest")).headers.get("cache-control")).toBe("no-cache");
  });

  it("sends the brotli or gzip copy the build made, as the browser accepts, with Vary", async () => {
    const br = await app.request("/assets/app-abc123.js", { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.headers.get("vary")).toBe("Accept-Encoding");
    const brBytes = Buffer.from(await br.arrayBuffer());
    expect(brBytes.byteLength).toBeLessThan(script.length / 5);
    expect(brotliDecompressSync(brBytes).toString()).toBe(script);

    const gz = await app.request("/assets/app-abc123.js", { headers: { "accept-encoding": "gzip;q=1, br;q=0" } });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(script);

    const plain = await app.request("/assets/app-abc123.js", { headers: { "accept-encoding": "identity" } });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(plain.headers.get("vary")).toBe("Accept-Encoding");
    expect(await plain.text()).toBe(script);

    const html = await app.request("/so-dang-ky/den", { headers: { "accept-encoding": "br" } });
    expect(html.headers.get("content-encoding")).toBe("br");
    // A file too small to be worth it has no copies and goes as it is.
    const tiny = await app.request("/assets/tiny-abc123.js", { headers: { "accept-encoding": "br, gzip" } });
    expect(tiny.headers.get("content-encoding")).toBeNull();
    expect(await tiny.text()).toBe("console.log(1)");
  });

  it("answers a revalidation with 304 when nothing changed, per encoding", async () => {
    const first = await app.request("/", { headers: { "accept-encoding": "br" } });
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^".+-br"$/);
    const again = await app.request("/", { headers: { "accept-encoding": "br", "if-none-match": etag } });
    expect(again.status).toBe(304);
    const other = await app.request("/", { headers: { "accept-encoding": "gzip", "if-none-match": etag } });
    expect(other.status).toBe(200);
  });

  it("answers app routes with index.html, a missing file with 404, and leaves /api alone", async () => {
    expect(await (await app.request("/van-ban-den/123")).text()).toContain("<title>Văn thư số</title>");
    expect((await app.request("/assets/gone-123.js")).status).toBe(404);
    expect(await (await app.request("/api/x")).json()).toEqual({ api: true });
    expect((await app.request("/api/unknown")).status).toBe(404);
    expect((await app.request("/van-ban-den", { method: "POST" })).status).toBe(404);
  });

  it("serves a valid robots.txt as text", async () => {
    const res = await app.request("/robots.txt");
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toMatch(/^User-agent: \*$/m);
  });

  it("never leaves its folder", async () => {
    const res = await app.request("/..%2fsecret-outside.txt");
    expect(await res.text()).not.toBe("no");
  });
});

describe("before the PWA is built", () => {
  const dir = join(tmpdir(), `vanthu-web-missing-${process.pid}`);
  const app = new Hono();
  app.use("*", servePwa(dir));
  app.notFound((c) => c.json({ error: { code: "not_found" } }, 404));

  it("answers a person at / with how to build it, in Vietnamese and English; API paths keep their 404", async () => {
    const page = await app.request("/", { headers: { accept: "text/html" } });
    expect(page.status).toBe(503);
    const text = await page.text();
    expect(text).toContain("Chưa có ứng dụng web");
    expect(text).toContain("npm start");
    expect(text).toContain("has not been built");
    expect((await app.request("/api/x")).status).toBe(404);
    expect((await app.request("/sync/pull", { headers: { accept: "application/json" } })).status).toBe(404);
  });
});
