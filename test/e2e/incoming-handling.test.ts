/**
 * Issue 16 end to end in real Chromium with the real sync server (SQLite) and the PWA as built:
 * the văn thư of UBND phường Hồng Bàng registers a paper incoming document and presents it to
 * the Chủ tịch; the Chủ tịch, on a phone, writes the handling opinion and assigns it with a due
 * date of 2 working days; the assignee sees it and acknowledges it; with the server's QLVB clock
 * moved to the day after the due date it is listed as overdue (banner and list, phone too); the
 * incoming register shows "Đơn vị hoặc người nhận", "Ngày chuyển" and "Ký nhận" filled in.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo, DEMO_PASSWORD } from "../../sync-server/seed.ts";
import { startSyncServer, type RunningServer } from "../../sync-server/serve.ts";
import type { QlvbClock } from "../../sync-server/clock/qlvb-clock.ts";
import { RESULTS, buildWeb, documentPdf, installPwa, openBrowser, userDataDir } from "./helpers.ts";

/** The server's QLVB clock, moved by the test: it starts on Thursday 26/11/2026 09:00 in Hải Phòng and runs. */
const startReal = Date.now();
let base = Date.parse("2026-11-26T09:00:00+07:00");
const clock: QlvbClock = { source: "test-clock", now: () => new Date(base + (Date.now() - startReal)) };
function setClock(iso: string) {
  base = Date.parse(iso) - (Date.now() - startReal);
}

const shots = join(RESULTS, "screenshots");
let web: string;
let dir: string;
let server: RunningServer;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  web = buildWeb();
  mkdirSync(shots, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), "vanthu-e2e-handling-"));
  server = await startSyncServer({ db: `sqlite:${join(dir, "db.sqlite")}`, blobs: join(dir, "blobs"), port: 0, host: "127.0.0.1", webDir: web, clock });
  await seedDemo(server.storage);
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await server?.close();
  for (const d of [dir, web]) if (d) rmSync(d, { recursive: true, force: true });
});

async function open(phone = false): Promise<Page> {
  const ctx = phone
    ? await openBrowser(userDataDir(), { width: 390, height: 844 }, { isMobile: true, deviceScaleFactor: 2 })
    : await openBrowser(userDataDir());
  contexts.push(ctx);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on("pageerror", (e) => console.error("page error:", e.message));
  return page;
}

/** The sign-in screen is the first screen: the account says who works and for which office. */
async function signIn(page: Page, username: string) {
  await page.goto(`${server.url}/`);
  await page.getByTestId("sign-in").waitFor();
  await page.locator("#login-user").fill(username);
  await page.locator("#login-pass").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.getByTestId("sign-in").waitFor({ state: "detached" });
}

async function signedIn(username: string, phone = false): Promise<Page> {
  const page = await open(phone);
  await installPwa(page, server.url);
  await signIn(page, username);
  return page;
}

/** The handling list, refreshed until the card of the document is there (the server's answer). */
async function card(page: Page, text: string) {
  await page.goto(`${server.url}/#/xu-ly`);
  await page.getByTestId("handling-view").waitFor();
  await page.getByTestId("handling-scope-all").check();
  const c = page.locator("article", { hasText: text });
  await expect
    .poll(
      async () => {
        if ((await c.count()) === 0) await page.getByRole("button", { name: "Làm mới" }).click();
        return c.count();
      },
      { timeout: 90_000, interval: 2000 },
    )
    .toBe(1);
  return c;
}

async function syncNow(page: Page) {
  await page.goto(`${server.url}/#/dong-bo`);
  await page.getByTestId("sync-now").click();
  await expect.poll(async () => (await page.getByTestId("sync-badge").innerText()).trim(), { timeout: 60_000 }).toBe("Đã đồng bộ");
}

/**
 * After the server's 12-hour session ended (on its QLVB clock): sign out, sign in again; the
 * device keeps its data. The sign-in screen shows at once after the click, before any
 * navigation, whether the server could be told or not (`offline`: the network is cut meanwhile).
 */
async function signInAgain(page: Page, username: string, offline = false) {
  await page.goto(`${server.url}/#/dong-bo`);
  if (offline) await page.context().setOffline(true);
  await page.getByRole("button", { name: "Đăng xuất" }).click();
  await page.getByTestId("sign-in").waitFor();
  if (offline) await page.context().setOffline(false);
  await signIn(page, username);
}

describe("handling an incoming document in Chromium", () => {
  it("register → present → leader assigns on a phone → assignee sees → overdue the day after → register columns filled", {
    timeout: 600_000,
  }, async () => {
    const SUMMARY = "Kế hoạch kiểm tra công tác văn thư năm 2026";
    // 1. The văn thư receives a paper document (its scan) and registers it.
    const clerk = await signedIn("vanthu.hongbang");
    const pdf = await documentPdf({
      issuer: "UBND thành phố Hải Phòng",
      number: "215/KH-UBND",
      title: "Kế hoạch",
      summary: SUMMARY,
      body: "Các đơn vị thực hiện theo kế hoạch.",
      signerTitle: "Chủ tịch",
      signerName: "Trần Văn Bình",
    });
    await clerk.goto(`${server.url}/#/van-ban-den`);
    await clerk.locator("details.card summary").click();
    await clerk.getByTestId("receipt-form").selectOption("paper");
    await clerk.getByTestId("import-received").setInputFiles({ name: "215-kh-ubnd.pdf", mimeType: "application/pdf", buffer: Buffer.from(pdf) });
    await clerk.locator("#r-issuer").fill("UBND thành phố Hải Phòng");
    await clerk.locator("#r-number").fill("215/KH-UBND");
    await clerk.locator("#r-date").fill("24/11/2026");
    await clerk.locator("#r-summary").fill(SUMMARY);
    await clerk.getByRole("button", { name: "Nhận văn bản", exact: true }).click();
    await clerk.waitForURL(/#\/van-ban-den\/.+/);
    await clerk.getByTestId("register-button").click();
    // The toast of this act (the sign-in's may still be showing a moment before).
    await clerk.locator(".toast", { hasText: /Đã vào sổ văn bản đến, số đến 1/ }).waitFor();
    await syncNow(clerk);

    // 2. …and presents it to the Chủ tịch (the server stamps the time, checks the role).
    let c = await card(clerk, "215/KH-UBND");
    await expect.poll(() => c.getByTestId("handling-state").innerText()).toBe("Đã vào sổ, chờ trình");
    await c.getByTestId("handling-present-to").selectOption({ label: "Nguyễn Văn Thử" });
    await c.getByTestId("handling-present").click();
    await expect.poll(() => c.getByTestId("handling-state").innerText()).toBe("Đã trình, chờ ý kiến chỉ đạo");

    // 3. The Chủ tịch, on a phone, writes the opinion and assigns it with 2 working days.
    const leader = await signedIn("lanhdao.hongbang", true);
    c = await card(leader, "215/KH-UBND");
    await c.getByTestId("handling-opinion").fill("Giao đồng chí phụ trách chữ ký số chủ trì, phối hợp Văn phòng; báo cáo trước hạn.");
    await c.getByTestId("handling-main").selectOption({ label: "Lê Văn Cường" });
    await c.getByTestId("handling-unit").fill("Văn phòng HĐND và UBND");
    await c.getByTestId("handling-days").fill("2");
    await c.getByTestId("handling-assign").click();
    // Thursday 26/11 + 2 working days: Friday 27/11, Monday 30/11.
    await expect.poll(() => c.getByTestId("handling-deadline").innerText()).toContain("Hạn 30/11/2026");
    await leader.screenshot({ path: join(shots, "phone-handling-assigned.png"), fullPage: true });

    // 4. The assignee sees it among the documents assigned to them and acknowledges it.
    const assignee = await signedIn("cks.hongbang");
    await assignee.goto(`${server.url}/#/xu-ly`);
    const mine = assignee.locator("article", { hasText: "215/KH-UBND" });
    await expect
      .poll(
        async () => {
          if ((await mine.count()) === 0) await assignee.getByRole("button", { name: "Làm mới" }).click();
          return mine.count();
        },
        { timeout: 60_000, interval: 2000 },
      )
      .toBe(1);
    await expect.poll(() => mine.getByTestId("handling-assignment").innerText()).toContain("Giao đồng chí phụ trách chữ ký số chủ trì");
    await mine.getByTestId("handling-acknowledge").click();
    await expect.poll(() => mine.getByTestId("handling-state").innerText()).toBe("Đang xử lý");

    // 5. The day after the due date (QLVB clock): overdue for the leader, on the phone too.
    setClock("2026-12-01T08:30:00+07:00");
    await signInAgain(leader, "lanhdao.hongbang", true); // 12-hour sessions ended on the server's clock; signed out offline
    c = await card(leader, "215/KH-UBND");
    await expect.poll(() => c.getByTestId("handling-deadline").innerText()).toContain("Quá hạn 1 ngày làm việc (hạn 30/11/2026)");
    await expect.poll(() => leader.getByTestId("handling-alerts").innerText()).toContain("Quá hạn");
    await leader.reload();
    await expect.poll(() => leader.getByTestId("handling-banner").innerText(), { timeout: 60_000 }).toContain("1 văn bản đến quá hạn giải quyết");
    await leader.screenshot({ path: join(shots, "phone-handling-overdue.png"), fullPage: true });

    // 6. The clerk's incoming register has the handling columns filled in.
    await signInAgain(clerk, "vanthu.hongbang");
    await syncNow(clerk);
    await clerk.goto(`${server.url}/#/so-dang-ky/den`);
    const row = clerk.getByTestId("register-table").locator("tbody tr", { hasText: "215/KH-UBND" });
    await expect.poll(() => row.innerText(), { timeout: 60_000 }).toContain("Lê Văn Cường (chủ trì); Văn phòng HĐND và UBND (phối hợp)");
    await expect.poll(() => row.innerText()).toContain("26/11/2026");
    await expect.poll(() => row.innerText()).toContain("đã nhận điện tử lúc");
    await clerk.screenshot({ path: join(shots, "desktop-register-handling-columns.png"), fullPage: true });
  });
});
