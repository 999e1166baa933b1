import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { RateLimiter, rateLimit } from "./index.ts";

describe("rateLimit", () => {
  it("lets `limit` requests per window through, then answers 429 with Retry-After, per key", async () => {
    let now = 0;
    const limiter = new RateLimiter(3, 60_000, () => now);
    const app = new Hono().use(rateLimit({ limiter, key: (c) => c.req.header("x-key") ?? "", what: "ký" })).post("/v1/sign-requests", (c) => c.text("ok"));
    const hit = (k: string) => app.request("/v1/sign-requests", { method: "POST", headers: { "x-key": k } });
    for (let i = 0; i < 3; i++) expect((await hit("a")).status).toBe(200);
    const r = await hit("a");
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toBe("60");
    expect((await r.json()).error.code).toBe("agent.rate-limited");
    expect((await hit("b")).status).toBe(200);
    now = 60_000;
    expect((await hit("a")).status).toBe(200);
  });
});
