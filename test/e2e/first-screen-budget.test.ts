/**
 * A budget for the JavaScript the first screen loads, gzipped: clerks open the app on slow
 * networks and phones. It once grew from 55 KB to 702 KB unseen, when a banner shown on every
 * screen imported a whole view (X.509 and PDF code). A size, not a timing.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium, type Browser } from "playwright-core";
import { CHROMIUM_ARGS, buildWeb, startStaticServer, type StaticServer } from "./helpers.ts";

const BUDGET_GZIPPED = 150 * 1024;
let web: string;
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  web = buildWeb();
  server = await startStaticServer(web);
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (web) rmSync(web, { recursive: true, force: true });
});

it(`the first screen loads at most ${BUDGET_GZIPPED / 1024} KB of JavaScript, gzipped`, async () => {
  const page = await browser.newPage();
  const loaded = new Set<string>();
  page.on("response", (r) => {
    const u = new URL(r.url());
    if (u.origin === server.url && /\.m?js$/.test(u.pathname)) loaded.add(u.pathname);
  });
  await page.goto(server.url);
  await page.getByTestId("draft-list").waitFor({ state: "attached" });
  // The banners above every screen are lazy chunks: count them too (the sync that follows may
  // add its own, which is within the budget as well).
  await page.waitForLoadState("networkidle");
  // The service worker's own script is not the page's JavaScript.
  const files = [...loaded].filter((p) => !p.endsWith("/sw.js"));
  const gz = files.reduce((s, p) => s + gzipSync(readFileSync(join(web, p))).length, 0);
  expect(files.length).toBeGreaterThan(0);
  expect(gz, `first screen: ${(gz / 1024).toFixed(1)} KB gzipped in ${files.join(", ")}`).toBeLessThan(BUDGET_GZIPPED);
}, 120_000);
