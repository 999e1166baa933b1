/**
 * The CRL/OCSP relay the PWA uses where the browser cannot reach a CA's server: a real CRL
 * served over HTTP on loopback, fetched through the sync server by a signed-in clerk.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { makeEnv, officeWithUser, auth, type Env, type TestUser } from "./harness.ts";
import { DemoCertificationAuthority } from "../../shared/pki/demo-ca.ts";
import { isPrivateAddress } from "../../sync-server/revocation/index.ts";

let env: Env;
let strictEnv: Env;
let user: TestUser;
let strictUser: TestUser;
let server: Server;
let base: string;
let crlDer: Uint8Array;
let hits = 0;

beforeAll(async () => {
  const ca = await DemoCertificationAuthority.create();
  crlDer = new Uint8Array((await ca.crl([])).rawData);
  server = createServer((req, res) => {
    hits++;
    if (req.url === "/ca.crl") res.writeHead(200, { "content-type": "application/pkix-crl" }).end(crlDer);
    else if (req.url === "/html") res.writeHead(200, { "content-type": "text/html" }).end("<html>không phải CRL</html>");
    else if (req.url === "/big") res.writeHead(200, { "content-type": "application/pkix-crl" }).end(Buffer.alloc(4096, 0x30));
    else if (req.url === "/redirect") res.writeHead(302, { location: "http://169.254.169.254/" }).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  env = await makeEnv("sqlite", { app: { revocation: { allowPrivateAddresses: true, maxBytes: 2048 } } });
  strictEnv = await makeEnv("sqlite");
  user = await officeWithUser(env, "UBND phường Hồng Bàng");
  strictUser = await officeWithUser(strictEnv, "UBND xã An Hưng");
});

afterAll(async () => {
  await env?.close();
  await strictEnv?.close();
  await new Promise<void>((ok) => server?.close(() => ok()));
});

const get = (e: Env, u: TestUser | undefined, url: string) => e.app.request(`/api/revocation?url=${encodeURIComponent(url)}`, { headers: u ? auth(u) : {} });

describe("GET /api/revocation", () => {
  it("relays a CRL byte for byte, then serves it from memory", async () => {
    const before = hits;
    const a = await get(env, user, `${base}/ca.crl`);
    expect(a.status).toBe(200);
    expect(a.headers.get("content-type")).toBe("application/pkix-crl");
    expect(Buffer.from(await a.arrayBuffer()).equals(Buffer.from(crlDer))).toBe(true);
    const b = await get(env, user, `${base}/ca.crl`);
    expect(b.headers.get("x-vanthu-cached")).toBe("1");
    expect(hits - before).toBe(1);
  });

  it("needs a signed-in user", async () => {
    expect((await get(env, undefined, `${base}/ca.crl`)).status).toBe(401);
  });

  it.each([
    ["file:///etc/passwd", 400],
    ["ftp://ca.gov.vn/crl", 400],
    ["http://user:pass@ca.gov.vn/crl", 400],
    ["not a url", 400],
  ])("refuses %s", async (url, status) => {
    const r = await get(env, user, url);
    expect(r.status).toBe(status);
    const body = (await r.json()) as { error: { messageVi: string } };
    expect(body.error.messageVi.length).toBeGreaterThan(5);
  });

  it("passes on neither HTML, nor oversized answers, nor redirects", async () => {
    expect((await get(env, user, `${base}/html`)).status).toBe(503);
    expect((await get(env, user, `${base}/big`)).status).toBe(503);
    expect((await get(env, user, `${base}/redirect`)).status).toBe(503);
  });

  it("by default never reaches this machine or a private network", async () => {
    const r = await get(strictEnv, strictUser, `${base}/ca.crl`);
    expect(r.status).toBe(400);
  });
});

describe("isPrivateAddress", () => {
  it.each(["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "::1", "fd00::1", "::ffff:127.0.0.1", "0.0.0.0"])("%s is private", (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });
  it.each(["8.8.8.8", "203.162.4.1", "2001:4860::8888"])("%s is public", (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });
});
