/**
 * The PWA in real Chromium, against the built app: a clerk works offline — drafts, received
 * documents verified in the worker with the cached CRL, the incoming register and its search
 * without diacritics, the viewer — closes the browser, reopens it, and nothing is lost.
 * Screenshots of the main screens (desktop and a 390 px phone) go to test-results/.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedDemo, DEMO_PASSWORD } from "../../sync-server/seed.ts";
import { startSyncServer, type RunningServer } from "../../sync-server/serve.ts";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  RESULTS,
  buildWeb,
  demoPki,
  documentPdf,
  openBrowser,
  signIn,
  signedDocument,
  startGatedProxy,
  tampered,
  userDataDir,
  type DemoPki,
  type GatedProxy,
  waitForServiceWorker,
} from "./helpers.ts";

// The real sync server (the first screen is the sign-in: the account says who works here), reached
// through a proxy that also serves the demo CA's CRL; after sign-in the clerk works with no network.
let sync: RunningServer;
let dataDir: string;
let server: GatedProxy;
let web: string;
let pki: DemoPki;
let profileDir: string;
const shots = join(RESULTS, "screenshots");
const ISSUER = "Ủy ban nhân dân phường Hồng Bàng";

beforeAll(async () => {
  web = buildWeb();
  mkdirSync(shots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), "vanthu-e2e-offline-"));
  sync = await startSyncServer({ db: `sqlite:${join(dataDir, "db.sqlite")}`, blobs: join(dataDir, "blobs"), port: 0, host: "127.0.0.1", webDir: web });
  await seedDemo(sync.storage);
  server = await startGatedProxy(sync.url);
  pki = await demoPki(`${server.url}/crl/demo.crl`, ISSUER, { name: "Trần Văn Bình", title: "Chủ tịch" });
  server.extra.set("/crl/demo.crl", { body: pki.crlDer, type: "application/pkix-crl" });
  profileDir = userDataDir();
});

let openCtx: BrowserContext | undefined;
afterAll(async () => {
  await openCtx?.close().catch(() => undefined);
  await server?.close();
  await sync?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  if (web) rmSync(web, { recursive: true, force: true });
});

async function receivedDoc(n: number, summary: string) {
  const pdf = await documentPdf({
    issuer: ISSUER,
    number: `${n}/QĐ-UBND`,
    title: "Quyết định",
    summary,
    body: "Căn cứ Luật Tổ chức chính quyền địa phương.",
    signerTitle: "Chủ tịch",
    signerName: "Trần Văn Bình",
  });
  return signedDocument(pki, pdf);
}

async function importReceived(page: Page, file: { name: string; bytes: Uint8Array }, d: { issuer: string; number: string; date: string; summary: string }) {
  await page.goto(`${server.url}/#/van-ban-den`);
  await page.locator("details.card summary").click();
  await page.getByTestId("import-received").setInputFiles({ name: file.name, mimeType: "application/pdf", buffer: Buffer.from(file.bytes) });
  await page.locator("#r-issuer").fill(d.issuer);
  await page.locator("#r-number").fill(d.number);
  await page.locator("#r-date").fill(d.date);
  await page.locator("#r-summary").fill(d.summary);
  await page.getByRole("button", { name: "Nhận và kiểm tra chữ ký" }).click();
  await page.waitForURL(/#\/van-ban-den\/.+/);
  // The worker's verdict arrives through the live query.
  await page.getByTestId("report").waitFor({ timeout: 60_000 });
}

describe("offline office in Chromium", () => {
  let ctx: BrowserContext;

  it("installs, works offline, verifies, registers, finds without diacritics, survives closing the browser", { timeout: 300_000 }, async () => {
    ctx = openCtx = await openBrowser(profileDir);
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.url);
    await waitForServiceWorker(page);
    // The manifest is there and names the app in Vietnamese.
    const manifest = await page.evaluate(async () => (await fetch(document.querySelector<HTMLLinkElement>('link[rel="manifest"]')!.href)).json());
    expect(manifest.name).toBe("Văn thư số");
    expect(manifest.icons.length).toBeGreaterThanOrEqual(2);

    // The first screen is the sign-in; then the office trusts the demo CA (as it would add its own CA), while online.
    await signIn(page, server.url, "vanthu.hongbang", DEMO_PASSWORD);
    await page.goto(`${server.url}/#/cai-dat`);
    await page.getByTestId("trust-anchor").setInputFiles({ name: "demo-root.pem", mimeType: "application/x-pem-file", buffer: Buffer.from(pki.caPem) });
    await page.getByText(/Đã thêm 1 chứng thư gốc tin cậy/).waitFor();

    // A first received document, verified online: the CRL is fetched and cached (R13).
    await importReceived(
      page,
      { name: "qd-15.pdf", bytes: await receivedDoc(15, "Về việc tổ chức tiêm chủng mở rộng") },
      { issuer: ISSUER, number: "15/QĐ-UBND", date: "20/11/2026", summary: "Về việc tổ chức tiêm chủng mở rộng năm 2026" },
    );
    await expect.poll(() => page.getByTestId("report").innerText()).toContain("Hợp lệ");

    // From here on there is no network at all.
    await ctx.setOffline(true);
    await page.goto(`${server.url}/#/du-thao`);
    await page.reload();
    await expect.poll(async () => (await page.getByTestId("network").innerText()).trim()).toBe("Không có mạng");

    // A file stamped MẬT is refused at import and nothing is kept (R9).
    const secret = await documentPdf({
      issuer: "Ủy ban nhân dân xã An Lão",
      number: "01/KH-UBND",
      title: "Kế hoạch",
      summary: "Bảo vệ mục tiêu",
      body: "Nội dung.",
      signerTitle: "Chủ tịch",
      signerName: "Nguyễn Thị Hoa",
      stamp: "MẬT",
    });
    await page.getByTestId("import-draft").setInputFiles({ name: "ke-hoach-mat.pdf", mimeType: "application/pdf", buffer: Buffer.from(secret) });
    await page.getByRole("alert").filter({ hasText: "không được ký, gửi hay lưu" }).waitFor();
    expect(await page.getByTestId("draft-list").locator("li").count()).toBe(0);

    // Draft: import a PDF, fill the data; a classified level is refused and not kept (R9).
    const draftPdf = await documentPdf({
      issuer: "Ủy ban nhân dân xã An Lão",
      number: "   /UBND-VP",
      title: "Công văn",
      summary: "Về việc chuẩn bị phòng chống bão số 5",
      body: "Kính gửi: các thôn.",
      signerTitle: "Chủ tịch",
      signerName: "Nguyễn Thị Hoa",
    });
    await page.getByTestId("import-draft").setInputFiles({ name: "cong-van-bao.pdf", mimeType: "application/pdf", buffer: Buffer.from(draftPdf) });
    await page.waitForURL(/#\/du-thao\/.+/);
    await page.locator("#f-summary").fill("Về việc chuẩn bị phòng, chống cơn bão số 5");
    await page.locator("#f-signer").fill("Nguyễn Thị Hoa");
    await page.locator("#f-title").fill("Chủ tịch");
    await page.locator("#f-recipients").fill("Các thôn, tổ dân phố\nỦy ban nhân dân phường Hồng Bàng");
    await page.locator("#f-recipients").blur();
    await expect.poll(async () => (await page.getByTestId("save-state").innerText()).trim()).toBe("Đã lưu trên máy này");
    await page.locator("#f-secrecy").selectOption("Mật");
    await expect.poll(() => page.getByTestId("secrecy-refusal").innerText()).toContain("không được ký, gửi hay lưu");
    await expect.poll(() => page.locator("#f-secrecy").inputValue()).toBe("none");
    await page.screenshot({ path: join(shots, "desktop-draft.png"), fullPage: true });
    const draftUrl = page.url();

    // A second document received offline: verified with the cached CRL, registered.
    const received20 = await receivedDoc(20, "Kế hoạch phòng chống lụt bão");
    await importReceived(
      page,
      { name: "kh-20.pdf", bytes: received20 },
      { issuer: ISSUER, number: "20/QĐ-UBND", date: "21/11/2026", summary: "Kế hoạch phòng chống lụt bão và tìm kiếm cứu nạn" },
    );
    await expect.poll(() => page.getByTestId("report").innerText()).toContain("Hợp lệ");
    await expect.poll(() => page.getByTestId("report").innerText()).toContain("CRL đã lưu trên máy");
    await page.locator("#reg-handler").fill("Chủ tịch UBND xã");
    await page.getByTestId("register-button").click();
    await page.getByText(/Đã vào sổ văn bản đến: số đến 1/).waitFor();
    await page.screenshot({ path: join(shots, "desktop-received-report.png"), fullPage: true });

    // The same file again: the clerk is warned of a duplicate (R16b) and refuses it.
    await importReceived(
      page,
      { name: "kh-20-lan-2.pdf", bytes: received20 },
      { issuer: ISSUER, number: "20/QĐ-UBND", date: "21/11/2026", summary: "Kế hoạch phòng chống lụt bão (gửi lại)" },
    );
    await expect.poll(() => page.getByTestId("duplicate-warning").innerText()).toContain("cùng tệp");
    await expect.poll(() => page.getByTestId("duplicate-warning").innerText()).toContain("Số đến 1/2026");
    await page.locator("#reg-handler").fill("Chủ tịch UBND xã");
    await page.getByTestId("register-button").click();
    await page.screenshot({ path: join(shots, "desktop-duplicate-warning.png"), fullPage: true });
    await expect.poll(() => page.locator(".toast.error").innerText()).toContain("có thể trùng");
    await page.locator("#refuse-reason").fill("Văn bản trùng với văn bản đã vào sổ (số đến 1).");
    await page.getByTestId("refuse-button").click();
    await page.getByText("Đã từ chối", { exact: true }).first().waitFor();

    // A tampered document: the verdict says so, registering is impossible, the clerk refuses it with the reason.
    await importReceived(
      page,
      { name: "sua-doi.pdf", bytes: tampered(await receivedDoc(21, "Văn bản bị sửa")) },
      { issuer: ISSUER, number: "21/QĐ-UBND", date: "22/11/2026", summary: "Văn bản bị sửa sau khi ký" },
    );
    await expect.poll(() => page.getByTestId("report").innerText()).toContain("Không hợp lệ");
    await expect.poll(() => page.getByTestId("register-button").isDisabled()).toBe(true);
    await page.locator("#refuse-reason").fill("Chữ ký số không hợp lệ: nội dung văn bản đã bị thay đổi sau khi ký.");
    await page.getByTestId("refuse-button").click();
    await page.getByText("Đã từ chối", { exact: true }).first().waitFor();

    // Register the first one too (it was received online).
    await page.goto(`${server.url}/#/van-ban-den`);
    await page.getByText("15/QĐ-UBND").click();
    await page.locator("#reg-handler").fill("Phó Chủ tịch phụ trách văn hóa - xã hội");
    await page.getByTestId("register-button").click();
    await page.getByText(/Đã vào sổ văn bản đến: số đến 2/).waitFor();
    await page.goto(`${server.url}/#/van-ban-den`);
    await page.screenshot({ path: join(shots, "desktop-received-list.png"), fullPage: true });

    // Registers: search without diacritics.
    await page.goto(`${server.url}/#/so-dang-ky/den`);
    await expect.poll(() => page.getByTestId("register-table").locator("tbody tr").count()).toBe(2);
    await page.locator("#register-search").fill("uy ban nhan dan");
    await expect.poll(() => page.getByTestId("register-table").locator("tbody tr").count()).toBe(2);
    // The issuer as the seal's certificate names it (upper case in the register), found without diacritics.
    await expect.poll(async () => (await page.getByTestId("register-table").innerText()).toLocaleLowerCase("vi")).toContain("ủy ban nhân dân phường hồng bàng");
    await page.locator("#register-search").fill("lut bao");
    await expect.poll(() => page.getByTestId("register-table").locator("tbody tr").count()).toBe(1);
    await expect.poll(() => page.getByTestId("register-table").innerText()).toContain("Kế hoạch phòng chống lụt bão");
    await page.locator("#register-search").fill("khong co van ban nay");
    await expect.poll(() => page.getByTestId("register-table").locator("tbody tr").count()).toBe(0);
    await page.locator("#register-search").fill("");
    await expect.poll(() => page.getByTestId("register-table").locator("tbody tr").count()).toBe(2);
    await page.screenshot({ path: join(shots, "desktop-register-incoming.png"), fullPage: true });
    // Export for printing: the register's cover and the columns of Phụ lục IV, in a window of its own.
    const printing = page.context().waitForEvent("page");
    await page.getByRole("button", { name: "In sổ" }).click();
    const printPage = await printing;
    await printPage.waitForLoadState();
    const printed = await printPage.locator("body").innerText();
    expect(printed).toContain("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN");
    // ND30 Phụ lục IV: the incoming register's cover gives its dates; only the outgoing one gives a number range.
    expect(printed).toMatch(/Từ ngày \d{2}\/\d{2}\/\d{4} đến ngày \d{2}\/\d{2}\/\d{4}/);
    expect(printed).not.toContain("Từ số");
    expect(await printPage.locator("tbody tr").count()).toBe(2);
    await printPage.screenshot({ path: join(shots, "desktop-register-print.png"), fullPage: true });
    await printPage.close();

    // Viewer: pages drawn by pdf.js with the signature appearances; the signatures listed with the verdict.
    await page.getByTestId("register-table").getByRole("link", { name: "20/QĐ-UBND" }).click();
    await page.locator('[data-testid="pages"][data-rendered="true"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId("signature-list").locator(".sig").count()).toBe(2);
    await expect.poll(() => page.getByTestId("signature-list").innerText()).toContain("Trần Văn Bình");
    await expect.poll(() => page.getByTestId("signature-list").innerText()).toContain("hợp lệ");
    await page.screenshot({ path: join(shots, "desktop-viewer.png"), fullPage: true });

    expect(errors).toEqual([]);
    await ctx.close();

    // Reopen the browser, still offline: everything is there.
    ctx = openCtx = await openBrowser(profileDir);
    await ctx.setOffline(true);
    const p2 = ctx.pages()[0] ?? (await ctx.newPage());
    await p2.goto(`${server.url}/#/du-thao`);
    await expect.poll(() => p2.getByTestId("draft-list").innerText()).toContain("Về việc chuẩn bị phòng, chống cơn bão số 5");
    await p2.goto(draftUrl);
    await expect.poll(() => p2.locator("#f-recipients").inputValue()).toBe("Các thôn, tổ dân phố\nỦy ban nhân dân phường Hồng Bàng");
    await expect.poll(() => p2.locator("#f-secrecy").inputValue()).toBe("none");
    await p2.goto(`${server.url}/#/so-dang-ky/den`);
    await expect.poll(() => p2.getByTestId("register-table").locator("tbody tr").count()).toBe(2);
    await p2.goto(`${server.url}/#/van-ban-den`);
    await expect.poll(() => p2.getByTestId("received-list").locator("li").count()).toBe(4);
    await p2.goto(`${server.url}/#/dong-bo`);
    await expect.poll(() => p2.getByTestId("sync-badge").innerText()).toContain("4 thay đổi chờ gửi");
    await expect.poll(() => p2.getByTestId("sync-phase").innerText()).toContain("Không có mạng");
    await p2.screenshot({ path: join(shots, "desktop-sync.png"), fullPage: true });
    await p2.goto(`${server.url}/#/luu-tru`);
    await p2.getByRole("button", { name: /Kiểm tra tính nguyên vẹn/ }).click();
    await expect.poll(() => p2.getByTestId("integrity").innerText()).toContain("khớp mã SHA-256");
    await p2.screenshot({ path: join(shots, "desktop-storage.png"), fullPage: true });
    await ctx.close();
  });

  it("renders on a 390 px phone", { timeout: 120_000 }, async () => {
    await openCtx?.close().catch(() => undefined);
    ctx = openCtx = await openBrowser(profileDir, { width: 390, height: 844 }, { isMobile: true, deviceScaleFactor: 2 });
    await ctx.setOffline(true);
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(`${server.url}/#/so-dang-ky/den`);
    await expect.poll(() => page.getByTestId("register-table").locator("tbody tr").count()).toBe(2);
    await page.screenshot({ path: join(shots, "phone-register-incoming.png"), fullPage: true });
    await page.getByTestId("register-table").getByRole("link", { name: "20/QĐ-UBND" }).click();
    await page.locator('[data-testid="pages"][data-rendered="true"]').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(shots, "phone-viewer.png"), fullPage: true });
    await page.goto(`${server.url}/#/du-thao`);
    await page.screenshot({ path: join(shots, "phone-drafts.png"), fullPage: true });
    await page.goto(`${server.url}/#/van-ban-den`);
    await page.getByRole("link", { name: /tìm kiếm cứu nạn/ }).click();
    await page.getByTestId("report").waitFor();
    await page.screenshot({ path: join(shots, "phone-received-report.png"), fullPage: true });
    await ctx.close();
  });
});
