import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { requirePairedOrigin } from "./index.ts";

const app = new Hono()
  .use(requirePairedOrigin({ isPaired: (o) => o === "https://vanthu.example" }))
  .get("/v1/certificates", (c) => c.json({ certificates: [] }));

describe("requirePairedOrigin", () => {
  it("serves a paired origin", async () => {
    expect((await app.request("/v1/certificates", { headers: { Origin: "https://vanthu.example" } })).status).toBe(200);
  });
  it("refuses unpaired, opaque and missing origins before any handler runs", async () => {
    for (const h of [{ Origin: "https://evil.example" }, { Origin: "null" }, {} as Record<string, string>]) {
      const res = await app.request("/v1/certificates", { headers: h });
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe("agent.origin-not-paired");
    }
  });
});
