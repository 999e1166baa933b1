import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLEAR, startFlakyProxy } from "./flaky-proxy.ts";

// The proxy's own checks: what it lets through arrives whole, drops and cuts really fail requests,
// and its delays are at least what the profile says (lower bounds only: a busy machine is slower, never faster).
describe("flaky proxy", () => {
  let server: Server;
  let target: string;
  let posted = 0;
  const big = Buffer.alloc(40_000, "a");
  beforeAll(async () => {
    server = createServer((req, res) => {
      let n = 0;
      req.on("data", (d: Buffer) => (n += d.length));
      req.on("end", () => {
        if (req.method === "POST") posted++;
        res.writeHead(200, { "content-type": "text/plain", "content-length": String(req.url === "/big" ? big.length : String(n).length) });
        res.end(req.url === "/big" ? big : String(n));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("passes requests and answers whole, with the latency and bandwidth of the profile", async () => {
    const proxy = await startFlakyProxy(target, { latencyMs: 200, kbitPerSec: 800, dropRate: 0 });
    try {
      const t0 = performance.now();
      const res = await fetch(`${proxy.url}/big`);
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.equals(big)).toBe(true);
      // 40 000 bytes at 800 kbit/s is 400 ms, plus 200 ms of round trip.
      expect(performance.now() - t0).toBeGreaterThanOrEqual(550);
      expect(await (await fetch(`${proxy.url}/x`, { method: "POST", body: "12345" })).text()).toBe("5");
    } finally {
      await proxy.close();
    }
  });

  it("drops requests mid-way, some after the server did the work", async () => {
    const proxy = await startFlakyProxy(target, { ...CLEAR, dropRate: 1 });
    posted = 0;
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => fetch(`${proxy.url}/x`, { method: "POST", body: "x".repeat(20_000) }).then((r) => r.text())),
      );
      expect(results.every((r) => r.status === "rejected")).toBe(true);
      expect(proxy.stats.dropped).toBe(20);
      // Drops on the way back leave requests the server handled but whose answer never came.
      expect(posted).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });

  it("cuts the network and brings it back", async () => {
    const proxy = await startFlakyProxy(target, CLEAR);
    try {
      proxy.setDown(true);
      await expect(fetch(`${proxy.url}/x`)).rejects.toThrow();
      expect(proxy.stats.refused).toBeGreaterThan(0);
      proxy.setDown(false);
      expect((await fetch(`${proxy.url}/x`)).status).toBe(200);
    } finally {
      await proxy.close();
    }
  });

  it("forwards to loopback only", async () => {
    await expect(startFlakyProxy("http://example.org/", CLEAR)).rejects.toThrow(/loopback/);
  });
});
