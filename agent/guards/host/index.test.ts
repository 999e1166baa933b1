import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { hostGuard } from "./index.ts";

const app = new Hono().use(hostGuard({ port: () => 47815 })).get("/x", (c) => c.text("ok"));

describe("hostGuard", () => {
  it("lets in the agent's own host names", async () => {
    expect((await app.request("http://127.0.0.1:47815/x")).status).toBe(200);
    expect((await app.request("http://localhost:47815/x")).status).toBe(200);
    expect((await app.request("http://x/x", { headers: { Host: "LOCALHOST:47815" } })).status).toBe(200);
  });
  it("refuses a rebound DNS name, another port, or no port", async () => {
    for (const host of ["evil.example:47815", "127.0.0.1:80", "127.0.0.1", "localhost.evil.example:47815", "[::1]:47815"]) {
      const res = await app.request("http://127.0.0.1:47815/x", { headers: { Host: host } });
      expect(res.status, host).toBe(421);
      expect((await res.json()).error.code).toBe("agent.host-refused");
    }
  });
});
