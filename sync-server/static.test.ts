import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { afterAll, describe, expect, it } from "vitest";
import { servePwa } from "./static.ts";

describe("serving the built PWA", () => {
  const dir = mkdtempSync(join(tmpdir(), "vanthu-web-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>Văn thư số</title>");
  writeFileSync(join(dir, "assets", "app-abc123.js"), "console.log(1)");
  writeFileSync(join(dir, "manifest.webmanifest"), "{}");
  writeFileSync(join(tmpdir(), "secret-outside.txt"), "no");
  const app = new Hono();
  app.use("*", servePwa(dir));
  app.get("/api/x", (c) => c.json({ api: true }));
  app.notFound((c) => c.json({ error: { code: "not_found" } }, 404));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("serves files, hashed assets cached for good, the HTML revalidated", async () => {
    const js = await app.request("/assets/app-abc123.js");
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    expect(js.headers.get("cache-control")).toContain("immutable");
    const html = await app.request("/");
    expect(await html.text()).toContain("Văn thư số");
    expect(html.headers.get("cache-control")).toBe("no-cache");
    expect((await app.request("/manifest.webmanifest")).headers.get("cache-control")).toBe("no-cache");
  });

  it("answers unknown paths outside /api with index.html, and leaves /api alone", async () => {
    expect(await (await app.request("/van-ban-den/123")).text()).toContain("<title>Văn thư số</title>");
    expect(await (await app.request("/api/x")).json()).toEqual({ api: true });
    expect((await app.request("/api/unknown")).status).toBe(404);
    expect((await app.request("/van-ban-den", { method: "POST" })).status).toBe(404);
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
