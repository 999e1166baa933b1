import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { createHash } from "node:crypto";
import { requirePairingToken } from "./index.ts";
import type { AgentEnv, Pairing } from "../../http.ts";

const token = "a-very-secret-pairing-token-0123456789";
const pairing: Pairing = {
  id: "p1",
  origin: "https://a.example",
  appName: "x",
  tokenHash: createHash("sha256").update(token).digest("hex"),
  pairedAt: "2026-11-25T10:00:00+07:00",
};
const app = new Hono<AgentEnv>()
  .use(requirePairingToken({ pairingsFor: (o) => (o === pairing.origin ? [pairing] : []) }))
  .get("/v1/x", (c) => c.json({ id: c.get("pairing").id }));

describe("requirePairingToken", () => {
  it("accepts the token paired with this origin", async () => {
    const res = await app.request("/v1/x", { headers: { Origin: pairing.origin, Authorization: `Bearer ${token}` } });
    expect(await res.json()).toEqual({ id: "p1" });
  });
  it("refuses no token, a wrong token, and the right token from another origin", async () => {
    const cases: Record<string, string>[] = [
      { Origin: pairing.origin },
      { Origin: pairing.origin, Authorization: `Bearer ${token}x` },
      { Origin: "https://b.example", Authorization: `Bearer ${token}` },
      { Origin: pairing.origin, Authorization: `Basic ${token}` },
    ];
    for (const h of cases) {
      const res = await app.request("/v1/x", { headers: h });
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe("agent.pairing-token-invalid");
    }
  });
});
