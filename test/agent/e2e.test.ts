/**
 * The agent end to end in real Chromium: a web page on another localhost origin pairs with
 * the agent (the person types the code on the agent's page), sends a batch of 20 documents
 * prepared by the signing engine, the consent page is opened, the PIN typed there, and the
 * page collects the signatures; each signed PDF is then judged by poppler's pdfsig.
 * And the attacks: unpaired origin, DNS rebinding (wrong Host), simple form posts, framing
 * the consent page, posting the consent form from the web page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { createServer, type Server } from "node:http";
import { createHash, webcrypto } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { DemoCertificationAuthority, DEMO_LABEL } from "../../shared/pki/demo-ca.ts";
import { hashPairingToken, newPairingToken, pairingCodeFromHash, type CertificateInfo, type SignRequestView } from "../../shared/agent-protocol/index.ts";
import { completeSignature, prepareSignature } from "../../shared/sign/index.ts";
import { inkSummary } from "../../shared/sign/policy/signature-image.ts";
import { SoftHsm } from "../support/softhsm.ts";
import { officialDocumentPdf } from "../support/documents.ts";
import { pdfsig } from "../support/tools.ts";
import { signaturePng } from "../support/png.ts";
import { startAgent, type RunningAgent } from "../../agent/server.ts";

const PIN = "482916";
const BATCH = 20;
let hsm: SoftHsm;
let dir: string;
let agent: RunningAgent;
let browser: Browser;
let context: BrowserContext;
let pwa: { server: Server; origin: string };
let evil: { server: Server; origin: string };
let pwaPage: Page;
let token: string;
const pwaRequests: string[] = [];

async function site(title: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1></body></html>`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  hsm = SoftHsm.create();
  hsm.useInProcess();
  dir = mkdtempSync(join(tmpdir(), "vanthu-agent-e2e-"));
  const ca = await DemoCertificationAuthority.create({}, webcrypto as unknown as Crypto);
  await hsm.initToken("Token E2E", PIN);
  await hsm.provision(ca, {
    tokenLabel: "Token E2E",
    pin: PIN,
    commonName: "Nguyễn Văn An",
    title: "Phó Chủ tịch",
    organization: `UBND phường Hồng Bàng — ${DEMO_LABEL}`,
    keyLabel: "an",
    withChain: true,
  });
  pwa = await site("Văn thư số");
  evil = await site("Trang lạ");
  // Only the office's own app (the sync server's origin, set at install) may ask to pair.
  agent = await startAgent({ module: hsm.module, port: 0, dataDir: join(dir, "agent"), say: () => undefined, pairingOrigins: [pwa.origin] });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      // a hostile name that resolves to 127.0.0.1: DNS rebinding
      "--host-resolver-rules=MAP rebind.test 127.0.0.1",
    ],
  });
  context = await browser.newContext();
  pwaPage = await context.newPage();
  pwaPage.on("request", (r) => pwaRequests.push(`${r.url()} ${r.postData() ?? ""} ${JSON.stringify(r.headers())}`));
  await pwaPage.goto(pwa.origin);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await agent?.close();
  pwa?.server.close();
  evil?.server.close();
  hsm?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs in the page: the PWA's side of the protocol. */
const inPage = {
  async pairForm({ agent, tokenHash }: { agent: string; tokenHash: string }) {
    const f = document.createElement("form");
    f.method = "POST";
    f.action = `${agent}/pair`;
    f.target = "_blank";
    for (const [k, v] of Object.entries({ tokenHash, appName: "Văn thư số" })) {
      const i = document.createElement("input");
      i.name = k;
      i.value = v;
      f.append(i);
    }
    document.body.append(f);
    f.submit();
  },
  async api({ agent, token, path, method, body }: { agent: string; token: string; path: string; method?: string; body?: unknown }) {
    const r = await fetch(`${agent}${path}`, {
      method: method ?? "GET",
      headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, json: await r.json() };
  },
};

describe("agent in Chromium", () => {
  it("pairs by a code typed on the agent's own page", async () => {
    token = newPairingToken();
    const tokenHash = await hashPairingToken(token);
    const popup = context.waitForEvent("page");
    await pwaPage.evaluate(inPage.pairForm, { agent: agent.url, tokenHash });
    const pairPage = await popup;
    await pairPage.waitForSelector("#code");
    expect(pairPage.url()).toMatch(new RegExp(`^${agent.url}/pair/`));
    expect(await pairPage.textContent("#origin")).toBe(pwa.origin);
    await pairPage.fill("#code", pairingCodeFromHash(tokenHash));
    await pairPage.click("#confirm");
    await pairPage.waitForSelector("#paired");
    await pairPage.close();
    const status = await pwaPage.evaluate(inPage.api, { agent: agent.url, token, path: "/v1/status" });
    expect(status.json.paired).toBe(true);
  });

  it(`signs a batch of ${BATCH} PDFs with one consent and one PIN; every signature valid in pdfsig`, async () => {
    const { json } = await pwaPage.evaluate(inPage.api, { agent: agent.url, token, path: "/v1/certificates" });
    const cert = (json.certificates as CertificateInfo[]).find((c) => c.keyLabel === "an")!;
    expect(cert.usable).toBe(true);

    // The signing engine prepares each PDF (no key): the revision with the signature field and
    // the signed attributes; the page sends both, and the agent computes the digest itself.
    const certificate = new Uint8Array(Buffer.from(cert.certificate, "base64"));
    const chain = cert.chain.map((c) => new Uint8Array(Buffer.from(c, "base64")));
    const image = signaturePng();
    const inputs = await Promise.all(Array.from({ length: BATCH }, () => officialDocumentPdf()));
    const prepared = await Promise.all(
      inputs.map((pdf) =>
        prepareSignature(pdf, {
          type: "signer",
          certificates: { certificate, chain },
          digestAlgorithm: "SHA-256",
          signatureAlgorithm: "RSASSA-PKCS1-v1_5",
          image,
        }),
      ),
    );
    const digests = prepared.map((p) => Buffer.from(p.documentDigest).toString("hex"));
    const documents = prepared.map((p, i) => ({
      title: `Công văn về việc triển khai chữ ký số, bản ${i + 1}`,
      number: `${String(i + 1).padStart(2, "0")}/UBND-VP`,
      signatureType: "signer",
      pdf: Buffer.from(p.bytes).toString("base64"),
      signedAttributes: Buffer.from(p.signedAttributes).toString("base64"),
    }));
    const consentPopup = context.waitForEvent("page", { timeout: 240_000 });
    const created = await pwaPage.evaluate(
      async ({ agent, token, body }) => {
        const r = await fetch(`${agent}/v1/sign-requests`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify(body),
        });
        const j = await r.json();
        if (r.status === 201) window.open(j.consentUrl, "_blank");
        return { status: r.status, json: j };
      },
      { agent: agent.url, token, body: { certificateId: cert.id, documents } },
    );
    expect(created.status).toBe(201);
    const consent = await consentPopup;
    await consent.waitForSelector("#pin", { timeout: 240_000 });

    // The web page can neither post the consent form itself…
    await pwaPage.evaluate(
      async ({ url }) => {
        await fetch(url, { method: "POST", mode: "no-cors", body: new URLSearchParams({ pin: "000000", action: "sign", csrf: "guess" }) });
      },
      { url: created.json.consentUrl },
    );
    // …nor show the consent page inside its own frame.
    await pwaPage.evaluate((url) => {
      const f = document.createElement("iframe");
      f.src = url;
      f.id = "framed";
      document.body.append(f);
      return new Promise((r) => f.addEventListener("load", r));
    }, created.json.consentUrl);
    const framed = pwaPage.frames().find((f) => f !== pwaPage.mainFrame());
    expect(framed).toBeDefined();
    expect(await framed!.$("#pin").catch(() => null)).toBeNull();
    const still = await pwaPage.evaluate(inPage.api, { agent: agent.url, token, path: `/v1/sign-requests/${created.json.id}` });
    expect(still.json.state).toBe("awaiting-consent");

    // The person reads what is to be signed — what the agent itself read and computed from the
    // bytes: a picture of the page with the signature, the number on page 1, the SHA-256 — types
    // the PIN on the agent's page, signs.
    expect(await consent.locator("#documents .doc").count()).toBe(BATCH);
    expect(await consent.locator("#documents .sha256").allTextContents()).toEqual(digests);
    expect(await consent.textContent("#documents .doc >> nth=0 >> .pdf-number")).toBe("125/UBND-VP");
    expect(await consent.textContent("#documents .doc >> nth=0 >> .pdf-title")).toContain("Về việc triển khai chữ ký số chuyên dùng công vụ");
    expect(await consent.textContent("#documents")).toContain(`${BATCH}/UBND-VP`);
    const pictures = await consent.evaluate(() =>
      [...document.querySelectorAll<HTMLImageElement>("#documents img")].map((i) => ({ ok: i.complete && i.naturalWidth > 300, src: i.src })),
    );
    expect(pictures).toHaveLength(BATCH);
    expect(pictures.every((p) => p.ok)).toBe(true);
    // the page pictured is the one with the signature: the blue ink of the signature image is drawn on it
    const png = new Uint8Array(Buffer.from(pictures[0]!.src.split(",")[1]!, "base64"));
    expect(inkSummary(png).blueShare).toBeGreaterThan(0.001);
    writeFileSync(join(dir, "consent.png"), await consent.screenshot({ fullPage: false }));
    expect(await consent.textContent("#certificate")).toContain("Nguyễn Văn An");
    expect(await consent.textContent("#origin")).toBe(pwa.origin);
    // A wrong PIN first: the page says so, with what the token says about tries left.
    await consent.fill("#pin", "000000");
    await consent.click("#sign");
    await consent.waitForSelector("#error");
    expect(await consent.getAttribute("#error", "data-code")).toBe("token.pin-incorrect");
    expect(await consent.textContent("#error")).toMatch(/Sai mã PIN/);
    await consent.fill("#pin", PIN);
    await consent.click("#sign");
    await consent.waitForSelector("#result");
    expect(await consent.getAttribute("#result", "data-signed")).toBe(String(BATCH));

    const view = (
      await pwaPage.evaluate(
        async ({ agent, token, id }) => {
          for (;;) {
            const r = await fetch(`${agent}/v1/sign-requests/${id}`, { headers: { Authorization: `Bearer ${token}` } });
            const j = await r.json();
            if (j.state !== "awaiting-consent" && j.state !== "signing") return { json: j };
            await new Promise((res) => setTimeout(res, 100));
          }
        },
        { agent: agent.url, token, id: created.json.id },
      )
    ).json as SignRequestView;
    expect(view.state).toBe("completed");
    for (const [i, p] of prepared.entries()) {
      const r = view.results[i]!;
      if (r.status !== "signed") throw new Error(`document ${i} not signed`);
      expect(r.sha256).toBe(digests[i]);
      const f = join(dir, `signed-${i}.pdf`);
      writeFileSync(f, completeSignature(p, { signature: new Uint8Array(Buffer.from(r.signature, "base64")), certificates: [certificate, ...chain] }));
      const sigs = await pdfsig(f);
      expect(
        sigs.map((x) => x.valid),
        f,
      ).toEqual([true]);
    }
    // The PIN went to the agent's page only: not in any request of the web page, not in the log.
    expect(pwaRequests.join("\n")).not.toContain(PIN);
    const log = readFileSync(join(dir, "agent", "signing-log.jsonl"), "utf8");
    expect(log).not.toContain(PIN);
    expect(log).toContain(digests[0]);
  }, 300_000);

  it("refuses an unpaired origin, even its preflight", async () => {
    const page = await context.newPage();
    await page.goto(evil.origin);
    const r = await page.evaluate(
      async ({ agent, token }) => {
        // a probe tells the agent runs (the request succeeds, opaque); reading the answer is blocked
        const probe = (await fetch(`${agent}/v1/status`, { mode: "no-cors" })).type;
        const status = await fetch(`${agent}/v1/status`).then(
          () => "read",
          () => "blocked",
        );
        const out: string[] = [];
        for (const init of [
          {},
          { headers: { Authorization: `Bearer ${token}` } },
          { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` }, body: "{}" },
        ]) {
          try {
            await fetch(`${agent}/v1/certificates`, init as RequestInit);
            out.push("read");
          } catch {
            out.push("blocked");
          }
        }
        return { probe, status, out };
      },
      { agent: agent.url, token },
    );
    // it may learn that an agent runs, nothing more — not even with a stolen token
    expect(r.probe).toBe("opaque");
    expect(r.status).toBe("blocked");
    expect(r.out).toEqual(["blocked", "blocked", "blocked"]);
    await page.close();
  });

  it("refuses a request whose Host is not its own (DNS rebinding)", async () => {
    const page = await context.newPage();
    const res = await page.goto(`http://rebind.test:${agent.port}/v1/status`);
    expect(res!.status()).toBe(421);
    expect(await page.textContent("body")).toContain("agent.host-refused");
    await page.close();
  });

  it("ignores simple cross-site form posts, from unpaired and paired origins alike", async () => {
    const before = readFileSync(join(dir, "agent", "signing-log.jsonl"), "utf8");
    for (const origin of [evil.origin, pwa.origin]) {
      const page = await context.newPage();
      await page.goto(origin);
      const response = page.waitForResponse((r) => r.url() === `${agent.url}/v1/sign-requests`);
      await page.evaluate((agentUrl) => {
        const f = document.createElement("form");
        f.method = "POST";
        f.action = `${agentUrl}/v1/sign-requests`;
        f.enctype = "text/plain";
        const i = document.createElement("input");
        i.name = '{"certificateId":"00","documents":[],"x":"';
        i.value = '"}';
        f.append(i);
        document.body.append(f);
        f.submit();
      }, agent.url);
      const r = await response;
      expect([401, 403]).toContain(r.status());
      await page.close();
    }
    expect(readFileSync(join(dir, "agent", "signing-log.jsonl"), "utf8")).toBe(before);
  });
});
