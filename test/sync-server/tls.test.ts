/**
 * `vanthu server --tls-cert --tls-key` (issue 13): HTTPS with HTTP/2 and HTTP/1.1 on the same
 * port, HSTS on every answer, and, without --host, nothing but loopback listening.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { connect as http2Connect } from "node:http2";
import { networkInterfaces, tmpdir } from "node:os";
import { connect as netConnect } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncServer, type RunningServer } from "../../sync-server/serve.ts";
import { makeTestCa, type TestCa } from "../support/test-ca.ts";

let ca: TestCa;
let dir: string;
let server: RunningServer;

beforeAll(async () => {
  ca = makeTestCa(["vanthu.test"]);
  dir = mkdtempSync(join(tmpdir(), "vanthu-tls-"));
  server = await startSyncServer({
    db: `sqlite:${join(dir, "v.sqlite")}`,
    blobs: join(dir, "blobs"),
    port: 0,
    webDir: join(dir, "no-web"),
    tlsCert: ca.serverCert,
    tlsKey: ca.serverKey,
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(ca.dir, { recursive: true, force: true });
});

describe("vanthu server over TLS", () => {
  it("answers HTTP/1.1 over HTTPS with HSTS, trusted through the office's CA under its name", async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await new Promise<{ status: number; headers: Record<string, unknown>; alpn: string | false | null; body: string }>((resolve, reject) => {
      const options: import("node:https").RequestOptions & import("node:tls").ConnectionOptions = {
        host: "127.0.0.1",
        servername: "vanthu.test",
        port: server.port,
        path: "/api/health",
        ca: ca.caPem,
        ALPNProtocols: ["http/1.1"],
        headers: { host: `vanthu.test:${server.port}` },
      };
      const req = httpsRequest(options, (r) => {
        let body = "";
        const alpn = (r.socket as import("node:tls").TLSSocket).alpnProtocol;
        r.on("data", (c: Buffer) => (body += c.toString()));
        r.on("end", () => resolve({ status: r.statusCode!, headers: r.headers, alpn, body }));
      });
      req.on("error", reject);
      req.end();
    });
    expect(res.status).toBe(200);
    expect(res.alpn).toBe("http/1.1");
    expect(JSON.parse(res.body).ok).toBe(true);
    expect(String(res.headers["strict-transport-security"])).toMatch(/max-age=\d+/);
  });

  it("answers HTTP/2 on the same port", async () => {
    const session = http2Connect(`https://127.0.0.1:${server.port}`, { ca: ca.caPem, servername: "vanthu.test" });
    try {
      const { status, hsts, body } = await new Promise<{ status: number; hsts: string; body: string }>((resolve, reject) => {
        const req = session.request({ ":path": "/api/health" });
        let status = 0;
        let hsts = "";
        let body = "";
        req.on("response", (h) => {
          status = Number(h[":status"]);
          hsts = String(h["strict-transport-security"]);
        });
        req.on("data", (c: Buffer) => (body += c.toString()));
        req.on("end", () => resolve({ status, hsts, body }));
        req.on("error", reject);
        req.end();
      });
      expect(status).toBe(200);
      expect(hsts).toMatch(/max-age=/);
      expect(JSON.parse(body).database).toBe("sqlite");
      expect(session.alpnProtocol).toBe("h2");
    } finally {
      session.close();
    }
  });

  it("listens on loopback only when no --host is given", async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
    if (!external) return; // a machine with loopback only: nothing else to refuse
    const outcome = await new Promise<string>((resolve) => {
      const s = netConnect({ host: external, port: server.port }, () => {
        s.destroy();
        resolve("connected");
      });
      s.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
    });
    expect(outcome).toBe("ECONNREFUSED");
  });
});
