import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pkcs11js from "pkcs11js";
import { createPublicKey, createVerify, webcrypto } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DemoCertificationAuthority, DEMO_LABEL } from "../shared/pki/demo-ca.ts";
import { x509 } from "../shared/pki/x509.ts";
import { CertificateListResponseSchema, SignRequestViewSchema, StatusResponseSchema, CreateSignRequestResponseSchema } from "../shared/agent-protocol/index.ts";
import { SoftHsm, type ProvisionedIdentity } from "../test/support/softhsm.ts";
import { AGENT, csrfOf, fakeSignedAttributes, hex, pair, preparedDocument } from "../test/agent/helpers.ts";
import { PDFDocument } from "pdf-lib";
import fontkit from "@pdf-lib/fontkit";
import { officialDocumentPdf, TINOS } from "../test/support/documents.ts";
import { signaturePng } from "../test/support/png.ts";
import { prepareSignature } from "../shared/sign/index.ts";
import { createAgentApp, type AgentApp, type AgentDeps } from "./app.ts";
import { Pkcs11TokenProvider } from "./tokens/pkcs11-provider.ts";
import { PairingStore } from "./pairing/store.ts";
import { SigningLog } from "./log/signing-log.ts";
import { sha256Hex } from "./pkcs11/index.ts";

const PIN = "739215";
const PWA = "http://localhost:5173";
let hsm: SoftHsm;
let dir: string;
let tokens: Pkcs11TokenProvider;
let ids: Record<"main" | "expired" | "locked" | "removable" | "caOnly" | "spare", ProvisionedIdentity>;
let clock = new Date();
let app: AgentApp;
let log: SigningLog;
let token: string;
const seen: string[] = []; // every response body, to prove the PIN is in none

function makeApp(extra: Partial<AgentDeps> = {}): AgentApp {
  return createAgentApp({
    port: 47815,
    tokens,
    pairings: new PairingStore(join(dir, `pairings-${Math.random()}.json`)),
    log,
    now: () => clock,
    pairingOrigins: [PWA],
    ...extra,
  });
}

async function call(a: AgentApp, path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const res = await a.request(`${AGENT}${path}`, init);
  const text = await res.text();
  seen.push(text);
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

const api = (a: AgentApp, tok: string, path: string, init: { method?: string; body?: unknown } = {}) =>
  call(a, path, {
    method: init.method ?? "GET",
    headers: { Origin: PWA, Authorization: `Bearer ${tok}`, ...(init.body !== undefined ? { "Content-Type": "application/json" } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });

const preparedFor = new Map<string, ReturnType<typeof preparedDocument>>();
/** n documents for the identity's certificate: the same prepared revision (a block with its name and title). */
async function docs(who: ProvisionedIdentity, n: number, extra: Record<string, unknown> = {}) {
  let p = preparedFor.get(who.id);
  if (!p) {
    const cn = who.certificate.subjectName.getField("CN")[0]!;
    const title = who.certificate.subjectName.getField("2.5.4.12")[0];
    p = preparedDocument(who.der, [], { name: cn, ...(title ? { title: [title.toLocaleUpperCase("vi")] } : {}) });
    preparedFor.set(who.id, p);
  }
  const { pdf, signedAttributes } = await p;
  return Array.from({ length: n }, (_, i) => ({
    title: `Quyết định về việc phê duyệt kế hoạch số ${i + 1}`,
    number: `${String(i + 1).padStart(2, "0")}/QĐ-UBND`,
    signatureType: "signer",
    pdf,
    signedAttributes,
    ...extra,
  }));
}
const attrsOf = async (who: ProvisionedIdentity) => (await preparedFor.get(who.id)!).prepared.signedAttributes;

async function consent(a: AgentApp, consentUrl: string, pin: string, action = "sign") {
  const path = new URL(consentUrl).pathname;
  const page = await call(a, path);
  return call(a, path, {
    method: "POST",
    headers: { Origin: AGENT, "Sec-Fetch-Site": "same-origin", "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrf: csrfOf(page.text), pin, action }).toString(),
  });
}

function verify(certDer: Uint8Array, data: Uint8Array, sigB64: string): boolean {
  const cert = new x509.X509Certificate(new Uint8Array(certDer));
  const key = createPublicKey({ key: Buffer.from(cert.publicKey.rawData), format: "der", type: "spki" });
  return createVerify("sha256").update(data).verify(key, Buffer.from(sigB64, "base64"));
}

beforeAll(async () => {
  hsm = SoftHsm.create();
  hsm.useInProcess();
  dir = mkdtempSync(join(tmpdir(), "vanthu-agent-"));
  log = new SigningLog(join(dir, "signing-log.jsonl"));
  const ca = await DemoCertificationAuthority.create({}, webcrypto as unknown as Crypto);
  for (const t of ["Main", "Old", "Locked", "Removable", "CaOnly", "Spare"]) await hsm.initToken(t, PIN);
  ids = {
    main: await hsm.provision(ca, {
      tokenLabel: "Main",
      pin: PIN,
      commonName: "Nguyễn Thị Bình",
      title: "Chủ tịch",
      organization: `UBND xã Tiên Lãng — ${DEMO_LABEL}`,
      keyLabel: "binh",
      withChain: true,
    }),
    expired: await hsm.provision(ca, {
      tokenLabel: "Old",
      pin: PIN,
      commonName: "Trần Văn Cũ",
      notBefore: new Date(Date.now() - 800 * 86400e3),
      notAfter: new Date(Date.now() - 86400e3),
    }),
    locked: await hsm.provision(ca, { tokenLabel: "Locked", pin: PIN, commonName: "Lê Văn Khóa" }),
    removable: await hsm.provision(ca, { tokenLabel: "Removable", pin: PIN, commonName: "Phạm Văn Rút" }),
    caOnly: await hsm.provision(ca, { tokenLabel: "CaOnly", pin: PIN, commonName: "Chỉ ký CRL", keyUsages: x509.KeyUsageFlags.cRLSign }),
    spare: await hsm.provision(ca, { tokenLabel: "Spare", pin: PIN, commonName: "Đỗ Thị Dự Phòng" }),
  };
  hsm.setTokenFlags("Locked", pkcs11js.CKF_USER_PIN_LOCKED);
  tokens = new Pkcs11TokenProvider(hsm.module);
  app = makeApp();
  token = await pair(app, PWA);
}, 180_000);

afterAll(async () => {
  await tokens?.close();
  hsm?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const idOf = (p: ProvisionedIdentity) => sha256Hex(p.der);

describe("agent: status, host and origin", () => {
  it("tells any page that it runs, but only a paired one what is plugged in", async () => {
    const anon = await call(app, "/v1/status", { headers: { Origin: "https://evil.example" } });
    expect(anon.status).toBe(200);
    const s = StatusResponseSchema.parse(anon.json());
    expect(s).toEqual({ agent: "vanthu-agent", version: "0.1.0", protocolVersion: 1, paired: false });
    // an unpaired page learns that the agent runs (the request succeeds) but cannot read the answer
    expect(anon.headers.get("access-control-allow-origin")).toBeNull();
    const mine = StatusResponseSchema.parse((await api(app, token, "/v1/status")).json());
    expect(mine.paired).toBe(true);
    expect(mine.module?.path).toBe(hsm.module);
    expect(mine.tokens?.map((t) => t.label)).toContain("Main");
  });

  it("refuses a foreign Host header everywhere (DNS rebinding)", async () => {
    for (const path of ["/v1/status", "/v1/certificates", "/consent/x", "/pair"]) {
      const r = await call(app, path, { headers: { Host: "evil.example:47815", Origin: PWA, Authorization: `Bearer ${token}` } });
      expect(r.status, path).toBe(421);
    }
  });

  it("refuses an unpaired origin, and its CORS / PNA preflight", async () => {
    const r = await call(app, "/v1/certificates", { headers: { Origin: "http://localhost:8080", Authorization: `Bearer ${token}` } });
    expect(r.status).toBe(403);
    expect(r.json().error.code).toBe("agent.origin-not-paired");
    const pre = await call(app, "/v1/sign-requests", {
      method: "OPTIONS",
      headers: { Origin: "http://localhost:8080", "Access-Control-Request-Method": "POST", "Access-Control-Request-Private-Network": "true" },
    });
    expect(pre.status).toBe(403);
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    const ok = await call(app, "/v1/sign-requests", {
      method: "OPTIONS",
      headers: { Origin: PWA, "Access-Control-Request-Method": "POST", "Access-Control-Request-Private-Network": "true" },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-private-network")).toBe("true");
  });

  it("refuses a simple cross-site form post that would create a sign request", async () => {
    const form = new URLSearchParams({ certificateId: idOf(ids.main), documents: "x" }).toString();
    const noToken = await call(app, "/v1/sign-requests", {
      method: "POST",
      headers: { Origin: PWA, "Content-Type": "application/x-www-form-urlencoded" },
      body: form,
    });
    expect(noToken.status).toBe(401);
    const withToken = await call(app, "/v1/sign-requests", {
      method: "POST",
      headers: { Origin: PWA, Authorization: `Bearer ${token}`, "Content-Type": "text/plain" },
      body: JSON.stringify({ certificateId: idOf(ids.main), documents: await docs(ids.main, 1) }),
    });
    expect(withToken.status).toBe(415);
  });
});

describe("agent: pairing", () => {
  it("needs the code the app shows, typed on the agent's own page", async () => {
    const a = makeApp({ pairingOrigins: ["https://vanthu.haiphong.example"] });
    const start = await a.request(`${AGENT}/pair`, {
      method: "POST",
      headers: { Origin: "https://vanthu.haiphong.example", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ tokenHash: hex(7) }),
    });
    expect(start.status).toBe(303);
    const loc = start.headers.get("location")!;
    const page = await call(a, loc);
    expect(page.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    expect(page.text).toContain("https://vanthu.haiphong.example");
    const post = (headers: Record<string, string>, code: string) =>
      call(a, loc, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams({ csrf: csrfOf(page.text), code, action: "confirm" }).toString(),
      });
    // the requesting page itself cannot confirm
    expect((await post({ Origin: "https://vanthu.haiphong.example" }, "000000")).status).toBe(403);
    const wrong = await post({ Origin: AGENT }, "000000");
    expect(wrong.text).toContain("agent.pairing-code-wrong");
    expect((await call(a, "/v1/certificates", { headers: { Origin: "https://vanthu.haiphong.example" } })).status).toBe(403);
    await post({ Origin: AGENT }, "000001");
    const third = await post({ Origin: AGENT }, "000002");
    expect(third.text).toMatch(/quá 3 lần/);
    expect((await call(a, loc)).status).toBe(410);
  });

  it("lets the person see and remove pairings on the agent's home page", async () => {
    const a = makeApp({ pairingOrigins: ["https://other.example"] });
    const tok = await pair(a, "https://other.example");
    const page = await call(a, "/");
    expect(page.text).toContain("https://other.example");
    const id = /action="\/pairings\/([^/]+)\/remove"/.exec(page.text)![1]!;
    const remove = (origin: string) =>
      call(a, `/pairings/${id}/remove`, {
        method: "POST",
        headers: { Origin: origin, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrf: csrfOf(page.text) }).toString(),
      });
    expect((await remove("https://other.example")).status).toBe(403);
    expect((await call(a, "/v1/certificates", { headers: { Origin: "https://other.example", Authorization: `Bearer ${tok}` } })).status).toBe(200);
    const after = await remove(AGENT);
    expect(after.text).toContain("Chưa có trang web nào được ghép nối");
    expect((await call(a, "/v1/certificates", { headers: { Origin: "https://other.example", Authorization: `Bearer ${tok}` } })).status).toBe(403);
  });

  it("lets only the sync server's origin set at install ask to pair; demo mode any http://127.0.0.1 port", async () => {
    const a = makeApp({ pairingOrigins: ["https://vanthu.haiphong.example"] });
    const ask = (origin: string) =>
      a.request(`${AGENT}/pair`, {
        method: "POST",
        headers: { Origin: origin, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ tokenHash: hex(7) }),
      });
    expect((await ask("https://vanthu.haiphong.example")).status).toBe(303);
    const other = await ask("https://evil.example");
    expect(other.status).toBe(403);
    expect(await other.text()).toMatch(/không được phép ghép nối/);
    expect((await ask("http://127.0.0.1:8080")).status).toBe(403);
  });

  it("counts pairing attempts per origin: a flood from one page does not lock out the office's app", async () => {
    const a = makeApp({ pairingOrigins: ["https://evil.example", PWA] });
    const ask = (origin: string) =>
      a.request(`${AGENT}/pair`, {
        method: "POST",
        headers: { Origin: origin, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ tokenHash: hex(8) }),
      });
    const flood = [];
    for (let i = 0; i < 12; i++) flood.push((await ask("https://evil.example")).status);
    expect(flood).toContain(429);
    expect((await ask(PWA)).status).toBe(303);
  });

  it("refuses to pair a plain-http remote site or the agent itself", async () => {
    for (const origin of ["http://evil.example", AGENT, "null"]) {
      const r = await call(app, "/pair", {
        method: "POST",
        headers: { Origin: origin, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ tokenHash: hex(9) }).toString(),
      });
      expect(r.status, origin).toBe(403);
    }
  });
});

describe("agent: certificates and signing on SoftHSM2", () => {
  it("lists the certificates with their key on the tokens", async () => {
    const r = await api(app, token, "/v1/certificates");
    const { certificates } = CertificateListResponseSchema.parse(r.json());
    const main = certificates.find((c) => c.id === idOf(ids.main))!;
    expect(main).toMatchObject({ commonName: "Nguyễn Thị Bình", title: "Chủ tịch", tokenLabel: "Main", usable: true, isDemo: true, keyAlgorithm: "RSA" });
    expect(main.chain).toHaveLength(1);
    const old = certificates.find((c) => c.id === idOf(ids.expired))!;
    expect(old.usable).toBe(false);
    expect(old.unusableReason?.code).toBe("CERT_EXPIRED");
    expect(certificates.find((c) => c.id === idOf(ids.caOnly))!.unusableReason?.code).toBe("CERT_KEY_USAGE");
  });

  it("signs a batch of 20 with one consent and one PIN, and logs it without the PIN", async () => {
    const created = await api(app, token, "/v1/sign-requests", {
      method: "POST",
      body: { certificateId: idOf(ids.main), documents: await docs(ids.main, 20) },
    });
    expect(created.status).toBe(201);
    const { id, consentUrl } = CreateSignRequestResponseSchema.parse(created.json());
    expect(consentUrl).toBe(`${AGENT}/consent/${id}`);
    const before = SignRequestViewSchema.parse((await api(app, token, `/v1/sign-requests/${id}`)).json());
    expect(before.state).toBe("awaiting-consent");

    const page = await call(app, `/consent/${id}`);
    expect(page.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.text).toContain("Quyết định về việc phê duyệt kế hoạch số 20");
    expect(page.text).toContain("20/QĐ-UBND");
    const digest = Buffer.from((await preparedFor.get(ids.main.id)!).prepared.documentDigest).toString("hex");
    // what the agent read and computed from the PDF itself: the number on page 1, the digest, the page picture
    expect(page.text).toContain(digest);
    expect(page.text).toContain("125/UBND-VP");
    expect(page.text).toMatch(/<img src="data:image\/png;base64,/);
    expect(page.text).toContain("Nguyễn Thị Bình");
    expect(page.text).toContain(idOf(ids.main));
    expect(page.text).toContain("Chữ ký của người có thẩm quyền");

    const done = await consent(app, consentUrl, PIN);
    expect(done.text).toContain('data-signed="20"');
    const view = SignRequestViewSchema.parse((await api(app, token, `/v1/sign-requests/${id}`)).json());
    expect(view.state).toBe("completed");
    for (const r of view.results) {
      expect(r.status).toBe("signed");
      expect(r.sha256).toBe(digest);
      if (r.status === "signed") expect(verify(ids.main.der, await attrsOf(ids.main), r.signature)).toBe(true);
    }
    // the consent form cannot be replayed
    const replay = await call(app, `/consent/${id}`, {
      method: "POST",
      headers: { Origin: AGENT, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf: csrfOf(page.text), pin: PIN, action: "sign" }).toString(),
    });
    expect(replay.status).toBe(410);
    const entry = log.read().find((e) => e.requestId === id && e.event === "batch-signed")!;
    expect(entry.origin).toBe(PWA);
    expect(entry.certificate?.id).toBe(idOf(ids.main));
    expect(entry.documents?.map((d) => d.sha256)).toEqual(Array(20).fill(digest));
  });

  it("says the PIN was wrong and lets the person try again, then gives up after three", async () => {
    const app = makeApp();
    const token = await pair(app, PWA);
    const { consentUrl, id } = (
      await api(app, token, "/v1/sign-requests", { method: "POST", body: { certificateId: idOf(ids.main), documents: await docs(ids.main, 2) } })
    ).json();
    const wrong = await consent(app, consentUrl, "111111");
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('data-code="token.pin-incorrect"');
    expect(wrong.text).toMatch(/Sai mã PIN/);
    expect((await api(app, token, `/v1/sign-requests/${id}`)).json().state).toBe("awaiting-consent");
    const ok = await consent(app, consentUrl, PIN);
    expect(ok.text).toContain('data-signed="2"');

    const again = (
      await api(app, token, "/v1/sign-requests", { method: "POST", body: { certificateId: idOf(ids.main), documents: await docs(ids.main, 1) } })
    ).json();
    clock = new Date(clock.getTime() + 61_000); // a fresh minute for the PIN rate limit
    for (const p of ["222221", "222222"]) expect((await consent(app, again.consentUrl, p)).status).toBe(400);
    const third = await consent(app, again.consentUrl, "222223");
    expect(third.text).toContain("agent.too-many-wrong-pins");
    expect((await api(app, token, `/v1/sign-requests/${again.id}`)).json().state).toBe("failed");
  });

  it("refuses a locked PIN and says to recover the token (Điều 11)", async () => {
    clock = new Date(clock.getTime() + 61_000);
    const { consentUrl, id } = (
      await api(app, token, "/v1/sign-requests", { method: "POST", body: { certificateId: idOf(ids.locked), documents: await docs(ids.locked, 1) } })
    ).json();
    const r = await consent(app, consentUrl, PIN);
    expect(r.text).toContain("token.pin-locked");
    expect(r.text).toMatch(/Điều 11/);
    const view = (await api(app, token, `/v1/sign-requests/${id}`)).json();
    expect(view.state).toBe("failed");
    expect(view.error.code).toBe("token.pin-locked");
  });

  it("keeps the signatures made before the token was pulled out, and fails the rest", async () => {
    clock = new Date(clock.getTime() + 61_000);
    const a = makeApp({
      events: {
        documentSigned: ({ index }) => {
          if (index === 4) hsm.removeToken("Removable");
        },
      },
    });
    const tok = await pair(a, PWA);
    const { consentUrl, id } = (
      await api(a, tok, "/v1/sign-requests", { method: "POST", body: { certificateId: idOf(ids.removable), documents: await docs(ids.removable, 10) } })
    ).json();
    const page = await consent(a, consentUrl, PIN);
    expect(page.text).toContain('data-signed="5"');
    expect(page.text).toMatch(/rút ra/);
    const view = SignRequestViewSchema.parse((await api(a, tok, `/v1/sign-requests/${id}`)).json());
    expect(view.state).toBe("failed");
    for (const [i, r] of view.results.entries()) {
      if (i < 5) {
        expect(r.status).toBe("signed");
        if (r.status === "signed") expect(verify(ids.removable.der, await attrsOf(ids.removable), r.signature)).toBe(true);
      } else {
        expect(r.status).toBe("failed");
        if (r.status === "failed") expect(r.error.code).toBe("token.removed");
      }
    }
  });

  it("signs one batch at a time: a double-submitted consent signs once, two consents both complete", async () => {
    clock = new Date(clock.getTime() + 61_000);
    const a = (
      await api(app, token, "/v1/sign-requests", { method: "POST", body: { certificateId: idOf(ids.main), documents: await docs(ids.main, 3) } })
    ).json();
    const b = (
      await api(app, token, "/v1/sign-requests", { method: "POST", body: { certificateId: idOf(ids.main), documents: await docs(ids.main, 3) } })
    ).json();
    const form = async (url: string) => {
      const path = new URL(url).pathname;
      const csrf = csrfOf((await call(app, path)).text);
      return () =>
        call(app, path, {
          method: "POST",
          headers: { Origin: AGENT, "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ csrf, pin: PIN, action: "sign" }).toString(),
        });
    };
    const [postA, postB] = [await form(a.consentUrl), await form(b.consentUrl)];
    const [a1, a2, b1] = await Promise.all([postA(), postA(), postB()]);
    expect([a1.status, a2.status].sort()).toEqual([200, 410]);
    expect(b1.status).toBe(200);
    for (const id of [a.id, b.id]) expect((await api(app, token, `/v1/sign-requests/${id}`)).json().state).toBe("completed");
  });

  it("says when the token is not plugged in at the PIN, keeps the request, and refuses new ones for it", async () => {
    clock = new Date(clock.getTime() + 61_000);
    const { consentUrl, id } = (
      await api(app, token, "/v1/sign-requests", { method: "POST", body: { certificateId: idOf(ids.spare), documents: await docs(ids.spare, 2) } })
    ).json();
    hsm.removeToken("Spare");
    const page = await consent(app, consentUrl, PIN);
    expect(page.text).toContain('data-code="token.not-present"');
    expect(page.text).toMatch(/Hãy cắm đúng token/);
    expect(page.text).toContain('name="pin"');
    expect((await api(app, token, `/v1/sign-requests/${id}`)).json().state).toBe("awaiting-consent");
    const again = await api(app, token, "/v1/sign-requests", { method: "POST", body: { certificateId: idOf(ids.spare), documents: await docs(ids.spare, 1) } });
    expect(again.status).toBe(404);
    expect(again.json().error.code).toMatch(/^token\./);
  });

  it("counts wrong PINs per origin across requests, with a growing wait; another origin is not held up", async () => {
    const OTHER = "http://localhost:5174";
    const a = makeApp({ pairingOrigins: [PWA, OTHER], limits: { pinAttemptsPerMinute: 50 } });
    const mine = await pair(a, PWA);
    const theirs = await pair(a, OTHER);
    const ask = async (tok: string) => {
      const origin = tok === theirs ? OTHER : PWA;
      const body = JSON.stringify({ certificateId: idOf(ids.main), documents: await docs(ids.main, 1) });
      const r = await call(a, "/v1/sign-requests", {
        method: "POST",
        headers: { Origin: origin, Authorization: `Bearer ${tok}`, "Content-Type": "application/json" },
        body,
      });
      expect(r.status, r.text).toBe(201);
      return r.json().consentUrl as string;
    };
    // wrong PINs spread over requests (each below its own limit of three)
    const urls = [await ask(theirs), await ask(theirs)];
    expect((await consent(a, urls[0]!, "999991")).status).toBe(400);
    expect((await consent(a, urls[0]!, "999992")).status).toBe(400);
    expect((await consent(a, urls[1]!, "999993")).status).toBe(400);
    const held = await consent(a, urls[1]!, PIN);
    expect(held.status).toBe(429);
    expect(held.text).toContain("agent.pin-backoff");
    // the office's own app, another origin, signs at once
    expect((await consent(a, await ask(mine), PIN)).text).toContain('data-signed="1"');
    clock = new Date(clock.getTime() + 31_000);
    expect((await consent(a, urls[1]!, PIN)).text).toContain('data-signed="1"');
  });

  it("refuses signed attributes whose digest is not the PDF's, and a bare hash", async () => {
    const [d] = await docs(ids.main, 1);
    const other = await preparedDocument(ids.main.der, [], { name: "Nguyễn Thị Bình", title: ["CHỦ TỊCH"], kind: "signer" });
    // the signed attributes of another PDF (a random digest would be refused the same way)
    const forged = await api(app, token, "/v1/sign-requests", {
      method: "POST",
      body: { certificateId: idOf(ids.main), documents: [{ ...d, signedAttributes: Buffer.from(fakeSignedAttributes(1)).toString("base64") }] },
    });
    expect(forged.status).toBe(422);
    expect(forged.json().error.code).toBe("agent.digest-mismatch");
    expect(forged.json().error.messageVi).toMatch(/chỉ ký đúng tệp được hiển thị/);
    const swapped = await api(app, token, "/v1/sign-requests", {
      method: "POST",
      body: {
        certificateId: idOf(ids.main),
        documents: [{ ...d, pdf: Buffer.from(await officialDocumentPdf()).toString("base64"), signedAttributes: other.signedAttributes }],
      },
    });
    expect(swapped.json().error.code).toBe("agent.digest-mismatch");
    const bare = await api(app, token, "/v1/sign-requests", {
      method: "POST",
      body: {
        certificateId: idOf(ids.main),
        documents: [{ title: "Báo cáo tuần (vô hại)", sha256: hex(3), signatureType: "signer", signedAttributes: d!.signedAttributes }],
      },
    });
    expect(bare.status).toBe(400);
    expect(bare.json().error.code).toBe("agent.invalid-request");
  });

  it("runs the document rules of the signing policy on the PDF itself (R9, R8)", async () => {
    const marked = await PDFDocument.load(await officialDocumentPdf({ title: ["CHỦ TỊCH"], name: "Nguyễn Thị Bình" }));
    marked.registerFontkit(fontkit);
    marked.getPage(0).drawText("MẬT", { x: 90, y: 718, size: 13, font: await marked.embedFont(TINOS, { subset: true }) });
    const secret = await prepareSignature(await marked.save({ useObjectStreams: false }), {
      type: "signer",
      certificates: { certificate: ids.main.der, chain: [] },
      digestAlgorithm: "SHA-256",
      signatureAlgorithm: "RSASSA-PKCS1-v1_5",
      image: signaturePng(),
    });
    const r = await api(app, token, "/v1/sign-requests", {
      method: "POST",
      body: {
        certificateId: idOf(ids.main),
        documents: [
          {
            title: "Công văn thường",
            signatureType: "signer",
            pdf: Buffer.from(secret.bytes).toString("base64"),
            signedAttributes: Buffer.from(secret.signedAttributes).toString("base64"),
          },
        ],
      },
    });
    expect(r.status).toBe(422);
    expect(r.json().error.code).toBe("domain.classified");
    // the chairman's certificate on a block that names a deputy
    const deputyBlock = await preparedDocument(ids.main.der, [], { name: "Nguyễn Thị Bình" });
    const r8 = await api(app, token, "/v1/sign-requests", {
      method: "POST",
      body: {
        certificateId: idOf(ids.main),
        documents: [{ title: "Quyết định", signatureType: "signer", pdf: deputyBlock.pdf, signedAttributes: deputyBlock.signedAttributes }],
      },
    });
    expect(r8.status).toBe(422);
    expect(r8.json().error.code).toBe("policy.r8-other-title");
  });

  it("signs CMS signed attributes only, never arbitrary bytes", async () => {
    for (const bytes of [new TextEncoder().encode("any bytes a page wants signed"), Uint8Array.of(0x31, 0x03, 0x04, 0x01, 0x00)]) {
      const r = await api(app, token, "/v1/sign-requests", {
        method: "POST",
        body: { certificateId: idOf(ids.main), documents: await docs(ids.main, 1, { signedAttributes: Buffer.from(bytes).toString("base64") }) },
      });
      expect(r.status).toBe(400);
      expect(r.json().error.code).toBe("agent.invalid-request");
    }
  });

  it("refuses an expired certificate before asking for the PIN (R10)", async () => {
    const r = await api(app, token, "/v1/sign-requests", { method: "POST", body: { certificateId: idOf(ids.expired), documents: await docs(ids.main, 1) } });
    expect(r.status).toBe(422);
    expect(r.json().error.code).toBe("CERT_EXPIRED");
    expect(r.json().error.messageVi).toMatch(/hết hạn/);
  });

  it("refuses classified documents (Mật, Tối mật, Tuyệt mật) and keeps nothing of them", async () => {
    for (const secrecy of ["Mật", "Tối mật", "Tuyệt mật"]) {
      const body = {
        certificateId: idOf(ids.main),
        documents: [...(await docs(ids.main, 1)), ...(await docs(ids.main, 1, { secrecy, title: `Văn bản ${secrecy} bí mật XYZ` }))],
      };
      const r = await api(app, token, "/v1/sign-requests", { method: "POST", body });
      expect(r.status).toBe(422);
      expect(r.json().error.code).toBe("domain.classified");
    }
    expect(readFileSync(log.file, "utf8")).not.toContain("bí mật XYZ");
  });

  it("expires a request nobody consented to", async () => {
    const { consentUrl, id } = (
      await api(app, token, "/v1/sign-requests", { method: "POST", body: { certificateId: idOf(ids.main), documents: await docs(ids.main, 1) } })
    ).json();
    clock = new Date(clock.getTime() + 6 * 60_000);
    const view = (await api(app, token, `/v1/sign-requests/${id}`)).json();
    expect(view.state).toBe("expired");
    const page = await call(app, new URL(consentUrl).pathname);
    expect(page.text).toContain("agent.request-expired");
    expect(page.text).not.toContain('name="pin"');
  });

  it("limits how many sign requests a pairing may send", async () => {
    const a = makeApp({ limits: { signRequestsPerMinute: 3, awaitingPerPairing: 100 } });
    const tok = await pair(a, PWA);
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await api(a, tok, "/v1/sign-requests", { method: "POST", body: { certificateId: idOf(ids.main), documents: await docs(ids.main, 1) } })).status,
      );
    expect(statuses).toEqual([201, 201, 201, 429]);
  });

  it("does not show one pairing's request to another", async () => {
    const other = await pair(app, PWA);
    const { id } = (
      await api(app, token, "/v1/sign-requests", { method: "POST", body: { certificateId: idOf(ids.main), documents: await docs(ids.main, 1) } })
    ).json();
    expect((await api(app, other, `/v1/sign-requests/${id}`)).status).toBe(404);
  });

  it("never puts the PIN in a response or the signing log", () => {
    const everything = seen.join("\n") + readFileSync(log.file, "utf8");
    expect(everything).not.toContain(PIN);
    expect(everything.length).toBeGreaterThan(1000);
  });
});
