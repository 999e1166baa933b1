import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ApiClient } from "./api.ts";

// A server that reads the request and never answers, as a line that silently stops would look.
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req) => {
    req.resume();
    if (req.url === "/late") setTimeout(() => req.socket.end("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"), 300);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

it("a request with no answer in time ends as the network's failure, to be tried again", async () => {
  const api = new ApiClient(base, "t", undefined, 150);
  await expect(api.req("/never")).rejects.toMatchObject({ code: "sync.unreachable" });
});

it("an answer within the deadline is taken, and the deadline grows with the body sent", async () => {
  await expect(new ApiClient(base, "t", undefined, 1000).send("/late")).resolves.toEqual({});
  // 150 ms alone would end it; 8 KB of body adds a second at the slowest rate allowed.
  await expect(new ApiClient(base, "t", undefined, 150).req("/late", { method: "POST", body: new Uint8Array(8 * 1024) })).resolves.toMatchObject({
    status: 200,
  });
});

it("a pause by the person still ends a request as stopped, not failed", async () => {
  const round = new AbortController();
  const api = new ApiClient(base, "t", round.signal, 60_000);
  const pending = api.req("/never");
  setTimeout(() => round.abort(), 50);
  await expect(pending).rejects.toMatchObject({ code: "sync.paused" });
});
