/**
 * Helpers of the browser tests: the built PWA, a small static server for it (with a CRL the
 * verifier can fetch), Chromium through playwright-core, and signed PDFs made with the
 * project's own signing engine and a demo CA.
 */
import { createServer, type Server } from "node:http";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { deflateSync } from "node:zlib";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";
import { PDFDocument } from "pdf-lib";
import fontkit from "@pdf-lib/fontkit";
import { DemoCertificationAuthority } from "../../shared/pki/demo-ca.ts";
import { DEMO_PASSWORD } from "../../sync-server/seed.ts";
import { signPdf, WebCryptoSigner } from "../../shared/sign/index.ts";
import { buildPwa, builtPwa } from "../support/pwa-build.ts";

export const ROOT = join(import.meta.dirname, "../..");
export const DIST = join(ROOT, "dist/web");
export const RESULTS = join(ROOT, "test-results");

/** A separate build with other environment (e.g. another VANTHU_VERSION): its own `vite build`. */
export function buildWebWith(env: Record<string, string>): string {
  return buildPwa(env);
}
/**
 * The shipped PWA, built once per test run by the global setup (test/support/global-setup.ts);
 * the caller gets its own hard-linked copy, which it may serve, change or delete.
 */
export function buildWeb(): string {
  return builtPwa();
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
  ".ttf": "font/ttf",
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
  /** Extra answers (e.g. a CRL), path → bytes; served with CORS like a CRL distribution point that allows browsers. */
  extra: Map<string, { body: Uint8Array; type: string }>;
  /** Serve another build from now on (a new release deployed). */
  setDir(dir: string): void;
}

/** Serves dist/web with the SPA fallback; no caching headers so the service worker decides. */
export async function startStaticServer(initialDir: string): Promise<StaticServer> {
  let dir = initialDir;
  const extra = new Map<string, { body: Uint8Array; type: string }>();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const x = extra.get(path);
    if (x) {
      res.writeHead(200, { "content-type": x.type, "access-control-allow-origin": "*" });
      res.end(x.body);
      return;
    }
    let file = normalize(join(dir, path));
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) file = join(dir, "index.html");
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-cache" });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    extra,
    setDir: (d) => {
      dir = d;
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** How long a browser wait may take before the test fails (a busy 2-core machine is slow, not broken). */
export const BROWSER_WAIT_MS = 90_000;

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export function userDataDir(): string {
  return mkdtempSync(join(tmpdir(), "vanthu-e2e-"));
}

/** A browser profile on disk, so that closing and reopening keeps IndexedDB and the service worker. */
export async function openBrowser(
  dir: string,
  viewport = { width: 1280, height: 860 },
  extra: { isMobile?: boolean; deviceScaleFactor?: number } = {},
): Promise<BrowserContext> {
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    viewport,
    locale: "vi-VN",
    timezoneId: "Asia/Ho_Chi_Minh",
    ...extra,
  });
  // Every wait is for an event (a selector, a response); the bound only decides how long a
  // broken test takes to fail, so it is generous for a loaded machine.
  ctx.setDefaultTimeout(BROWSER_WAIT_MS);
  return ctx;
}

/** A tiny RGBA PNG (transparent background) drawn by a function: for signature and seal images. */
export function png(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Uint8Array {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0;
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), y * (width * 4 + 1) + 1 + x * 4);
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk("IHDR", ihdr),
      chunk("IDAT", deflateSync(raw)),
      chunk("IEND", Buffer.alloc(0)),
    ]),
  );
}

export const signatureImage = () => png(240, 100, (x, y) => (Math.abs(y - 50 - 30 * Math.sin(x / 18)) < 4 ? [22, 51, 166, 255] : [0, 0, 0, 0]));
export const sealImage = () =>
  png(200, 200, (x, y) => {
    const r = Math.hypot(x - 100, y - 100);
    return (r > 88 && r < 97) || (r > 70 && r < 74) || (Math.abs(x - 100) < 20 && Math.abs(y - 100) < 20) ? [209, 26, 26, 255] : [0, 0, 0, 0];
  });

/** An administrative document (Nghị định 30/2020 layout, Vietnamese in the embedded Tinos font). */
export async function documentPdf(lines: {
  issuer: string;
  number: string;
  title: string;
  summary: string;
  body: string;
  signerTitle: string;
  signerName: string;
  stamp?: string;
  placeDate?: string;
  pages?: number;
}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(readFileSync(join(ROOT, "shared/assets/fonts/Tinos-Regular.ttf")), { subset: false });
  const page = doc.addPage([595.28, 841.89]);
  const t = (s: string, x: number, y: number, size = 13) => page.drawText(s, { x, y, size, font });
  t(lines.issuer.toLocaleUpperCase("vi"), 60, 780, 12);
  t("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 300, 780, 12);
  t("Độc lập - Tự do - Hạnh phúc", 340, 764, 12);
  t(`Số: ${lines.number}`, 80, 740, 12);
  if (lines.placeDate) t(lines.placeDate, 330, 740, 12);
  if (lines.stamp) t(lines.stamp, 90, 715, 14);
  t(lines.title.toLocaleUpperCase("vi"), 230, 690, 14);
  t(lines.summary, 150, 670, 13);
  t(lines.body, 70, 620, 13);
  // More pages: the text goes on, and the signature block is on the last page, as in a real letter.
  let last = page;
  for (let i = 2; i <= (lines.pages ?? 1); i++) {
    last = doc.addPage([595.28, 841.89]);
    last.drawText(`Trang ${i}: nội dung tiếp theo.`, { x: 70, y: 780, size: 13, font });
  }
  last.drawText(lines.signerTitle.toLocaleUpperCase("vi"), { x: 380, y: 520, size: 13, font });
  last.drawText(lines.signerName, { x: 385, y: 420, size: 13, font });
  return doc.save({ useObjectStreams: false });
}

export interface DemoPki {
  ca: DemoCertificationAuthority;
  caPem: string;
  crlDer: Uint8Array;
  official: WebCryptoSigner;
  organisation: WebCryptoSigner;
}

export async function demoPki(
  crlUrl: string,
  orgName: string,
  official: { name: string; title: string },
  existingCa?: DemoCertificationAuthority,
): Promise<DemoPki> {
  const ca = existingCa ?? (await DemoCertificationAuthority.create());
  const person = await ca.issue({ commonName: official.name, title: official.title, organization: orgName, locality: "Hải Phòng", crlUrl });
  const org = await ca.issue({ commonName: orgName.toLocaleUpperCase("vi"), organization: "UBND thành phố Hải Phòng", locality: "Hải Phòng", crlUrl });
  const signer = (id: typeof person, label: string) =>
    new WebCryptoSigner(id.keys.privateKey, { certificate: new Uint8Array(id.certificate.rawData), chain: id.chain }, label, true);
  const crl = await ca.crl([]);
  return { ca, caPem: ca.certificate.toString("pem"), crlDer: new Uint8Array(crl.rawData), official: signer(person, "thử"), organisation: signer(org, "thử") };
}

/** Signed by the official (R1) then issued by the organisation (R2), as the sending office does. */
export async function signedDocument(pki: DemoPki, pdf: Uint8Array): Promise<Uint8Array> {
  const a = await signPdf(pdf, { type: "signer", signer: pki.official, image: signatureImage() });
  const b = await signPdf(a.bytes, { type: "issuer", signer: pki.organisation, image: sealImage() });
  return b.bytes;
}

/** The same length, one byte of the first stream changed inside the signed range: the verifier must refuse it. */
export function tampered(signed: Uint8Array): Uint8Array {
  const s = Buffer.from(signed);
  const at = s.indexOf(Buffer.from("stream", "latin1")) + 20;
  const out = new Uint8Array(s);
  out[at] = out[at]! ^ 0x01;
  return out;
}

export interface GatedProxy {
  url: string;
  /** Cuts the network between the browser and the server (every connection refused and reset) or restores it. */
  setDown(down: boolean): void;
  extra: Map<string, { body: Uint8Array; type: string }>;
  close(): Promise<void>;
}

/**
 * The browser's "network" to the sync server: a reverse proxy that can be cut, while the
 * token agent on 127.0.0.1 stays reachable, as it does for an office whose internet is down.
 * It also serves the demo CA's CRL (a distribution point that answers browsers), behind the same cut.
 */
export async function startGatedProxy(target: string): Promise<GatedProxy> {
  const { request } = await import("node:http");
  const t = new URL(target);
  let down = false;
  const extra = new Map<string, { body: Uint8Array; type: string }>();
  const sockets = new Set<import("node:net").Socket>();
  const server = createServer((req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const x = extra.get(path);
    if (x) {
      res.writeHead(200, { "content-type": x.type, "access-control-allow-origin": "*" });
      res.end(x.body);
      return;
    }
    const up = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    if (down) s.destroy();
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    extra,
    setDown(d) {
      down = d;
      if (d) for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}

/** Opens the app, waits for its service worker to install and control the page (offline-ready). */
export async function installPwa(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await waitForServiceWorker(page);
}

/**
 * Waits for the service worker to be active (the `ready` promise, an event, not a poll), then
 * reloads so that it controls the page, and waits for that.
 */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller));
}

/** The first screen is the sign-in: the account's sign-in, then (as the office's IT would) the trust anchor. */
export async function signInWithTrust(page: Page, url: string, username: string, password: string, trustAnchorPem: string): Promise<void> {
  await signIn(page, url, username, password);
  await page.goto(`${url}/#/cai-dat`);
  await page.getByTestId("trust-anchor").setInputFiles({ name: "demo-root.pem", mimeType: "application/x-pem-file", buffer: Buffer.from(trustAnchorPem) });
  await page.getByText(/Đã thêm 1 chứng thư gốc tin cậy/).waitFor();
}

/** Signs in on the first screen (the sign-in form) and waits for the office's own screens. */
export async function signIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(`${url}/#/du-thao`);
  await page.getByTestId("sign-in").waitFor();
  await page.locator("#login-user").fill(username);
  await page.locator("#login-pass").fill(password);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  // attached, not visible: a phone hides the office name in the header.
  await page.getByTestId("office-name").waitFor({ state: "attached" });
}

/** Pairs the app with the agent as a person does: the code the app shows, typed on the agent's own page. */
export async function pairWithAgent(page: Page, url: string, agentUrl: string): Promise<void> {
  await page.goto(`${url}/#/cai-dat`);
  await page.locator("#s-agent").fill(agentUrl);
  const pairing = page.context().waitForEvent("page");
  await page.getByRole("button", { name: "Ghép nối" }).click();
  const pairPage = await pairing;
  await pairPage.waitForSelector("#code");
  await pairPage.fill("#code", await page.getByTestId("pair-code").innerText());
  await pairPage.click("#confirm");
  await pairPage.waitForSelector("#paired");
  await pairPage.close();
}

/**
 * One sync round started by the person ("Đồng bộ ngay"), waited for to its end: the time of the
 * last round moves on (not a round that ended before the click), the badge says "Đã đồng bộ",
 * and no change of this device was refused or found in conflict (that would be the flow
 * going wrong: the reasons are given).
 */
export async function syncRound(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/#/dong-bo`);
  const before = await page.getByTestId("last-sync").getAttribute("data-at");
  await page.getByTestId("sync-now").click();
  await expect.poll(() => page.getByTestId("last-sync").getAttribute("data-at"), { timeout: BROWSER_WAIT_MS }).not.toBe(before);
  await expect.poll(() => page.getByTestId("sync-badge").innerText(), { timeout: BROWSER_WAIT_MS }).toBe("Đã đồng bộ");
  const issues = await page.locator('[data-testid="sync-refused"], [data-testid="sync-conflict"]').allInnerTexts();
  expect(issues, "changes the server did not apply").toEqual([]);
}

/**
 * The office's people and certificates go into its inventory, and the organisation's certificate
 * is given to the văn thư by a recorded decision, before any is used (R21, R22): as the office
 * does once, on the văn thư's computer paired with the agent.
 */
export async function declareOfficeCertificates(
  page: Page,
  url: string,
  people: ReadonlyArray<readonly [name: string, title: string, duties: readonly string[]]>,
  o: { certificates: number; custodian: string },
): Promise<void> {
  await page.goto(`${url}/#/chung-thu`);
  await page.getByText(/^Người trong cơ quan/).click();
  for (const [name, title, duties] of people) {
    await page.getByTestId("person-name").fill(name);
    await page.getByTestId("person-title").fill(title);
    for (const d of duties) await page.getByTestId(`duty-${d}`).check();
    await page.getByTestId("person-save").click();
    await page.getByText(`${name}, ${title}`).waitFor();
  }
  await page.getByRole("button", { name: "Đọc chứng thư từ thiết bị ký số" }).click();
  await expect.poll(() => page.getByTestId("cert-row").count(), { timeout: 30_000 }).toBe(o.certificates);
  await page.getByTestId("custody-to").selectOption({ label: o.custodian });
  await page.getByTestId("custody-number").fill("12/QĐ-UBND");
  await page.getByTestId("custody-date").fill("06/01/2026");
  await page.getByTestId("custody-save").click();
  await expect.poll(() => page.getByTestId("cert-inventory").innerText(), { timeout: 30_000 }).toContain(`${o.custodian} (văn bản 12/QĐ-UBND)`);
}

/** A demo account's full name as the server keeps it: the certificate on the official's token carries the same name (R8). */
export async function demoAccountName(serverUrl: string, username: string): Promise<string> {
  const r = await fetch(new URL("/api/auth/login", serverUrl), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  return ((await r.json()) as { user: { fullName: string } }).user.fullName;
}

/**
 * Waits until the open received document's whole report says "Hợp lệ" (the verdict, not one
 * signature's line). An inconclusive verdict on a loaded machine (a CRL that came too late) is
 * checked again as the clerk would, with "Kiểm tra lại"; an invalid one fails at once, with the
 * report's words.
 */
export async function waitForValidVerdict(page: Page, timeout = 180_000): Promise<void> {
  const verdict = page.getByTestId("report-verdict");
  const until = Date.now() + timeout;
  for (;;) {
    await verdict.waitFor({ timeout: Math.max(1, until - Date.now()) });
    const v = (await verdict.innerText()).trim();
    if (v === "Hợp lệ") return;
    const report = await page.getByTestId("report").innerText();
    if (v !== "Chưa kết luận được" || Date.now() > until) throw new Error(`verdict "${v}", expected "Hợp lệ": ${report}`);
    console.warn(`inconclusive, checked again: ${report.replace(/\s+/g, " ").slice(0, 300)}`);
    await page.getByRole("button", { name: "Kiểm tra lại" }).click();
    await page.waitForTimeout(2000);
  }
}
