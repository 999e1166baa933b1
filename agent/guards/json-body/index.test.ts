import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { requireJsonBody } from "./index.ts";

const app = new Hono()
  .use(requireJsonBody({ maxBytes: 1000 }))
  .post("/v1/x", (c) => c.json({ ok: true }))
  .get("/v1/x", (c) => c.json({ ok: true }));

describe("requireJsonBody", () => {
  it("accepts JSON posts and plain GETs", async () => {
    expect((await app.request("/v1/x", { method: "POST", body: "{}", headers: { "Content-Type": "application/json; charset=utf-8" } })).status).toBe(200);
    expect((await app.request("/v1/x")).status).toBe(200);
  });
  it("refuses what a simple HTML form can send", async () => {
    for (const type of ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain", ""]) {
      const res = await app.request("/v1/x", { method: "POST", body: "a=1", headers: type ? { "Content-Type": type } : {} });
      expect(res.status, type).toBe(415);
    }
  });
  it("refuses an oversized body", async () => {
    const res = await app.request("/v1/x", {
      method: "POST",
      body: "x".repeat(2000),
      headers: { "Content-Type": "application/json", "Content-Length": "2000" },
    });
    expect(res.status).toBe(413);
  });
});
