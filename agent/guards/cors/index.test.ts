import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { corsForPairedOrigins } from "./index.ts";

const paired = "http://localhost:5173";
const app = new Hono().use(corsForPairedOrigins({ isPaired: (o) => o === paired })).get("/v1/x", (c) => c.json({ ok: true }));

const preflight = (origin: string, pna = false) =>
  app.request("http://127.0.0.1:47815/v1/x", {
    method: "OPTIONS",
    headers: {
      Origin: origin,
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "authorization, content-type",
      ...(pna ? { "Access-Control-Request-Private-Network": "true" } : {}),
    },
  });

describe("corsForPairedOrigins", () => {
  it("answers a preflight, with Private Network Access, for a paired origin", async () => {
    const res = await preflight(paired, true);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(paired);
    expect(res.headers.get("access-control-allow-private-network")).toBe("true");
    expect(res.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
  });
  it("refuses the preflight of an unpaired origin and of the opaque origin 'null'", async () => {
    for (const o of ["https://evil.example", "null", "http://localhost:5174"]) {
      const res = await preflight(o, true);
      expect(res.status).toBe(403);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      expect(res.headers.get("access-control-allow-private-network")).toBeNull();
    }
  });
  it("never sends Access-Control-Allow-Origin to an unpaired origin, and never '*'", async () => {
    const a = await app.request("http://127.0.0.1:47815/v1/x", { headers: { Origin: "https://evil.example" } });
    expect(a.headers.get("access-control-allow-origin")).toBeNull();
    const b = await app.request("http://127.0.0.1:47815/v1/x", { headers: { Origin: paired } });
    expect(b.headers.get("access-control-allow-origin")).toBe(paired);
    expect(b.headers.get("vary")).toMatch(/Origin/);
  });
});
