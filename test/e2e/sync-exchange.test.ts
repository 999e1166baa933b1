/**
 * The whole round in real Chromium with the real sync server (SQLite) and the real token agent
 * on a SoftHSM2 token, each person with their own account: office A (UBND phường Hồng Bàng)
 * drafts and submits to its Chủ tịch (trình ký, the number from the server's register), who
 * signs at his desk; then the văn thư's computer loses its network and issues (the seal)
 * through the agent, receives and registers a document, closes and reopens the browser; the network returns, the outbox reaches the server and the
 * QLVB times replace the provisional ones; office B (UBND xã An Hưng) receives the issued
 * document, verifies it valid and registers it; a tampered document is refused with its
 * reason and the sender sees the refusal.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgent, type RunningAgent } from "../../agent/server.ts";
import { DemoCertificationAuthority } from "../../shared/pki/demo-ca.ts";
import { seedDemo, DEMO_PASSWORD } from "../../sync-server/seed.ts";
import { startSyncServer, type RunningServer } from "../../sync-server/serve.ts";
import { SoftHsm, requireSoftHsm } from "../support/softhsm.ts";
import {
  RESULTS,
  buildWeb,
  declareOfficeCertificates,
  demoPki,
  documentPdf,
  openBrowser,
  signedDocument,
  startGatedProxy,
  tampered,
  userDataDir,
  type DemoPki,
  type GatedProxy,
  installPwa,
  pairWithAgent,
  signInWithTrust,
  syncRound,
  demoAccountName,
  waitForValidVerdict,
} from "./helpers.ts";

const PIN = "246810";
const TOKEN = "HONG BANG";
const shots = join(RESULTS, "screenshots");
let web: string;
let dir: string;
let server: RunningServer;
let proxy: GatedProxy;
let hsm: SoftHsm;
let agent: RunningAgent;
let ca: DemoCertificationAuthority;
let tienLang: DemoPki;
let leaderName: string;
const contexts: BrowserContext[] = [];
const profileA = userDataDir();
const profileB = userDataDir();
const profileA2 = userDataDir();
/** The Chủ tịch's own computer, where the agent and his token are. */
const profileDesk = userDataDir();

const fullNameOf = (username: string) => demoAccountName(server.url, username);

beforeAll(async () => {
  web = buildWeb();
  mkdirSync(shots, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), "vanthu-e2e-sync-"));
  server = await startSyncServer({ db: `sqlite:${join(dir, "db.sqlite")}`, blobs: join(dir, "blobs"), port: 0, host: "127.0.0.1", webDir: web });
  await seedDemo(server.storage);
  proxy = await startGatedProxy(server.url);
  ca = await DemoCertificationAuthority.create();
  const crlUrl = `${proxy.url}/crl/demo.crl`;
  proxy.extra.set("/crl/demo.crl", { body: new Uint8Array((await ca.crl([])).rawData), type: "application/pkix-crl" });
  leaderName = await fullNameOf("lanhdao.hongbang");
  hsm = SoftHsm.create();
  hsm.useInProcess();
  await hsm.initToken(TOKEN, PIN);
  await hsm.provision(ca, {
    tokenLabel: TOKEN,
    pin: PIN,
    commonName: leaderName,
    title: "Chủ tịch",
    organization: "UBND phường Hồng Bàng",
    locality: "Hải Phòng",
    keyLabel: "hoa",
    crlUrl,
    withChain: true,
  });
  await hsm.provision(ca, {
    tokenLabel: TOKEN,
    pin: PIN,
    commonName: "UBND PHƯỜNG HỒNG BÀNG",
    organization: "UBND thành phố Hải Phòng",
    locality: "Hải Phòng",
    keyLabel: "to-chuc",
    crlUrl,
  });
  // The sync server's origin, as set at install: here the test servers on this machine, any port.
  agent = await startAgent({
    module: hsm.module,
    port: 0,
    dataDir: join(dir, "agent"),
    say: () => undefined,
    pairingOrigins: ["http://127.0.0.1:*", "http://localhost:*"],
  });
  // A third office that sends office A a document by file (signed by the same demo CA).
  tienLang = await demoPki(crlUrl, "UBND xã Tiên Lãng", { name: "Phạm Văn Tâm", title: "Chủ tịch" }, ca);
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await agent?.close();
  await proxy?.close();
  await server?.close();
  hsm?.cleanup();
  for (const d of [dir, web, profileA, profileB, profileA2, profileDesk]) if (d) rmSync(d, { recursive: true, force: true });
});

const byProfile = new Map<string, BrowserContext>();
async function open(profile: string, viewport?: { width: number; height: number }): Promise<Page> {
  // A test that failed midway left its browser open: close it, or the profile stays locked.
  await byProfile
    .get(profile)
    ?.close()
    .catch(() => undefined);
  const ctx = await openBrowser(profile, viewport);
  byProfile.set(profile, ctx);
  contexts.push(ctx);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on("pageerror", (e) => console.error("page error:", e.message));
  // A question the test does not expect is answered "no", as Playwright does, but said in the log.
  ctx.on("dialog", (d) => {
    console.error(`dialog (${d.type()}): ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
  return page;
}

async function close(page: Page) {
  const ctx = page.context();
  await ctx.close();
  contexts.splice(contexts.indexOf(ctx), 1);
}

const text = (page: Page, testId: string) => page.getByTestId(testId).innerText();

const install = (page: Page) => installPwa(page, proxy.url);

const signIn = (page: Page, username: string) => signInWithTrust(page, proxy.url, username, DEMO_PASSWORD, ca.certificate.toString("pem"));

/** The drafter fills the draft's data: the register's type and unit, the signer, the recipients. */
async function fillDraft(page: Page, summary: string) {
  await page.locator("#f-type").selectOption("CV");
  await page.locator("#f-unit").fill("VP");
  await page.locator("#f-summary").fill(summary);
  await page.locator("#f-signer").fill(leaderName);
  await page.locator("#f-title").fill("Chủ tịch");
  await page.locator("#f-recipients").fill("UBND xã An Hưng");
  await page.locator("#f-recipients").blur();
  await expect.poll(() => text(page, "save-state")).toBe("Đã lưu trên máy này");
}

async function submitToLeader(page: Page, note: string) {
  await expect.poll(() => page.locator("#submit-official option").count()).toBeGreaterThan(0);
  await page.locator("#submit-note").fill(note);
  await page.getByTestId("submit-button").click();
  await expect.poll(() => text(page, "submit-state")).toContain("Chờ lãnh đạo xem xét");
}

/** The Chủ tịch at his desk signs a submitted draft (the register's number written in), PIN on the agent's page. */
async function leaderSigns(draftId: string, expectInConsent: string) {
  const desk = await open(profileDesk);
  await syncAndWait(desk);
  await desk.goto(`${proxy.url}/#/trinh-ky/${draftId}`);
  await consentAndPin(desk, () => desk.getByTestId("wf-sign").click(), expectInConsent);
  await expect.poll(() => text(desk, "wf-state"), { timeout: 90_000 }).toContain("Đã ký");
  await syncAndWait(desk);
  await close(desk);
}

/** The agent's consent page (opened by the PWA): the person reads and types the PIN there. */
async function consentAndPin(page: Page, click: () => Promise<void>, expectInConsent: string) {
  const popup = page.context().waitForEvent("page");
  await click();
  const consent = await popup;
  // The app closes the consent window when it refuses before the PIN: then its reason is the failure.
  const refused = consent.waitForEvent("close", { timeout: 0 }).then(() => "closed" as const);
  const shown = consent.waitForSelector("#pin", { timeout: 60_000 }).then(
    () => "pin" as const,
    (e: Error) => (consent.isClosed() ? ("closed" as const) : Promise.reject(e)),
  );
  if ((await Promise.race([shown, refused])) === "closed") {
    const said = await page.locator(".toast").allInnerTexts();
    throw new Error(`the consent window closed before the PIN; the app said: ${said.join(" | ") || "(nothing)"}`);
  }
  expect(await consent.textContent("#documents")).toContain(expectInConsent);
  await consent.fill("#pin", PIN);
  await consent.click("#sign");
}

async function importReceived(page: Page, bytes: Uint8Array, d: { number: string; date: string; summary: string }) {
  await page.goto(`${proxy.url}/#/van-ban-den`);
  await page.locator("details.card summary").click();
  await page
    .getByTestId("import-received")
    .setInputFiles({ name: `${d.number.replace("/", "-")}.pdf`, mimeType: "application/pdf", buffer: Buffer.from(bytes) });
  await page.locator("#r-issuer").fill("UBND xã Tiên Lãng");
  await page.locator("#r-number").fill(d.number);
  await page.locator("#r-date").fill(d.date);
  await page.locator("#r-summary").fill(d.summary);
  await page.getByRole("button", { name: "Nhận và kiểm tra chữ ký" }).click();
  await page.waitForURL(/#\/van-ban-den\/.+/);
  await page.getByTestId("report").waitFor({ timeout: 60_000 });
}

function syncAndWait(page: Page): Promise<void> {
  return syncRound(page, proxy.url);
}

async function api(username: string) {
  const login = await fetch(`${server.url}api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  return (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path.replace(/^\//, "")}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
}

describe("two offices, the sync server and the token agent", () => {
  beforeAll(() => requireSoftHsm());
  let draftUrl = "";

  it("office A works without network: signs and issues through the agent, receives and registers, reopens", { timeout: 900_000 }, async () => {
    let page = await open(profileA);
    await install(page);
    await signIn(page, "vanthu.hongbang");
    await pairWithAgent(page, proxy.url, agent.url);
    await declareOfficeCertificates(
      page,
      proxy.url,
      [
        [leaderName, "Chủ tịch", ["head", "official"]],
        ["Trần Thị Bình", "Văn thư", ["clerk"]],
        ["Lê Văn Cường", "Công chức phụ trách chữ ký số", ["it"]],
      ],
      { certificates: 2, custodian: "Trần Thị Bình" },
    );

    // Online once: a document received by file is verified (the CRL is fetched and cached) and registered.
    const r1 = await signedDocument(
      tienLang,
      await documentPdf({
        issuer: "UBND xã Tiên Lãng",
        number: "07/TB-UBND",
        title: "Thông báo",
        summary: "Lịch tiếp công dân tháng 12",
        body: "Nội dung.",
        signerTitle: "Chủ tịch",
        signerName: "Phạm Văn Tâm",
      }),
    );
    await importReceived(page, r1, { number: "07/TB-UBND", date: "18/11/2026", summary: "Thông báo lịch tiếp công dân tháng 12 năm 2026" });
    await waitForValidVerdict(page);
    await page.locator("#reg-handler").fill("Văn phòng");
    await page.getByTestId("register-button").click();
    await page
      .getByText(/số đến 1/)
      .first()
      .waitFor();

    // Draft, with an appendix in a separate file (R5): the organisation signs it at issue, with the main document's number.
    await page.goto(`${proxy.url}/#/du-thao`);
    const pdf = await documentPdf({
      issuer: "UBND phường Hồng Bàng",
      number: "      /UBND-VP",
      title: "Công văn",
      summary: "V/v triển khai chữ ký số chuyên dùng",
      body: "Kính gửi: UBND xã An Hưng.",
      signerTitle: "Chủ tịch",
      signerName: leaderName,
    });
    await page.getByTestId("import-draft").setInputFiles({ name: "cong-van-chu-ky-so.pdf", mimeType: "application/pdf", buffer: Buffer.from(pdf) });
    await page.waitForURL(/#\/du-thao\/.+/);
    draftUrl = page.url();
    await fillDraft(page, "V/v triển khai chữ ký số chuyên dùng công vụ");
    const appendix = await documentPdf({
      issuer: "UBND phường Hồng Bàng",
      number: "",
      title: "Phụ lục",
      summary: "Danh sách cán bộ được cấp chứng thư số",
      body: `1. ${leaderName} — Chủ tịch.`,
      signerTitle: "",
      signerName: "",
    });
    await page.locator("#att-role").selectOption("appendix");
    await page.getByTestId("add-attachment").setInputFiles({ name: "phu-luc-danh-sach.pdf", mimeType: "application/pdf", buffer: Buffer.from(appendix) });
    await expect.poll(() => text(page, "attachments")).toContain("phu-luc-danh-sach.pdf — Phụ lục");
    // Trình ký: the number is taken from the server's register; the Chủ tịch signs (R1) with his own certificate at his desk.
    await submitToLeader(page, "Kính trình anh ký.");
    await syncAndWait(page);
    const desk = await open(profileDesk);
    await install(desk);
    await signIn(desk, "lanhdao.hongbang");
    await pairWithAgent(desk, proxy.url, agent.url);
    await close(desk);
    await leaderSigns(draftUrl.split("/").at(-1)!, "triển khai chữ ký số");
    // The signed revision comes back to the văn thư's computer by itself.
    await syncAndWait(page);

    // The network is cut: the server and the CRL are unreachable; the agent on this machine is not.
    proxy.setDown(true);
    await page.reload();
    await page.getByTestId("network").waitFor();

    // The clerk issues (R2) offline: the organisation's certificate; an official's certificate would be refused (R8).
    await page.goto(draftUrl);
    await page.getByRole("heading", { name: /^Văn bản đã ký/ }).waitFor({ timeout: 60_000 });
    await page.getByRole("button", { name: "Đọc chứng thư số từ thiết bị ký" }).click();
    await expect.poll(async () => await page.getByTestId("cert-select").locator("option:checked").innerText()).toContain("UBND PHƯỜNG HỒNG BÀNG");
    const hoa = await page.getByTestId("cert-select").locator("option", { hasText: leaderName }).getAttribute("value");
    await page.getByTestId("cert-select").selectOption(hoa!);
    await page.getByText("Không được dùng chứng thư số cá nhân để ký với tư cách cơ quan, tổ chức.").waitFor();
    expect(await page.getByTestId("sign-button").isDisabled()).toBe(true);
    const org = await page
      .getByTestId("cert-select")
      .locator("option", { hasText: /^UBND PHƯỜNG HỒNG BÀNG/ })
      .getAttribute("value");
    await page.getByTestId("cert-select").selectOption(org!);
    // One consent and one PIN for the document and its appendix.
    await consentAndPin(page, () => page.getByTestId("sign-button").click(), "Phụ lục: phu-luc-danh-sach.pdf");
    await page.getByRole("heading", { name: "Văn bản đã phát hành số 01/UBND-VP" }).waitFor({ timeout: 90_000 });
    await expect.poll(() => text(page, "attachments")).toContain("đã ký");
    await page.screenshot({ path: join(shots, "desktop-issued.png"), fullPage: true });

    // Received offline: verified with the cached CRL; registered with the next số đến.
    const r2 = await signedDocument(
      tienLang,
      await documentPdf({
        issuer: "UBND xã Tiên Lãng",
        number: "12/KH-UBND",
        title: "Kế hoạch",
        summary: "Phối hợp diễn tập phòng cháy",
        body: "Nội dung.",
        signerTitle: "Chủ tịch",
        signerName: "Phạm Văn Tâm",
      }),
    );
    await importReceived(page, r2, { number: "12/KH-UBND", date: "19/11/2026", summary: "Kế hoạch phối hợp diễn tập phòng cháy chữa cháy" });
    await waitForValidVerdict(page);
    await expect.poll(() => text(page, "report")).toContain("CRL đã lưu trên máy");
    await page.locator("#reg-handler").fill("Phó Chủ tịch");
    await page.getByTestId("register-button").click();
    await page
      .getByText(/số đến 2/)
      .first()
      .waitFor();

    // The outgoing register shows the provisional send time.
    await page.goto(`${proxy.url}/#/so-dang-ky/di`);
    await expect.poll(() => text(page, "register-table")).toContain("01/UBND-VP");
    await expect.poll(() => text(page, "register-table")).toContain("(tạm tính)");
    await close(page);

    // Reopen the browser: nothing lost, still no network.
    page = await open(profileA);
    await page.goto(draftUrl);
    await page.getByRole("heading", { name: "Văn bản đã phát hành số 01/UBND-VP" }).waitFor();
    await page.goto(`${proxy.url}/#/so-dang-ky/den`);
    await expect.poll(() => page.getByTestId("register-table").locator("tbody tr").count()).toBe(2);
    await page.goto(`${proxy.url}/#/dong-bo`);
    await page.getByTestId("sync-now").click();
    await expect.poll(() => text(page, "sync-phase"), { timeout: 30_000 }).toContain("Không kết nối được máy chủ");
    await expect.poll(() => text(page, "sync-badge"), { timeout: 30_000 }).toMatch(/^[1-9]\d* thay đổi chờ gửi$/);
    await expect.poll(() => text(page, "network")).toBe("Không kết nối được máy chủ");
    await page.screenshot({ path: join(shots, "desktop-sync-offline.png"), fullPage: true });

    // The network returns: the outbox reaches the server; the QLVB time replaces the provisional one.
    proxy.setDown(false);
    await syncAndWait(page);
    await page.goto(`${proxy.url}/#/so-dang-ky/di`);
    await expect.poll(() => text(page, "register-table")).not.toContain("(tạm tính)");
    await close(page);

    const asA = await api("vanthu.hongbang");
    const outgoing = (await (await asA("/api/exchange/outgoing")).json()) as {
      outgoing: Array<{ header: { codeNotation: string }; deliveries: Array<{ recipientOfficeId: string }> }>;
    };
    expect(outgoing.outgoing.map((o) => o.header.codeNotation)).toContain("UBND-VP");
    expect(outgoing.outgoing[0]!.deliveries.map((d) => d.recipientOfficeId)).toEqual(["demo-an-hung"]);
  });

  it("office B receives the issued document, verifies it valid and registers it; the sender sees it", { timeout: 240_000 }, async () => {
    proxy.setDown(false);
    const page = await open(profileB);
    await install(page);
    await signIn(page, "vanthu.anhung");
    await syncAndWait(page);
    await page.goto(`${proxy.url}/#/van-ban-den`);
    await page.getByText("01/UBND-VP").click();
    await page.getByTestId("report").waitFor({ timeout: 60_000 });
    await waitForValidVerdict(page);
    await expect.poll(() => text(page, "report")).toContain(leaderName);
    await expect.poll(() => text(page, "report")).toContain("UBND PHƯỜNG HỒNG BÀNG");
    // The appendix came with it and was verified too.
    await expect.poll(() => page.getByTestId("attachment-result").innerText()).toContain("Hợp lệ");
    await expect.poll(() => page.getByTestId("attachment-result").innerText()).toContain("phu-luc-danh-sach.pdf");
    await page.locator("#reg-handler").fill("Chủ tịch UBND xã");
    await page.getByTestId("register-button").click();
    await page
      .getByText(/số đến 1/)
      .first()
      .waitFor();
    await page.screenshot({ path: join(shots, "desktop-received-by-sync.png"), fullPage: true });
    await syncAndWait(page);
    await page.goto(`${proxy.url}/#/so-dang-ky/den`);
    await expect.poll(() => text(page, "register-table")).toContain("01/UBND-VP");
    await expect.poll(() => text(page, "register-table")).not.toContain("(tạm tính)");
    await page.getByTestId("register-table").getByRole("link", { name: "01/UBND-VP" }).click();
    await page.locator('[data-testid="pages"][data-rendered="true"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId("signature-list").locator(".sig.valid").count()).toBe(2);
    await page.screenshot({ path: join(shots, "desktop-viewer-synced.png"), fullPage: true });
    await close(page);

    // The sender's PWA learns the outcome: the receipt (số đến at office B) in its outgoing register.
    const a = await open(profileA);
    await syncAndWait(a);
    await a.goto(`${proxy.url}/#/so-dang-ky/di`);
    await expect.poll(() => text(a, "register-table")).toContain("Ủy ban nhân dân xã An Hưng (số đến 1)");
    await a.screenshot({ path: join(shots, "desktop-register-outgoing.png"), fullPage: true });
    await close(a);
  });

  it("a tampered document is refused with its reason, and the sender sees the refusal", { timeout: 240_000 }, async () => {
    // Office A's system sends a document whose bytes were changed after signing.
    const asA = await api("vanthu.hongbang");
    const bad = tampered(
      await signedDocument(
        tienLang,
        await documentPdf({
          issuer: "UBND phường Hồng Bàng",
          number: "02/UBND-VP",
          title: "Công văn",
          summary: "Văn bản bị sửa",
          body: "Nội dung đã bị sửa.",
          signerTitle: "Chủ tịch",
          signerName: "Phạm Văn Tâm",
        }),
      ),
    );
    const sha256 = createHash("sha256").update(bad).digest("hex");
    const up = (await (
      await asA("/api/blobs/uploads", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sha256, size: bad.length }) })
    ).json()) as { uploadId: string };
    const patched = await asA(`/api/blobs/uploads/${up.uploadId}`, {
      method: "PATCH",
      headers: { "content-type": "application/offset+octet-stream", "upload-offset": "0" },
      body: bad as Uint8Array<ArrayBuffer>,
    });
    expect(patched.status).toBe(200);
    const push = await asA("/api/sync/push", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        clientId: "e2e",
        mutations: [
          {
            id: "tampered-send-1",
            clientTime: new Date().toISOString(),
            type: "exchange.send",
            documentRef: "tampered-doc-1",
            recipients: ["demo-an-hung"],
            header: { codeNumber: "2", codeNotation: "UBND-VP", typeName: "Công văn", subject: "Văn bản bị sửa sau khi ký", promulgationDate: "2026-11-24" },
            blobs: [{ sha256, name: "02-UBND-VP.pdf", contentType: "application/pdf", role: "main" }],
          },
        ],
      }),
    });
    expect(push.status).toBe(200);

    const page = await open(profileB);
    await syncAndWait(page);
    await page.goto(`${proxy.url}/#/van-ban-den`);
    await page.getByText("02/UBND-VP").click();
    await page.getByTestId("report").waitFor({ timeout: 60_000 });
    await expect.poll(() => text(page, "report")).toContain("Không hợp lệ");
    expect(await page.getByTestId("register-button").isDisabled()).toBe(true);
    const reason = "Chữ ký số không hợp lệ: nội dung văn bản đã bị thay đổi sau khi ký. Đề nghị gửi lại bản gốc.";
    await page.locator("#refuse-reason").fill(reason);
    await page.getByTestId("refuse-button").click();
    await page.getByText("Đã từ chối", { exact: true }).first().waitFor();
    await page.screenshot({ path: join(shots, "desktop-refused.png"), fullPage: true });
    await syncAndWait(page);
    await close(page);

    const outgoing = (await (await asA("/api/exchange/outgoing")).json()) as {
      outgoing: Array<{ documentRef: string; deliveries: Array<{ status: string; refusalReason: string | null; refusedAt: string | null }> }>;
    };
    const sent = outgoing.outgoing.find((o) => o.documentRef === "tampered-doc-1")!;
    expect(sent.deliveries[0]).toMatchObject({ status: "refused", refusalReason: reason });
    expect(sent.deliveries[0]!.refusedAt).toMatch(/\+07:00$/);
  });

  it("the official signs three drafts with one consent and one PIN (batch)", { timeout: 600_000 }, async () => {
    // The Chủ tịch at his desk (his account, his token): his own drafts, signed together.
    let page = await open(profileDesk);
    const subjects = ["Giấy mời họp giao ban tháng 12", "Kế hoạch kiểm tra an toàn thực phẩm", "Thông báo lịch trực Tết"];
    for (const subject of subjects) {
      await page.goto(`${proxy.url}/#/du-thao`);
      const pdf = await documentPdf({
        issuer: "UBND phường Hồng Bàng",
        number: "      /UBND-VP",
        title: "Công văn",
        summary: subject,
        body: "Nội dung.",
        signerTitle: "Chủ tịch",
        signerName: leaderName,
      });
      await page.getByTestId("import-draft").setInputFiles({ name: `${subject}.pdf`, mimeType: "application/pdf", buffer: Buffer.from(pdf) });
      await page.waitForURL(/#\/du-thao\/.+/);
      await page.locator("#f-recipients").fill("UBND xã An Hưng");
      await page.locator("#f-recipients").blur();
      await expect.poll(() => text(page, "save-state")).toBe("Đã lưu trên máy này");
    }
    await page.goto(`${proxy.url}/#/du-thao`);
    for (const subject of subjects) await page.getByRole("listitem").filter({ hasText: subject }).getByRole("checkbox").check();
    const popup = page.context().waitForEvent("page");
    await page.getByTestId("sign-selected").click();
    const consent = await popup;
    await consent.waitForSelector("#pin", { timeout: 60_000 });
    const listed = (await consent.textContent("#documents")) ?? "";
    for (const subject of subjects) expect(listed).toContain(subject);
    await consent.fill("#pin", PIN);
    await consent.click("#sign");
    for (const subject of subjects)
      await expect.poll(() => page.getByRole("listitem").filter({ hasText: subject }).innerText(), { timeout: 60_000 }).toContain("Đã ký");
    await page.screenshot({ path: join(shots, "desktop-drafts-batch-signed.png"), fullPage: true });
    await close(page);

    // The clerk makes an electronic copy (R3, sao y) of the issued document: a new file with a third signature.
    page = await open(profileA);
    await page.goto(`${proxy.url}/#/so-dang-ky/di`);
    await page.getByTestId("register-table").getByRole("link", { name: "01/UBND-VP" }).click();
    await page.locator('[data-testid="pages"][data-rendered="true"]').waitFor({ timeout: 60_000 });
    await page.locator("#copy-form").selectOption("SY");
    const copyConsent = page.context().waitForEvent("page");
    await page.getByTestId("make-copy").click();
    const consent2 = await copyConsent;
    await consent2.waitForSelector("#pin", { timeout: 60_000 });
    expect(await consent2.textContent("#documents")).toContain("Bản sao y số 01/SY-UBND");
    await consent2.fill("#pin", PIN);
    await consent2.click("#sign");
    await page.getByRole("link", { name: "Bản sao số 01/SY-UBND" }).click();
    await page.locator('[data-testid="pages"][data-rendered="true"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId("signature-list").locator(".sig").count()).toBe(3);
    expect(await page.getByTestId("copy-panel").innerText()).toContain("Bản sao điện tử số 01/SY-UBND");
    expect(await page.getByTestId("signature-list").innerText()).toContain("chưa kiểm tra");
    await page.getByTestId("verify-now").click();
    // The copy keeps the official's and the organisation's signatures valid and adds its own.
    await expect.poll(() => page.getByTestId("signature-list").locator(".sig.valid").count(), { timeout: 60_000 }).toBe(3);
    await page.screenshot({ path: join(shots, "desktop-copy.png"), fullPage: true });
    await close(page);
  });

  it("a document the recipient refuses shows the refusal and its reason in the sender's outgoing register", { timeout: 600_000 }, async () => {
    // A second document through trình ký: drafted and submitted by the văn thư, signed by the Chủ tịch, issued.
    // Its "Số:      /UBND-VP" leaves room for the register's number (a narrower blank is refused before the PIN).
    let a = await open(profileA);
    await a.goto(`${proxy.url}/#/du-thao`);
    const pdf = await documentPdf({
      issuer: "UBND phường Hồng Bàng",
      number: "      /UBND-VP",
      title: "Công văn",
      summary: "Giấy mời họp giao ban tháng 12",
      body: "Nội dung.",
      signerTitle: "Chủ tịch",
      signerName: leaderName,
    });
    await a.getByTestId("import-draft").setInputFiles({ name: "giay-moi.pdf", mimeType: "application/pdf", buffer: Buffer.from(pdf) });
    await a.waitForURL(/#\/du-thao\/.+/);
    const inviteUrl = a.url();
    await fillDraft(a, "Giấy mời họp giao ban tháng 12");
    await submitToLeader(a, "Kính trình.");
    await syncAndWait(a);
    await close(a);
    await leaderSigns(inviteUrl.split("/").at(-1)!, "Giấy mời họp giao ban");
    a = await open(profileA);
    await syncAndWait(a);
    await a.goto(inviteUrl);
    await a.getByRole("heading", { name: /^Văn bản đã ký/ }).waitFor({ timeout: 60_000 });
    await a.getByRole("button", { name: "Đọc chứng thư số từ thiết bị ký" }).click();
    await expect.poll(async () => await a.getByTestId("cert-select").locator("option:checked").innerText()).toContain("UBND PHƯỜNG HỒNG BÀNG");
    await consentAndPin(a, () => a.getByTestId("sign-button").click(), "Giấy mời họp giao ban");
    await a.getByRole("heading", { name: /Văn bản đã phát hành số 02\/UBND-VP/ }).waitFor({ timeout: 90_000 });
    await syncAndWait(a);
    await close(a);

    const b = await open(profileB);
    await syncAndWait(b);
    await b.goto(`${proxy.url}/#/van-ban-den`);
    await b.getByRole("listitem").filter({ hasText: "Giấy mời họp giao ban" }).getByRole("link").click();
    await b.getByTestId("report").waitFor({ timeout: 60_000 });
    await waitForValidVerdict(b);
    // Same number, symbol and issuer as the tampered one refused before: the clerk is warned (R16b) only against registered ones.
    await b.locator("#refuse-reason").fill("Gửi nhầm nơi nhận: văn bản không thuộc thẩm quyền của xã An Hưng.");
    await b.getByTestId("refuse-button").click();
    await b.getByText("Đã từ chối", { exact: true }).first().waitFor();
    await syncAndWait(b);
    await close(b);

    const a2 = await open(profileA);
    await syncAndWait(a2);
    await a2.goto(`${proxy.url}/#/so-dang-ky/di`);
    await expect.poll(() => text(a2, "register-table")).toContain("Bị từ chối: Ủy ban nhân dân xã An Hưng: Gửi nhầm nơi nhận");
    await a2.screenshot({ path: join(shots, "desktop-register-outgoing-refused.png"), fullPage: true });
    await close(a2);
  });

  it("a second computer of office A gets the office's registers from the server", { timeout: 180_000 }, async () => {
    const page = await open(profileA2);
    await install(page);
    await signIn(page, "vanthu.hongbang");
    await syncAndWait(page);
    await page.goto(`${proxy.url}/#/so-dang-ky/di`);
    await expect.poll(() => page.getByTestId("register-table").locator("tbody tr").count()).toBe(2);
    await expect.poll(() => text(page, "register-table")).toContain("Ủy ban nhân dân xã An Hưng (số đến 1)");
    await expect.poll(() => text(page, "register-table")).not.toContain("(tạm tính)");
    await page.locator("#register-search").fill("giay moi giao ban");
    await expect.poll(() => page.getByTestId("register-table").locator("tbody tr").count()).toBe(1);
    // The search stays when switching registers (same screen): clear it.
    await page.locator("#register-search").fill("");
    await page.goto(`${proxy.url}/#/so-dang-ky/den`);
    await expect.poll(() => page.getByTestId("register-table").locator("tbody tr").count()).toBe(2);
    await close(page);
  });
});
