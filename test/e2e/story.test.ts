/**
 * Issue 11, the whole story of the office in real Chromium, with the real sync server (SQLite),
 * the real token agent on SoftHSM2 tokens and the PWA as built, each person on their own browser:
 * the văn thư of phường Hồng Bàng drafts and submits to the Chủ tịch → the Chủ tịch reviews on a
 * phone (390 px, no token agent: reads, comments, approves) → signs at the desk with the PIN on the
 * agent's page, the register's number and date written into the PDF → the signed revision comes
 * back to the văn thư by itself, who issues it (seal) with that number and sends it → xã An Hưng
 * receives, verifies and registers; a second document is refused with a reason that reaches the
 * sender; a paper document is registered; a token is lost → the revocation request goes through
 * trình ký to the Sở, which answers with a deadline in working days; the audit trail holds every
 * step. Screenshots of each step in test-results/screenshots/story-*.png.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
import { issueDateParts } from "../../shared/sign/layout.ts";
import {
  RESULTS,
  buildWeb,
  declareOfficeCertificates,
  documentPdf,
  installPwa,
  openBrowser,
  pairWithAgent,
  signIn,
  startGatedProxy,
  syncRound,
  userDataDir,
  type GatedProxy,
  demoAccountName,
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
  requireSoftHsm();
  web = buildWeb();
  mkdirSync(shots, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), "vanthu-e2e-story-"));
  // As `npm start` does, the server publishes the demo CA to every device that signs in: nobody imports it by hand.
  const caFile = join(dir, "demo-ca.pem");
  server = await startSyncServer({
    db: `sqlite:${join(dir, "db.sqlite")}`,
    blobs: join(dir, "blobs"),
    port: 0,
    host: "127.0.0.1",
    webDir: web,
    trustAnchorFiles: [{ path: caFile, labelVi: "CA thử (CHỈ DÙNG THỬ)" }],
  });
  await seedDemo(server.storage);
  proxy = await startGatedProxy(server.url);
  ca = await DemoCertificationAuthority.create();
  writeFileSync(caFile, ca.certificate.toString("pem"));
  const crlUrl = `${proxy.url}/crl/demo.crl`;
  proxy.extra.set("/crl/demo.crl", { body: new Uint8Array((await ca.crl([])).rawData), type: "application/pkix-crl" });
  leaderName = await fullNameOf("lanhdao.hongbang");
  hsm = SoftHsm.create();
  hsm.useInProcess();
  // The Chủ tịch's certificate on his own token; the office's on a second; the Phó Chủ tịch's (to be lost) on a third.
  await hsm.initToken("CHU TICH", PIN);
  await hsm.provision(ca, {
    tokenLabel: "CHU TICH",
    pin: PIN,
    commonName: leaderName,
    title: "Chủ tịch",
    organization: "UBND phường Hồng Bàng",
    locality: "Hải Phòng",
    keyLabel: "chu-tich",
    crlUrl,
    withChain: true,
  });
  await hsm.initToken("CO QUAN", PIN);
  await hsm.provision(ca, {
    tokenLabel: "CO QUAN",
    pin: PIN,
    commonName: "UBND PHƯỜNG HỒNG BÀNG",
    organization: "UBND thành phố Hải Phòng",
    locality: "Hải Phòng",
    keyLabel: "to-chuc",
    crlUrl,
    withChain: true,
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
}, 300_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await agent?.close();
  await proxy?.close();
  await server?.close();
  hsm?.cleanup();
  for (const d of [dir, web]) if (d) rmSync(d, { recursive: true, force: true });
});

const PHONE = { width: 390, height: 844 };

async function open(viewport?: { width: number; height: number }): Promise<Page> {
  const ctx = await openBrowser(userDataDir(), viewport, viewport === PHONE ? { isMobile: true, deviceScaleFactor: 2 } : {});
  contexts.push(ctx);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on("pageerror", (e) => console.error("page error:", e.message));
  return page;
}

const text = (page: Page, testId: string) => page.getByTestId(testId).innerText();
let step = 0;
async function shot(page: Page, name: string): Promise<void> {
  step++;
  await page.screenshot({ path: join(shots, `story-${String(step).padStart(2, "0")}-${name}.png`), fullPage: true });
}

/** Everything the person sees is Vietnamese: no English word of the UI or an error slips through. */
async function noEnglish(page: Page): Promise<void> {
  const body = await page.locator("body").innerText();
  expect(body).not.toMatch(/\b(Error|error|undefined|null|NaN|Failed|failed|Cannot|Invalid|Unexpected|TypeError|not found)\b/);
}

function syncAndWait(page: Page): Promise<void> {
  return syncRound(page, proxy.url);
}

/** Signs in; the first round brings the office's data and the roots the server publishes (the demo CA). */
async function signInAndSync(page: Page, username: string): Promise<void> {
  await signIn(page, proxy.url, username, DEMO_PASSWORD);
  await syncAndWait(page);
  await page.goto(`${proxy.url}/#/cai-dat`);
  await expect.poll(() => text(page, "published-anchors"), { timeout: 30_000 }).toContain("CA thử");
}

async function consentAndPin(page: Page, click: () => Promise<void>, expectInConsent?: string): Promise<void> {
  const popup = page.context().waitForEvent("page");
  await click();
  const consent = await popup;
  try {
    await consent.waitForSelector("#pin", { timeout: 60_000 });
  } catch (e) {
    // The app closes the agent's window when it fails before the consent: say what it told the person.
    const told = await page
      .locator(".toast")
      .innerText()
      .catch(() => "");
    await page.screenshot({ path: join(shots, "story-failed-consent.png"), fullPage: true });
    throw new Error(`no consent page; the app said: ${told}`, { cause: e });
  }
  if (expectInConsent) expect(await consent.textContent("#documents")).toContain(expectInConsent);
  await consent.fill("#pin", PIN);
  await consent.click("#sign");
}

/** The received document is judged valid; if not, the report's words say why. */
async function validOrSayWhy(page: Page): Promise<void> {
  try {
    await expect.poll(() => text(page, "received-status"), { timeout: 60_000 }).toBe("Đã kiểm tra: chữ ký hợp lệ");
  } catch (e) {
    await page.screenshot({ path: join(shots, "story-failed-verdict.png"), fullPage: true });
    throw new Error(`not valid; the report says: ${await text(page, "report").catch(() => "(no report)")}`, { cause: e });
  }
}

/** The drafter: a PDF with its blanks for number and date, filled in and submitted to the Chủ tịch with a note. */
async function draftAndSubmit(page: Page, subject: string, note: string): Promise<string> {
  const pdf = await documentPdf({
    issuer: "UBND phường Hồng Bàng",
    number: "       /UBND-VP",
    placeDate: "Hồng Bàng, ngày       tháng       năm 2026",
    title: "Công văn",
    summary: `V/v ${subject}`,
    body: "Ủy ban nhân dân phường Hồng Bàng đề nghị các cơ quan phối hợp thực hiện.",
    signerTitle: "Chủ tịch",
    signerName: leaderName,
    pages: 2,
  });
  await page.goto(`${proxy.url}/#/du-thao`);
  await page.getByTestId("import-draft").setInputFiles({ name: "du-thao.pdf", mimeType: "application/pdf", buffer: Buffer.from(pdf) });
  await page.waitForURL(/#\/du-thao\/.+/);
  const id = page.url().split("/").at(-1)!;
  await page.locator("#f-type").selectOption("CV");
  await page.locator("#f-unit").fill("VP");
  await page.locator("#f-summary").fill(`Về việc ${subject}`);
  await page.locator("#f-signer").fill(leaderName);
  await page.locator("#f-title").fill("Chủ tịch");
  await page.locator("#f-recipients").fill("UBND xã An Hưng");
  await page.locator("#f-recipients").blur();
  await page.getByTestId("submit-panel").waitFor();
  await expect.poll(() => page.locator("#submit-official option").count(), { timeout: 30_000 }).toBeGreaterThan(0);
  await page.locator("#submit-note").fill(note);
  await page.getByTestId("submit-button").click();
  await expect.poll(() => text(page, "submit-state"), { timeout: 30_000 }).toContain("Chờ lãnh đạo xem xét");
  return id;
}

/** The văn thư issues the signed revision with the organisation's certificate (the seal) and sends it. */
async function issue(page: Page, id: string): Promise<void> {
  await page.goto(`${proxy.url}/#/du-thao/${id}`);
  await page.getByRole("button", { name: "Đọc chứng thư số từ thiết bị ký" }).click();
  const org = await page
    .getByTestId("cert-select")
    .locator("option", { hasText: /^UBND PHƯỜNG HỒNG BÀNG/ })
    .getAttribute("value");
  await page.getByTestId("cert-select").selectOption(org!);
  await consentAndPin(page, () => page.getByTestId("sign-button").click(), "Phát hành");
  await page.getByRole("heading", { name: /Đã phát hành/ }).waitFor({ timeout: 90_000 });
}

describe("the office's story, end to end (issue 11)", () => {
  // Skipped until it runs green: it passes through the first document (drafter → phone → PIN → issued 01/UBND-VP, valid in pdfsig)
  // and stops at step 12, where xã An Hưng does not see the sent document (issue 11 stays open; see the closing note).
  it("drafter → official on a phone and at the desk → clerk issues with the register's number → An Hưng registers; refusal; paper; lost token; audit", {
    timeout: 1_500_000,
  }, async () => {
    // ── The văn thư of Hồng Bàng: the first screen is the sign-in, not an office.
    const clerk = await open();
    await installPwa(clerk, proxy.url);
    await clerk.getByTestId("sign-in").waitFor();
    await noEnglish(clerk);
    await shot(clerk, "dang-nhap");
    await signInAndSync(clerk, "vanthu.hongbang");
    expect(await text(clerk, "office-name")).toContain("Ủy ban nhân dân phường Hồng Bàng");
    // The role is the account's: no role picker, no editable office name, no district or Sở tabs.
    await clerk.goto(`${proxy.url}/#/cai-dat`);
    expect(await clerk.locator("#s-role").count()).toBe(0);
    expect(await clerk.locator("#s-name").count()).toBe(0);
    expect(await text(clerk, "account-roles")).toBe("Văn thư");
    await clerk.goto(`${proxy.url}/#/chung-thu`);
    await clerk.getByRole("link", { name: "Danh mục" }).waitFor();
    expect(await clerk.getByRole("link", { name: "Tổng hợp (CNTT)" }).count()).toBe(0);
    expect(await clerk.getByRole("link", { name: "Sở KH&CN" }).count()).toBe(0);
    await pairWithAgent(clerk, proxy.url, agent.url);
    // The office's certificates go into its inventory, the organisation's given to the văn thư, before any is used (R22).
    await declareOfficeCertificates(
      clerk,
      proxy.url,
      [
        [leaderName, "Chủ tịch", ["head", "official"]],
        ["Phạm Văn Nam", "Phó Chủ tịch", ["deputy", "official"]],
        ["Trần Thị Bình", "Văn thư", ["clerk"]],
        // R21: an incident is reported to the head and to the person in charge of IT.
        ["Lê Văn Cường", "Công chức phụ trách chữ ký số", ["it"]],
      ],
      { certificates: 3, custodian: "Trần Thị Bình" },
    );
    await shot(clerk, "van-thu-giao-chung-thu");

    const first = await draftAndSubmit(clerk, "phối hợp triển khai chữ ký số chuyên dùng công vụ", "Kính trình anh xem, ký ban hành trong tuần.");
    await syncAndWait(clerk);
    await clerk.goto(`${proxy.url}/#/trinh-ky/${first}`);
    await expect.poll(() => text(clerk, "wf-number"), { timeout: 30_000 }).toMatch(/01\/UBND-VP/);
    await shot(clerk, "van-thu-da-trinh");

    // ── The Chủ tịch on his phone (390 px, no token agent): reads, comments, approves.
    const phone = await open(PHONE);
    await installPwa(phone, proxy.url);
    await signIn(phone, proxy.url, "lanhdao.hongbang", DEMO_PASSWORD);
    await syncAndWait(phone);
    await phone.goto(`${proxy.url}/#/trinh-ky`);
    await expect.poll(() => text(phone, "wf-to-review"), { timeout: 30_000 }).toContain("phối hợp triển khai chữ ký số");
    await shot(phone, "lanh-dao-dien-thoai-cho-xem-xet");
    await phone.getByTestId("wf-to-review").getByRole("link").first().click();
    await phone.getByTestId("workflow-detail").waitFor();
    expect(await text(phone, "wf-history")).toContain("Kính trình anh xem");
    await phone.getByTestId("wf-no-agent").waitFor();
    await noEnglish(phone);
    await shot(phone, "lanh-dao-dien-thoai-du-thao");
    // The viewer at 390 px: zoom in, the second page.
    await phone.getByTestId("wf-read").click();
    await phone.locator('[data-testid="pages"] canvas').first().waitFor({ timeout: 60_000 });
    await expect.poll(() => text(phone, "page-of")).toBe("Trang 1/2");
    await phone.getByTestId("zoom-in").click();
    await phone.getByTestId("zoom-in").click();
    await expect.poll(() => text(phone, "zoom-fit")).toBe("150%");
    const width = await phone
      .locator('[data-testid="pages"] canvas')
      .first()
      .evaluate((c) => c.getBoundingClientRect().width);
    expect(width).toBeGreaterThan(500);
    await shot(phone, "lanh-dao-dien-thoai-xem-van-ban");
    await phone.getByTestId("next-page").click();
    await expect.poll(() => text(phone, "page-of")).toBe("Trang 2/2");
    await phone.goBack();
    await phone.getByTestId("workflow-detail").waitFor();
    await phone.locator("#wf-comment").fill("Đề nghị bổ sung thời hạn báo cáo.");
    await phone.getByTestId("wf-comment-send").click();
    await phone.getByTestId("wf-approve").click();
    await expect.poll(() => text(phone, "wf-state")).toContain("Đã duyệt, chờ ký tại máy tính");
    await syncAndWait(phone);
    await phone.goto(`${proxy.url}/#/trinh-ky`);
    await expect.poll(() => text(phone, "wf-to-sign"), { timeout: 30_000 }).toContain("phối hợp triển khai chữ ký số");
    await shot(phone, "lanh-dao-dien-thoai-da-duyet");

    // ── The Chủ tịch at his desk, where the agent and his token are: "Chờ ký tại máy tính", signs with the PIN.
    const desk = await open();
    await installPwa(desk, proxy.url);
    await signInAndSync(desk, "lanhdao.hongbang");
    await pairWithAgent(desk, proxy.url, agent.url);
    await syncAndWait(desk);
    await desk.goto(`${proxy.url}/#/trinh-ky`);
    await expect.poll(() => text(desk, "wf-to-sign"), { timeout: 30_000 }).toContain("phối hợp triển khai chữ ký số");
    await shot(desk, "lanh-dao-may-tinh-cho-ky");
    await desk.getByTestId("wf-to-sign").getByRole("link").first().click();
    expect(await text(desk, "wf-comments")).toContain("Đề nghị bổ sung thời hạn báo cáo.");
    await consentAndPin(desk, () => desk.getByTestId("wf-sign").click(), "phối hợp triển khai");
    await expect.poll(() => text(desk, "wf-state"), { timeout: 60_000 }).toContain("Đã ký");
    await syncAndWait(desk);

    // ── The signed revision comes back to the văn thư by itself; issued with the register's number, sent.
    await syncAndWait(clerk);
    await clerk.goto(`${proxy.url}/#/trinh-ky`);
    await expect.poll(() => text(clerk, "wf-signed"), { timeout: 30_000 }).toContain("01/UBND-VP");
    await shot(clerk, "van-thu-nhan-ban-da-ky");
    await issue(clerk, first);
    await syncAndWait(clerk);
    await clerk.goto(`${proxy.url}/#/so-dang-ky/di`);
    await expect.poll(() => clerk.locator("body").innerText(), { timeout: 30_000 }).toContain("01/UBND-VP");
    await shot(clerk, "van-thu-so-van-ban-di");
    // The PDF says what the register says: the number written in the official's revision, both signatures valid.
    await clerk.goto(`${proxy.url}/#/trinh-ky/${first}`);
    await expect.poll(() => text(clerk, "wf-state"), { timeout: 30_000 }).toMatch(/Đã gửi|Đã phát hành/);
    const issuedLink = clerk.getByTestId("wf-revisions").getByRole("link").last();
    await issuedLink.click();
    const download = clerk.waitForEvent("download");
    await clerk.getByRole("link", { name: "Tải tệp về máy" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe("01-UBND-VP-2026-phat-hanh.pdf");
    const issuedPath = join(dir, file.suggestedFilename());
    await file.saveAs(issuedPath);
    expect((await pdfsig(issuedPath)).map((s) => s.valid)).toEqual([true, true]);
    const pdfText = (await tool("pdftotext", ["-layout", "-f", "1", "-l", "1", issuedPath, "-"])).stdout;
    // The number drawn in the blank ends just before the printed "/UBND-VP" (pdftotext may put a space between).
    expect(pdfText).toMatch(/Số:\s*01\s?\/UBND-VP/);
    const issued = issueDateParts(new Date());
    expect(pdfText).toContain(`ngày ${issued.day} tháng ${issued.month} năm ${issued.year}`);

    // ── Xã An Hưng: receives, verifies (green only because valid), registers.
    const anHung = await open();
    await installPwa(anHung, proxy.url);
    await signInAndSync(anHung, "vanthu.anhung");
    await syncAndWait(anHung);
    await anHung.goto(`${proxy.url}/#/van-ban-den`);
    await anHung
      .getByText(/phối hợp triển khai chữ ký số/)
      .first()
      .click();
    await anHung.getByTestId("report").waitFor({ timeout: 90_000 });
    await validOrSayWhy(anHung);
    expect(await anHung.getByTestId("seal-mismatch").count()).toBe(0);
    await anHung.locator("#reg-handler").fill("Chủ tịch UBND xã");
    await anHung.getByTestId("register-button").click();
    await anHung
      .getByText(/số đến 1/)
      .first()
      .waitFor();
    await noEnglish(anHung);
    await shot(anHung, "an-hung-vao-so");
    await syncAndWait(anHung);

    // ── A second document, signed at the desk straight away, is refused by An Hưng with a reason the sender sees.
    const second = await draftAndSubmit(clerk, "báo cáo số liệu tháng 11", "Kính trình.");
    await syncAndWait(clerk);
    await syncAndWait(desk);
    await desk.goto(`${proxy.url}/#/trinh-ky/${second}`);
    await consentAndPin(desk, () => desk.getByTestId("wf-sign").click(), "báo cáo số liệu");
    await expect.poll(() => text(desk, "wf-state"), { timeout: 60_000 }).toContain("Đã ký");
    await syncAndWait(desk);
    await syncAndWait(clerk);
    await issue(clerk, second);
    await syncAndWait(clerk);
    await syncAndWait(anHung);
    await anHung.goto(`${proxy.url}/#/van-ban-den`);
    await anHung
      .getByText(/báo cáo số liệu tháng 11/)
      .first()
      .click();
    await anHung.getByTestId("report").waitFor({ timeout: 90_000 });
    await anHung.locator("#refuse-reason").fill("Gửi nhầm nơi nhận: văn bản này gửi UBND phường Lê Chân.");
    await anHung.getByTestId("refuse-button").click();
    await expect.poll(() => text(anHung, "refusal-reason")).toContain("Gửi nhầm nơi nhận");
    await syncAndWait(anHung);
    await syncAndWait(clerk);
    await clerk.goto(`${proxy.url}/#/so-dang-ky/di`);
    await expect.poll(() => clerk.locator("body").innerText(), { timeout: 30_000 }).toContain("Gửi nhầm nơi nhận");
    await shot(clerk, "van-thu-bi-tu-choi");

    // ── A paper document at An Hưng: registered from its scan, fields proposed from its text, no signature verdict asked.
    const paper = await documentPdf({
      issuer: "UBND thành phố Hải Phòng",
      number: "215/UBND-VP",
      placeDate: "Hải Phòng, ngày 20 tháng 11 năm 2026",
      title: "Công văn",
      summary: "V/v rà soát thiết bị lưu khóa bí mật",
      body: "Đề nghị các xã, phường rà soát.",
      signerTitle: "Chủ tịch",
      signerName: "Nguyễn Văn Thành",
    });
    await anHung.goto(`${proxy.url}/#/van-ban-den`);
    await anHung.locator("details.card summary").click();
    await anHung.getByTestId("receipt-form").selectOption("paper");
    await anHung.getByTestId("import-received").setInputFiles({ name: "ban-quet.pdf", mimeType: "application/pdf", buffer: Buffer.from(paper) });
    await expect.poll(() => text(anHung, "fields-proposed"), { timeout: 30_000 }).toContain("Đã điền sẵn");
    expect(await anHung.locator("#r-number").inputValue()).toBe("215/UBND-VP");
    expect(await anHung.locator("#r-date").inputValue()).toBe("20/11/2026");
    expect(await anHung.locator("#r-summary").inputValue()).toBe("Về việc rà soát thiết bị lưu khóa bí mật");
    await shot(anHung, "an-hung-ban-giay-de-xuat");
    await anHung.getByRole("button", { name: "Nhận văn bản" }).click();
    await anHung.waitForURL(/#\/van-ban-den\/.+/);
    await anHung.getByTestId("paper-note").waitFor();
    await anHung.locator("#reg-handler").fill("Công chức Văn phòng - Thống kê");
    await anHung.getByTestId("register-button").click();
    await anHung
      .getByText(/số đến 2/)
      .first()
      .waitFor();
    await syncAndWait(anHung);
    await shot(anHung, "an-hung-ban-giay-vao-so");

    // ── A token is lost: the incident blocks it at once; the revocation request (Mẫu 05) goes through trình ký to the Sở.
    await clerk.goto(`${proxy.url}/#/chung-thu/su-co`);
    await clerk.getByTestId("incident-kind").selectOption("lost");
    await clerk.getByTestId("incident-token").selectOption("PCT NAM");
    await clerk.getByTestId("incident-description").fill("Mất thiết bị trên đường đi công tác");
    await clerk.getByTestId("contact-phone").fill("0912 345 678");
    await clerk.getByTestId("contact-email").fill("vanthu@hongbang.haiphong.gov.vn");
    await clerk.getByTestId("incident-report").click();
    const refused = await Promise.race([
      clerk.waitForURL(/#\/chung-thu\/de-nghi\//).then(() => ""),
      clerk.locator(".toast.error").innerText({ timeout: 90_000 }),
    ]);
    expect(refused, "the app refused to report the incident").toBe("");
    await expect.poll(() => text(clerk, "request-list")).toContain("Mẫu 05");
    await clerk.getByTestId("prepare-draft").click();
    await clerk.waitForURL(/#\/du-thao\/.+/);
    const request = clerk.url().split("/").at(-1)!;
    await expect.poll(() => clerk.locator("#submit-official option").count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await clerk.locator("#submit-note").fill("Kính trình ký gấp: thiết bị của đồng chí Phó Chủ tịch bị mất.");
    await clerk.getByTestId("submit-button").click();
    await expect.poll(() => text(clerk, "submit-state"), { timeout: 30_000 }).toContain("Chờ lãnh đạo xem xét");
    await syncAndWait(clerk);
    await shot(clerk, "su-co-trinh-ky-de-nghi");
    // Signed with the office's other certificate (the Chủ tịch's, on his own token), sealed and sent.
    await syncAndWait(desk);
    await desk.goto(`${proxy.url}/#/trinh-ky/${request}`);
    await consentAndPin(desk, () => desk.getByTestId("wf-sign").click());
    await expect.poll(() => text(desk, "wf-state"), { timeout: 60_000 }).toContain("Đã ký");
    await syncAndWait(desk);
    await syncAndWait(clerk);
    await issue(clerk, request);
    await syncAndWait(clerk);
    await clerk.goto(`${proxy.url}/#/chung-thu/de-nghi`);
    await expect.poll(() => text(clerk, "request-state"), { timeout: 30_000 }).toBe("Đã gửi");

    // ── The Sở: receives, verifies, registers; its list counts the deadline in working days; it answers.
    const so = await open();
    await installPwa(so, proxy.url);
    await signInAndSync(so, "vanthu.sokhcn");
    await syncAndWait(so);
    await so.goto(`${proxy.url}/#/van-ban-den`);
    await so
      .getByText(/đề nghị thu hồi chứng thư/)
      .first()
      .click();
    await so.getByTestId("report").waitFor({ timeout: 90_000 });
    await validOrSayWhy(so);
    await so.locator("#reg-handler").fill("Phòng Bưu chính, Viễn thông và Chuyển đổi số");
    await so.getByTestId("register-button").click();
    await so
      .getByText(/số đến 1/)
      .first()
      .waitFor();
    await syncAndWait(so);
    await so.goto(`${proxy.url}/#/chung-thu/so`);
    await expect.poll(() => text(so, "so-inbox"), { timeout: 30_000 }).toContain("Mẫu 05 — Thu hồi chứng thư số");
    await shot(so, "so-khcn-han-xu-ly");
    await so.getByTestId("answer-complete").click();
    await so.getByText("Đã gửi trả lời cho cơ quan đề nghị.").waitFor();
    await syncAndWait(clerk);
    await clerk.goto(`${proxy.url}/#/chung-thu/de-nghi`);
    await expect.poll(() => text(clerk, "request-state"), { timeout: 30_000 }).toBe("Đã giải quyết");
    await expect.poll(() => text(clerk, "request-list")).toContain("trả lời đúng hạn");
    await shot(clerk, "su-co-so-tra-loi");

    // ── The audit trail: the office's one chain on the server, intact, with every step.
    await syncAndWait(desk);
    await desk.goto(`${proxy.url}/#/nhat-ky`);
    await expect.poll(() => text(desk, "audit-verify"), { timeout: 30_000 }).toMatch(/^Toàn vẹn: \d+ mục$/);
    const trail = await text(desk, "audit-list");
    for (const words of [/Tạo dự thảo/, /[Tt]rình/, /[Dd]uyệt/, /[Kk]ý/, /[Pp]hát hành/, /[Gg]ửi/, /[Tt]ừ chối/, /[Đđ]ăng nhập/]) expect(trail).toMatch(words);
    await noEnglish(desk);
    await shot(desk, "nhat-ky");
    const exported = desk.waitForEvent("download");
    await desk.getByTestId("audit-export").click();
    expect((await exported).suggestedFilename()).toMatch(/^nhat-ky-\d{4}-\d{2}-\d{2}\.json$/);
  });
});
