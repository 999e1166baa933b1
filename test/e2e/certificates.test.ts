/**
 * Issue 7 end to end in real Chromium, with the real sync server (SQLite), the real token agent
 * on SoftHSM2 tokens and the PWA as built, each person signed in with their own account: office A
 * (UBND phường Hồng Bàng) enters its people, reads its certificates from the tokens, assigns the
 * organisation's certificate in writing; the Phó Chủ tịch's token is reported lost → the
 * revocation request (Mẫu 05) is generated, submitted by the văn thư (trình ký), signed by the
 * Chủ tịch at his desk, sealed and issued by the văn thư to the Sở KH&CN through the exchange
 * → the Sở's văn thư receives, verifies and registers it, and the Sở answers within the
 * deadline → office A's inventory shows the certificate revoked and signing with it is refused;
 * district IT sees the offices. Screenshots of the inventory, the request and the district view.
 */
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
import { pdfsig, tool } from "../support/tools.ts";
import {
  RESULTS,
  buildWeb,
  documentPdf,
  openBrowser,
  startGatedProxy,
  userDataDir,
  type GatedProxy,
  installPwa,
  pairWithAgent,
  signIn as signInOnly,
  signInWithTrust,
  syncRound,
  demoAccountName,
  waitForValidVerdict,
} from "./helpers.ts";

const PIN = "246810";
const shots = join(RESULTS, "screenshots");
let web: string;
let dir: string;
let server: RunningServer;
let proxy: GatedProxy;
let hsm: SoftHsm;
let agent: RunningAgent;
let ca: DemoCertificationAuthority;
let leaderName: string;
const contexts: BrowserContext[] = [];

const fullNameOf = (username: string) => demoAccountName(server.url, username);

beforeAll(async () => {
  web = buildWeb();
  mkdirSync(shots, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), "vanthu-e2e-cert-"));
  server = await startSyncServer({ db: `sqlite:${join(dir, "db.sqlite")}`, blobs: join(dir, "blobs"), port: 0, host: "127.0.0.1", webDir: web });
  await seedDemo(server.storage);
  proxy = await startGatedProxy(server.url);
  ca = await DemoCertificationAuthority.create();
  const crlUrl = `${proxy.url}/crl/demo.crl`;
  proxy.extra.set("/crl/demo.crl", { body: new Uint8Array((await ca.crl([])).rawData), type: "application/pkix-crl" });
  leaderName = await fullNameOf("lanhdao.hongbang");
  hsm = SoftHsm.create();
  hsm.useInProcess();
  // The Chủ tịch's (the leader account's) and the organisation's keys on one token, the Phó Chủ tịch's on his own.
  await hsm.initToken("HONG BANG", PIN);
  await hsm.provision(ca, {
    tokenLabel: "HONG BANG",
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
    tokenLabel: "HONG BANG",
    pin: PIN,
    commonName: "UBND PHƯỜNG HỒNG BÀNG",
    organization: "UBND thành phố Hải Phòng",
    locality: "Hải Phòng",
    keyLabel: "to-chuc",
    crlUrl,
  });
  await hsm.initToken("PCT NAM", PIN);
  await hsm.provision(ca, {
    tokenLabel: "PCT NAM",
    pin: PIN,
    commonName: "Phạm Văn Nam",
    title: "Phó Chủ tịch",
    organization: "UBND phường Hồng Bàng",
    locality: "Hải Phòng",
    keyLabel: "nam",
    crlUrl,
    withChain: true,
  });
  // The sync server's origin, as set at install: here the test servers on this machine, any port.
  agent = await startAgent({
    module: hsm.module,
    port: 0,
    dataDir: join(dir, "agent"),
    say: () => undefined,
    pairingOrigins: ["http://127.0.0.1:*", "http://localhost:*"],
  });
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await agent?.close();
  await proxy?.close();
  await server?.close();
  hsm?.cleanup();
  for (const d of [dir, web]) if (d) rmSync(d, { recursive: true, force: true });
});

async function open(profile: string): Promise<Page> {
  const ctx = await openBrowser(profile);
  contexts.push(ctx);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on("pageerror", (e) => console.error("page error:", e.message));
  return page;
}
const text = (page: Page, testId: string) => page.getByTestId(testId).innerText();

const install = (page: Page) => installPwa(page, proxy.url);

const signIn = (page: Page, username: string) => signInWithTrust(page, proxy.url, username, DEMO_PASSWORD, ca.certificate.toString("pem"));

async function consentAndPin(page: Page, click: () => Promise<void>) {
  const popup = page.context().waitForEvent("page");
  await click();
  const consent = await popup;
  await consent.waitForSelector("#pin", { timeout: 60_000 });
  await consent.fill("#pin", PIN);
  await consent.click("#sign");
}

/** One sync round of this device, waited for to its end, with none of its changes refused (helpers.ts syncRound). */
const syncAndWait = (page: Page) => syncRound(page, proxy.url);

describe("certificates, tokens and requests in Chromium", () => {
  beforeAll(() => requireSoftHsm());
  const office = userDataDir();
  const desk = userDataDir();
  const so = userDataDir();
  const district = userDataDir();

  it("lost token → revocation request signed and sent → the Sở answers in time → revoked in the inventory, signing refused", {
    timeout: 1_200_000,
  }, async () => {
    const page = await open(office);
    await install(page);
    await signIn(page, "vanthu.hongbang");
    await pairWithAgent(page, proxy.url, agent.url);

    // The office's people, then its certificates read from the tokens through the agent.
    await page.goto(`${proxy.url}/#/chung-thu`);
    await page.getByText(/^Người trong cơ quan/).click();
    for (const [name, title, duties] of [
      [leaderName, "Chủ tịch", ["head", "official"]],
      ["Phạm Văn Nam", "Phó Chủ tịch", ["deputy", "official"]],
      ["Trần Thị Bình", "Văn thư", ["clerk"]],
      ["Lê Văn Cường", "Công chức phụ trách chữ ký số", ["it"]],
    ] as const) {
      await page.getByTestId("person-name").fill(name);
      await page.getByTestId("person-title").fill(title);
      for (const d of duties) await page.getByTestId(`duty-${d}`).check();
      await page.getByTestId("person-save").click();
      await page.getByText(`${name}, ${title}`).waitFor();
    }
    await page.getByRole("button", { name: "Đọc chứng thư từ thiết bị ký số" }).click();
    await expect.poll(() => page.getByTestId("cert-row").count(), { timeout: 30_000 }).toBe(3);
    // R22: the head assigns the organisation's certificate to the văn thư, in writing.
    await page.getByTestId("custody-to").selectOption({ label: "Trần Thị Bình" });
    await page.getByTestId("custody-number").fill("12/QĐ-UBND");
    await page.getByTestId("custody-date").fill("06/01/2026");
    await page.getByTestId("custody-save").click();
    await expect.poll(() => text(page, "custody-history")).toContain("giao cho Trần Thị Bình — văn bản 12/QĐ-UBND");
    await expect.poll(() => text(page, "cert-inventory")).toContain("Trần Thị Bình (văn bản 12/QĐ-UBND)");
    await page.screenshot({ path: join(shots, "certificates-inventory.png"), fullPage: true });

    // R21: the Phó Chủ tịch's token is lost: reported at once; the certificate is blocked; Mẫu 05 is drafted.
    await page.goto(`${proxy.url}/#/chung-thu/su-co`);
    await page.getByTestId("incident-kind").selectOption("lost");
    await page.getByTestId("incident-token").selectOption("PCT NAM");
    await page.getByTestId("incident-description").fill("Mất thiết bị trên đường đi công tác");
    await page.getByTestId("contact-phone").fill("0912 345 678");
    await page.getByTestId("contact-email").fill("lvcuong@haiphong.gov.vn");
    await page.getByTestId("incident-report").click();
    await page.waitForURL(/#\/chung-thu\/de-nghi\//);
    await expect.poll(() => text(page, "request-list")).toContain("Mẫu 05");
    await page.goto(`${proxy.url}/#/chung-thu`);
    await expect.poll(() => text(page, "cert-inventory")).toContain("Khóa ký: mất thiết bị lưu khóa bí mật");

    // The request's công văn: drafted and submitted by the văn thư (trình ký) to the Chủ tịch.
    await page.goto(`${proxy.url}/#/chung-thu/de-nghi`);
    await page.getByTestId("prepare-draft").click();
    await page.waitForURL(/#\/du-thao\/.+/);
    const draftUrl = page.url();
    const draftId = draftUrl.split("/").at(-1)!;
    await expect.poll(() => page.locator("#submit-official option").count()).toBeGreaterThan(0);
    await page.locator("#submit-note").fill("Kính trình ký gấp: thiết bị của đồng chí Phó Chủ tịch bị mất.");
    await page.getByTestId("submit-button").click();
    await expect.poll(() => text(page, "submit-state")).toContain("Chờ lãnh đạo xem xét");
    await syncAndWait(page);

    // The Chủ tịch signs it at his desk with his own certificate (the register's number written in), PIN on the agent's page.
    const leader = await open(desk);
    await install(leader);
    await signIn(leader, "lanhdao.hongbang");
    await pairWithAgent(leader, proxy.url, agent.url);
    await syncAndWait(leader);
    await leader.goto(`${proxy.url}/#/trinh-ky/${draftId}`);
    await consentAndPin(leader, () => leader.getByTestId("wf-sign").click());
    await expect.poll(() => text(leader, "wf-state"), { timeout: 90_000 }).toContain("Đã ký");
    await syncAndWait(leader);

    // The signed revision comes back to the văn thư, who seals and issues it.
    await syncAndWait(page);
    await page.goto(draftUrl);
    await page.getByRole("button", { name: "Đọc chứng thư số từ thiết bị ký" }).click();
    const org = await page
      .getByTestId("cert-select")
      .locator("option", { hasText: /^UBND PHƯỜNG HỒNG BÀNG/ })
      .getAttribute("value");
    await page.getByTestId("cert-select").selectOption(org!);
    await consentAndPin(page, () => page.getByTestId("sign-button").click());
    await page.getByRole("heading", { name: /Đã phát hành/ }).waitFor({ timeout: 90_000 });
    await syncAndWait(page);
    await page.goto(`${proxy.url}/#/chung-thu/de-nghi`);
    await expect.poll(() => text(page, "request-state"), { timeout: 30_000 }).toBe("Đã gửi");

    // The Sở: its văn thư receives the công văn through the exchange, verifies and registers it.
    const s = await open(so);
    await install(s);
    await signIn(s, "vanthu.sokhcn");
    await syncAndWait(s);
    await s.goto(`${proxy.url}/#/van-ban-den`);
    await s
      .getByText(/đề nghị thu hồi chứng thư/)
      .first()
      .click();
    await s.getByTestId("report").waitFor({ timeout: 60_000 });
    await waitForValidVerdict(s);
    await s.locator("#reg-handler").fill("Phòng Bưu chính, Viễn thông và Chuyển đổi số");
    await s.getByTestId("register-button").click();
    await s
      .getByText(/số đến 1/)
      .first()
      .waitFor();
    await syncAndWait(s);
    // The Sở's list with the legal deadline (3 working days, marked unconfirmed), then its answer.
    await s.goto(`${proxy.url}/#/chung-thu/so`);
    await expect.poll(() => text(s, "so-inbox"), { timeout: 30_000 }).toContain("Mẫu 05 — Thu hồi chứng thư số");
    await expect.poll(() => text(s, "so-inbox")).toContain("(chưa xác nhận)");
    await s.getByTestId("answer-complete").click();
    await s.getByText("Đã gửi trả lời cho cơ quan đề nghị.").waitFor();

    // Office A learns the answer: answered in time, the certificate revoked, signing with it refused.
    await syncAndWait(page);
    await page.goto(`${proxy.url}/#/chung-thu/de-nghi`);
    await expect.poll(() => text(page, "request-state"), { timeout: 30_000 }).toBe("Đã giải quyết");
    await expect.poll(() => text(page, "request-list")).toContain("trả lời đúng hạn");
    await page.screenshot({ path: join(shots, "certificates-request.png"), fullPage: true });
    await page.goto(`${proxy.url}/#/chung-thu`);
    await expect.poll(() => page.getByTestId("cert-row").filter({ hasText: "Phạm Văn Nam" }).getByTestId("cert-status").innerText()).toContain("Đã thu hồi");
    await page.screenshot({ path: join(shots, "certificates-inventory-revoked.png"), fullPage: true });
    // Signing with the revoked certificate is refused on the leader's computer too, once it has synced.
    await syncAndWait(leader);
    await leader.goto(`${proxy.url}/#/du-thao`);
    const pdf = await documentPdf({
      issuer: "UBND phường Hồng Bàng",
      number: "      /UBND-VP",
      title: "Công văn",
      summary: "V/v họp giao ban",
      body: "Nội dung.",
      signerTitle: "Phó Chủ tịch",
      signerName: "Phạm Văn Nam",
    });
    await leader.getByTestId("import-draft").setInputFiles({ name: "giao-ban.pdf", mimeType: "application/pdf", buffer: Buffer.from(pdf) });
    await leader.waitForURL(/#\/du-thao\/.+/);
    await leader.locator("#f-signer").fill("Phạm Văn Nam");
    await leader.locator("#f-title").fill("Phó Chủ tịch");
    await leader.locator("#f-title").blur();
    await leader.getByRole("button", { name: "Đọc chứng thư số từ thiết bị ký" }).click();
    await expect.poll(async () => await leader.getByTestId("cert-select").locator("option:checked").innerText()).toContain("Phạm Văn Nam");
    await leader.getByTestId("sign-button").click();
    await leader
      .getByRole("alert")
      .getByText(/Chứng thư số đã bị thu hồi ngày/)
      .waitFor({ timeout: 30_000 });
    // The audit trail holds every step, and its chain is intact.
    await page.goto(`${proxy.url}/#/chung-thu/nhat-ky`);
    await expect.poll(() => text(page, "audit-verify"), { timeout: 30_000 }).toMatch(/^Toàn vẹn: \d+ mục$/);
    await expect.poll(() => text(page, "audit-list")).toContain("Mất thiết bị lưu khóa bí mật");
    await expect.poll(() => text(page, "audit-list")).toContain("đã bị thu hồi");
    // The audit report, signed by the office with the organisation's certificate by its keeper, the văn thư (R23).
    await page.goto(`${proxy.url}/#/chung-thu/nhat-ky`);
    await expect.poll(() => text(page, "audit-verify"), { timeout: 30_000 }).toMatch(/^Toàn vẹn/);
    const download = page.waitForEvent("download", { timeout: 90_000 });
    await consentAndPin(page, () => page.getByTestId("audit-pdf-signed").click());
    const reportFile = join(dir, "bao-cao-nhat-ky-da-ky.pdf");
    await (await download).saveAs(reportFile);
    expect((await pdfsig(reportFile)).map((x) => x.valid)).toEqual([true]);
    const reportText = (await tool("pdftotext", ["-layout", reportFile, "-"])).stdout;
    expect(reportText).toContain("BÁO CÁO NHẬT KÝ SỬ DỤNG CHỮ KÝ SỐ");
    expect(reportText).toContain("Chuỗi nhật ký toàn vẹn");
    expect(reportText).toContain("Mất thiết bị lưu khóa bí mật");

    // District IT: the offices it manages.
    const d = await open(district);
    await install(d);
    await signIn(d, "it.khuvuc");
    await d.goto(`${proxy.url}/#/chung-thu/quan-ly`);
    await expect.poll(() => d.getByTestId("district-row").count(), { timeout: 30_000 }).toBeGreaterThan(1);
    await expect.poll(() => text(d, "district-table")).toContain("Phạm Văn Nam: Đã thu hồi");
    await d.screenshot({ path: join(shots, "certificates-district.png"), fullPage: true });
    // District IT enters the year's notice into the holiday calendar.
    await d.getByText(/^Lịch ngày nghỉ lễ, tết/).click();
    await d.getByTestId("cal-day").fill("31/12/2026");
    await d.getByTestId("cal-name").fill("Nghỉ thêm theo thông báo");
    await d.getByTestId("cal-basis").fill("Thông báo (thử nghiệm)");
    await d.getByTestId("cal-add").click();
    await expect.poll(() => text(d, "cal-list")).toContain("31/12/2026 — nghỉ: Nghỉ thêm theo thông báo");
  });

  it("a certificate that expires within 7 days is announced on every screen (R19)", { timeout: 300_000 }, async () => {
    const page = await open(userDataDir());
    // The first screen is the sign-in: the office's signature officer signs in.
    await signInOnly(page, proxy.url, "cks.hongbang", DEMO_PASSWORD);
    await page.goto(`${proxy.url}/#/chung-thu`);
    const soon = await ca.issue({
      commonName: "Nguyễn Văn Sắp Hết Hạn",
      title: "Phó Chủ tịch",
      organization: "UBND phường Hồng Bàng",
      notBefore: new Date(Date.now() - 86400e3),
      notAfter: new Date(Date.now() + 5 * 86400e3 + 3600e3),
    });
    await page
      .getByTestId("add-cert-file")
      .setInputFiles({ name: "sap-het-han.pem", mimeType: "application/x-pem-file", buffer: Buffer.from(soon.certificate.toString("pem")) });
    // The banner sits above every screen, not only the certificates view.
    await page.goto(`${proxy.url}/#/so-dang-ky`);
    await expect.poll(() => page.getByTestId("cert-warning-banner").innerText(), { timeout: 30_000 }).toMatch(/Nguyễn Văn Sắp Hết Hạn hết hạn sau [56] ngày/);
    await expect.poll(() => page.getByTestId("cert-warning-banner").getAttribute("class")).toContain("bad");
  });
});
