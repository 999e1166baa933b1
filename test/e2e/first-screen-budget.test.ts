/**
 * A budget for the JavaScript the first screen loads, gzipped: clerks open the app on slow
 * networks and phones. It once grew from 55 KB to 702 KB unseen, when a banner shown on every
 * screen imported a whole view (X.509 and PDF code). A size, not a timing. Two first screens,
 * served by the real sync server: a new device's sign-in, and a signed-in office's drafts list.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEMO_PASSWORD, seedDemo } from "../../sync-server/seed.ts";
import { startSyncServer, type RunningServer } from "../../sync-server/serve.ts";
import { CHROMIUM_ARGS, buildWeb, signIn } from "./helpers.ts";

/** Issue 17: at most 50 KB on the first screen (63.3 KB before it, 13 KB for the sign-in after). */
const SIGN_IN_BUDGET = 50 * 1024;
/**
 * The drafts list needs the database code (Dexie, 28 KB of it) as well; the banners above it load
 * their heavier code only when they have something to say (60 KB measured; 107.5 KB before).
 */
const OFFICE_BUDGET = 64 * 1024;
let web: string;
let dir: string;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  web = buildWeb();
  dir = mkdtempSync(join(tmpdir(), "vanthu-budget-"));
  server = await startSyncServer({ db: `sqlite:${join(dir, "db.sqlite")}`, blobs: join(dir, "blobs"), port: 0, host: "127.0.0.1", webDir: web });
  await seedDemo(server.storage);
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const d of [web, dir]) if (d) rmSync(d, { recursive: true, force: true });
});

const origin = () => server.url.replace(/\/$/, "");

/**
 * The gzipped JavaScript a page load fetches: until `drawn` resolves (the first screen on
 * screen), and until the network is idle (lazy banners, the sync that follows).
 */
async function javascriptOf(page: Page, load: () => Promise<void>): Promise<{ gz: number; files: string[]; idleGz: number }> {
  const loaded = new Set<string>();
  const listen = (r: import("playwright-core").Response) => {
    const u = new URL(r.url());
    if (u.origin === origin() && /\.m?js$/.test(u.pathname) && !u.pathname.endsWith("/sw.js")) loaded.add(u.pathname);
  };
  const size = (files: string[]) => files.reduce((s, p) => s + gzipSync(readFileSync(join(web, p))).length, 0);
  page.on("response", listen);
  await load();
  const files = [...loaded];
  await page.waitForLoadState("networkidle");
  page.off("response", listen);
  return { gz: size(files), files, idleGz: size([...loaded]) };
}

it(`a new device's first screen (the sign-in) loads at most ${SIGN_IN_BUDGET / 1024} KB of JavaScript, gzipped`, async () => {
  const page = await (await browser.newContext()).newPage();
  const { gz, files } = await javascriptOf(page, async () => {
    await page.goto(origin());
    await page.getByTestId("sign-in").waitFor();
  });
  expect(files.length).toBeGreaterThan(0);
  expect(gz, `sign-in: ${(gz / 1024).toFixed(1)} KB gzipped in ${files.join(", ")}`).toBeLessThan(SIGN_IN_BUDGET);
  await page.context().close();
}, 120_000);

it(`a signed-in office's first screen (the drafts) loads at most ${OFFICE_BUDGET / 1024} KB of JavaScript, gzipped`, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(origin());
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await signIn(page, origin(), "vanthu.hongbang", DEMO_PASSWORD);
  // The sign-in's sync round ends first: a chunk it imports at its end (the verifier's, for
  // documents to judge again) must not arrive after the reload and be counted as the screen's.
  await page.getByTestId("sync-badge").filter({ hasText: "Đã đồng bộ" }).waitFor({ timeout: 120_000 });
  await page.waitForLoadState("networkidle");
  // Offline, from the service worker: the screen and its banners, without the sync that would
  // follow on a line (its code loads after the first screen, and how soon depends on the machine).
  await context.setOffline(true);
  const { gz, files, idleGz } = await javascriptOf(page, async () => {
    await page.reload();
    await page.getByTestId("draft-list").waitFor({ state: "attached" });
  });
  expect(files.length).toBeGreaterThan(0);
  expect(idleGz, `drafts: ${(idleGz / 1024).toFixed(1)} KB gzipped in ${files.join(", ")}`).toBeLessThan(OFFICE_BUDGET);
  console.log(`first screens, JavaScript gzipped: drafts ${(gz / 1024).toFixed(1)} KB to draw, ${(idleGz / 1024).toFixed(1)} KB with the banners`);
  await context.close();
}, 180_000);
