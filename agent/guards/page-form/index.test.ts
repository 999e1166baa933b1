import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { requireOwnOriginForm } from "./index.ts";

const app = new Hono()
  .use(requireOwnOriginForm({ ownOrigins: () => ["http://127.0.0.1:47815", "http://localhost:47815"] }))
  .post("/consent/x", (c) => c.text("signed"));
const post = (headers: Record<string, string>) =>
  app.request("/consent/x", { method: "POST", body: "pin=1", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers } });

describe("requireOwnOriginForm", () => {
  it("accepts a post from the agent's own page", async () => {
    expect((await post({ Origin: "http://127.0.0.1:47815", "Sec-Fetch-Site": "same-origin" })).status).toBe(200);
  });
  it("refuses a post from a paired PWA, another site, or with no Origin", async () => {
    for (const h of [
      { Origin: "http://localhost:5173" },
      { Origin: "https://evil.example" },
      {},
      { Origin: "http://127.0.0.1:47815", "Sec-Fetch-Site": "cross-site" },
    ]) {
      const res = await post(h as Record<string, string>);
      expect(res.status).toBe(403);
    }
  });
});
