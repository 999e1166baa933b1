/**
 * Install and update: the service worker precaches the app; when a new release is deployed
 * the app announces it and keeps running the old one until the person agrees; "Để sau" keeps
 * working undisturbed; "Cập nhật ngay" applies it. Served by the real sync server (the first
 * screen is the sign-in); a release is deployed by pointing its web folder at another build.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEMO_PASSWORD, seedDemo } from "../../sync-server/seed.ts";
import { startSyncServer, type RunningServer } from "../../sync-server/serve.ts";
import { buildWeb, buildWebWith, installPwa, openBrowser, signIn, userDataDir } from "./helpers.ts";

/** The release deployed while the person works: the package's version with a suffix no build has. */
const NEXT = "2099.1-e2e-next";
const CURRENT = `phiên bản ${(JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8")) as { version: string }).version}`;
let v1: string;
let v2: string;
let dir: string;
let server: RunningServer;
let ctx: BrowserContext | undefined;
const profile = userDataDir();
/** The server's web folder: a link to the release deployed. */
const deployed = () => join(dir, "web");
function deploy(build: string) {
  rmSync(deployed(), { force: true });
  symlinkSync(build, deployed());
}

beforeAll(async () => {
  // v1 is the run's shared build (the package's version); v2 the same sources as another release.
  v1 = buildWeb();
  v2 = buildWebWith({ VANTHU_VERSION: NEXT });
  dir = mkdtempSync(join(tmpdir(), "vanthu-e2e-update-"));
  deploy(v1);
  server = await startSyncServer({ db: `sqlite:${join(dir, "db.sqlite")}`, blobs: join(dir, "blobs"), port: 0, host: "127.0.0.1", webDir: deployed() });
  await seedDemo(server.storage);
}, 600_000);

afterAll(async () => {
  await ctx?.close().catch(() => undefined);
  await server?.close();
  for (const d of [v1, v2, dir, profile]) if (d) rmSync(d, { recursive: true, force: true });
});

it("announces a new version and applies it only when the person agrees", { timeout: 300_000 }, async () => {
  ctx = await openBrowser(profile);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const url = server.url.replace(/\/$/, "");
  await installPwa(page, url);
  await signIn(page, url, "vanthu.hongbang", DEMO_PASSWORD);
  await expect.poll(() => page.getByTestId("version").innerText()).toContain(CURRENT);

  // The person is typing a draft when the new release is deployed.
  await page.getByRole("button", { name: "Dự thảo mới (chưa có tệp)" }).click();
  await page.waitForURL(/#\/du-thao\/.+/);
  await page.locator("#f-summary").fill("Đang soạn dở");
  deploy(v2);
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
  await page.getByTestId("update-prompt").waitFor({ timeout: 60_000 });
  expect(await page.getByTestId("update-prompt").innerText()).toContain("Có phiên bản mới");
  // Nothing changed under the person's hands.
  expect(await page.locator("#f-summary").inputValue()).toBe("Đang soạn dở");
  expect(await page.getByTestId("version").innerText()).toContain(CURRENT);

  // Later: the prompt goes away, the old version keeps running, even after a reload.
  await page.getByRole("button", { name: "Để sau" }).click();
  expect(await page.getByTestId("update-prompt").count()).toBe(0);
  await page.reload();
  await expect.poll(() => page.getByTestId("version").innerText()).toContain(CURRENT);
  await expect.poll(() => page.locator("#f-summary").inputValue()).toBe("Đang soạn dở");

  // Agreed: the new version takes over; the draft is still there.
  await page.getByTestId("update-prompt").waitFor({ timeout: 60_000 });
  await page.getByRole("button", { name: "Cập nhật ngay" }).click();
  await expect.poll(() => page.getByTestId("version").innerText(), { timeout: 60_000 }).toContain(NEXT);
  await expect.poll(() => page.locator("#f-summary").inputValue()).toBe("Đang soạn dở");
});
