/**
 * The CRL/OCSP relay the PWA uses where the browser cannot reach a CA's server, and the ways
 * an attacker on the office network would try to turn it against that network (SSRF): every
 * spelling of a loopback or private address, against a real CRL server listening on loopback,
 * which must never see a request.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { makeEnv, officeWithUser, auth, type Env, type TestUser } from "./harness.ts";
import { DemoCertificationAuthority } from "../../shared/pki/demo-ca.ts";
import { isPublicAddress } from "../../sync-server/revocation/address.ts";

let open: Env;
let strict: Env;
let user: TestUser;
let strictUser: TestUser;
const listeners: Server[] = [];
let port = 0;
let base: string;
let crlDer: Uint8Array;
let caDer: Uint8Array;
let ocspRequest: Uint8Array;
let hits = 0;

function handler(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) {
  hits++;
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/ca.crl" || path === "/") res.writeHead(200, { "content-type": "application/pkix-crl" }).end(crlDer);
    else if (path === "/ca.cer") res.writeHead(200, { "content-type": "application/pkix-cert" }).end(caDer);
    else if (path === "/ca.pem")
      res.writeHead(200, { "content-type": "text/plain" }).end(`-----BEGIN X509 CRL-----\n${Buffer.from(crlDer).toString("base64")}\n-----END X509 CRL-----\n`);
    else if (path === "/html") res.writeHead(200, { "content-type": "text/html" }).end("<html>không phải CRL</html>");
    else if (path === "/der-not-crl") res.writeHead(200, { "content-type": "application/pkix-crl" }).end(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]));
    else if (path === "/big") res.writeHead(200, { "content-type": "application/pkix-crl" }).end(Buffer.alloc(64 * 1024, 0x30));
    else if (path === "/redirect") res.writeHead(302, { location: `${base}/ca.crl` }).end();
    else if (path === "/ocsp" && req.method === "POST") {
      // A well-formed OCSP response ("unauthorized", status 6): the relay passes it on, the browser judges it.
      const resp = new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: 6 }) });
      res.writeHead(200, { "content-type": "application/ocsp-response" }).end(Buffer.from(resp.toSchema().toBER(false)));
    } else res.writeHead(404).end();
  });
}

beforeAll(async () => {
  const ca = await DemoCertificationAuthority.create();
  crlDer = new Uint8Array((await ca.crl([])).rawData);
  caDer = new Uint8Array(ca.certificate.rawData);
  const req = new pkijs.OCSPRequest();
  const caCert = pkijs.Certificate.fromBER(new Uint8Array(caDer));
  await req.createForCertificate(caCert, { hashAlgorithm: "SHA-256", issuerCertificate: caCert });
  ocspRequest = new Uint8Array(req.toSchema(true).toBER(false));
  // The same port on IPv4 and IPv6 loopback: whichever a spelling reaches, the listener counts it.
  const v4 = createServer(handler);
  await new Promise<void>((ok) => v4.listen(0, "127.0.0.1", ok));
  port = (v4.address() as AddressInfo).port;
  listeners.push(v4);
  const v6 = createServer(handler);
  await new Promise<void>((ok) => v6.once("error", () => ok()).listen(port, "::1", ok));
  listeners.push(v6);
  base = `http://127.0.0.1:${port}`;
  open = await makeEnv("sqlite", {
    app: { revocation: { allowPrivateAddresses: true, maxBytes: 16 * 1024, cacheBudgetBytes: crlDer.byteLength + caDer.byteLength + 10, timeoutMs: 3000 } },
  });
  strict = await makeEnv("sqlite", { app: { revocation: { timeoutMs: 3000 } } });
  user = await officeWithUser(open, "UBND phường Hồng Bàng");
  strictUser = await officeWithUser(strict, "UBND xã An Hưng");
});

afterAll(async () => {
  await open?.close();
  await strict?.close();
  for (const l of listeners) await new Promise<void>((ok) => (l.listening ? l.close(() => ok()) : ok()));
});

const get = (e: Env, u: TestUser | undefined, url: string) => e.app.request(`/api/revocation?url=${encodeURIComponent(url)}`, { headers: u ? auth(u) : {} });
const post = (e: Env, u: TestUser, url: string, body: Uint8Array, type = "application/ocsp-request") =>
  e.app.request(`/api/revocation?url=${encodeURIComponent(url)}`, { method: "POST", headers: auth(u, { "content-type": type }), body: new Uint8Array(body) });

let generic: { status: number; body: string } | undefined;
/** Every refusal must look exactly alike: the same status and the same body. */
async function expectGenericRefusal(r: Response) {
  const seen = { status: r.status, body: await r.text() };
  generic ??= seen;
  expect(seen).toEqual(generic);
  expect(seen.status).toBe(503);
  expect(JSON.parse(seen.body).error.messageVi).toMatch(/Không lấy được dữ liệu thu hồi/);
}

describe("GET /api/revocation (relay allowed to loopback, as in these tests only)", () => {
  it("relays a CRL byte for byte, then serves it from memory", async () => {
    const before = hits;
    const a = await get(open, user, `${base}/ca.crl`);
    expect(a.status).toBe(200);
    expect(a.headers.get("content-type")).toBe("application/pkix-crl");
    expect(Buffer.from(await a.arrayBuffer()).equals(Buffer.from(crlDer))).toBe(true);
    const b = await get(open, user, `${base}/ca.crl`);
    expect(b.headers.get("x-vanthu-cached")).toBe("1");
    expect(hits - before).toBe(1);
  });

  it("relays a CA certificate and a PEM CRL; reaches a host name through its one checked address", async () => {
    const cer = await get(open, user, `${base}/ca.cer`);
    expect(cer.status).toBe(200);
    expect(cer.headers.get("content-type")).toBe("application/pkix-cert");
    expect((await get(open, user, `http://localhost:${port}/ca.pem`)).status).toBe(200);
  });

  it("keeps the cache within its byte budget: the oldest entry goes", async () => {
    await get(open, user, `${base}/ca.crl?a`);
    await get(open, user, `${base}/ca.cer`);
    await get(open, user, `${base}/ca.crl?b`);
    const before = hits;
    expect((await get(open, user, `${base}/ca.crl?a`)).headers.get("x-vanthu-cached")).toBeNull();
    expect(hits - before).toBe(1);
  });

  it("needs a signed-in user", async () => {
    expect((await get(open, undefined, `${base}/ca.crl`)).status).toBe(401);
  });

  it.each(["file:///etc/passwd", "ftp://ca.gov.vn/crl", `http://user:pass@127.0.0.1:${port}/ca.crl`, "not a url", "", "gopher://127.0.0.1:25/"])(
    "refuses %s with the generic answer",
    async (url) => {
      await expectGenericRefusal(await get(open, user, url));
    },
  );

  it("answers a closed port, HTML, DER that is no CRL, an oversized answer, a redirect and a 404 all alike", async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, "127.0.0.1", ok));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((ok) => closed.close(() => ok()));
    for (const url of [`http://127.0.0.1:${closedPort}/ca.crl`, `${base}/html`, `${base}/der-not-crl`, `${base}/big`, `${base}/redirect`, `${base}/missing`]) {
      await expectGenericRefusal(await get(open, user, url));
    }
  });
});

describe("POST /api/revocation: OCSP requests only", () => {
  it("relays an OCSP request and its answer", async () => {
    const r = await post(open, user, `${base}/ocsp`, ocspRequest);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/ocsp-response");
    expect(pkijs.OCSPResponse.fromBER(new Uint8Array(await r.arrayBuffer())).responseStatus.valueBlock.valueDec).toBe(6);
  });

  it("refuses any other POST before connecting anywhere", async () => {
    const before = hits;
    await expectGenericRefusal(await post(open, user, `${base}/ocsp`, ocspRequest, "application/x-www-form-urlencoded"));
    await expectGenericRefusal(await post(open, user, `${base}/ocsp`, new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n")));
    await expectGenericRefusal(await post(open, user, `${base}/ocsp`, Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x01])));
    expect(hits).toBe(before);
  });
});

/** The spellings of this machine, written every way a URL parser or a resolver accepts. */
const loopbackSpellings = (p: number) => [
  `http://127.0.0.1:${p}/ca.crl`,
  `http://127.1:${p}/ca.crl`,
  `http://127.0.1:${p}/ca.crl`,
  `http://127.255.255.254:${p}/ca.crl`,
  `http://2130706433:${p}/ca.crl`,
  `http://0x7f000001:${p}/ca.crl`,
  `http://0x7f.0.0.1:${p}/ca.crl`,
  `http://0177.0.0.1:${p}/ca.crl`,
  `http://017700000001:${p}/ca.crl`,
  `http://127.0.0.1.:${p}/ca.crl`,
  `http://%31%32%37.0.0.1:${p}/ca.crl`,
  `http://localhost:${p}/ca.crl`,
  `http://LOCALHOST:${p}/ca.crl`,
  `http://localhost.:${p}/ca.crl`,
  `https://localhost:${p}/ca.crl`,
  `http://[::1]:${p}/ca.crl`,
  `http://[0:0:0:0:0:0:0:1]:${p}/ca.crl`,
  `http://[::ffff:127.0.0.1]:${p}/ca.crl`,
  `http://[::ffff:7f00:1]:${p}/ca.crl`,
  `http://[0:0:0:0:0:ffff:7f00:1]:${p}/ca.crl`,
  `http://[0000:0000:0000:0000:0000:ffff:127.0.0.1]:${p}/ca.crl`,
  `http://[::ffff:0:7f00:1]:${p}/ca.crl`,
  `http://[::127.0.0.1]:${p}/ca.crl`,
  `http://[::7f00:1]:${p}/ca.crl`,
  `http://[64:ff9b::127.0.0.1]:${p}/ca.crl`,
  `http://[64:ff9b::7f00:1]:${p}/ca.crl`,
  `http://[64:ff9b:1::7f00:1]:${p}/ca.crl`,
  `http://[2002:7f00:1::1]:${p}/ca.crl`,
  `http://0.0.0.0:${p}/ca.crl`,
  `http://0:${p}/ca.crl`,
  `http://[::]:${p}/ca.crl`,
  `http://[::ffff:0.0.0.0]:${p}/ca.crl`,
];

/** Private, link-local, unique-local and shared ranges, also inside IPv6. No one listens there; the relay must not try. */
const privateSpellings = [
  "http://10.0.0.1/ca.crl",
  "http://172.16.5.4/ca.crl",
  "http://172.31.255.254/ca.crl",
  "http://192.168.1.1/ca.crl",
  "http://3232235777/ca.crl",
  "http://0xc0a80101/ca.crl",
  "http://169.254.169.254/latest/meta-data/",
  "http://100.64.0.1/ca.crl",
  "http://198.18.0.1/ca.crl",
  "http://224.0.0.1/ca.crl",
  "http://255.255.255.255/ca.crl",
  "http://[fd00::1]/ca.crl",
  "http://[fc00::1]/ca.crl",
  "http://[fe80::1]/ca.crl",
  "http://[fec0::1]/ca.crl",
  "http://[ff02::1]/ca.crl",
  "http://[::ffff:10.0.0.1]/ca.crl",
  "http://[::ffff:c0a8:101]/ca.crl",
  "http://[0:0:0:0:0:ffff:a9fe:a9fe]/ca.crl",
  "http://[::10.0.0.1]/ca.crl",
  "http://[64:ff9b::192.168.1.1]/ca.crl",
  "http://[64:ff9b::a9fe:a9fe]/ca.crl",
  "http://[2002:c0a8:101::1]/ca.crl",
  "http://[2001:db8::1]/ca.crl",
];

describe("the relay as deployed (no private addresses) against a CRL server on loopback", () => {
  it("serves a real CRL on loopback: the listener would answer if reached", async () => {
    expect((await get(open, user, `${base}/?probe`)).status).toBe(200);
  });

  it.each(loopbackSpellings(0).map((u, i) => [u, i] as const))("refuses %s and never connects", async (_u, i) => {
    const url = loopbackSpellings(port)[i]!;
    const before = hits;
    await expectGenericRefusal(await get(strict, strictUser, url));
    await expectGenericRefusal(await post(strict, strictUser, url.replace("/ca.crl", "/ocsp"), ocspRequest));
    expect(hits).toBe(before);
  });

  it.each(privateSpellings)("refuses %s", async (url) => {
    await expectGenericRefusal(await get(strict, strictUser, url));
  });
});

describe("isPublicAddress", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "::",
    "fd00::1",
    "fe80::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::7f00:1",
    "64:ff9b::7f00:1",
    "64:ff9b:1::1",
    "2002:7f00:1::1",
    "2001::1",
    "not an address",
  ])("%s is refused", (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });
  it.each(["8.8.8.8", "203.162.4.1", "2001:4860::8888", "2404:6800:4005::200e"])("%s is public", (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });
});
