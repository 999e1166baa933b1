/**
 * The PWA on a bad rural connection (issue 17), against the real sync server on SQLite through
 * the flaky proxy (test/support/flaky-proxy.ts): 300 ms more round trip, a slow 3G link, one
 * request in ten cut mid-way (some after the server did the work), and a cut of the whole
 * network (shortened here; a minute in test/bench/bad-network.bench.ts). After it settles:
 * every change is on the server exactly once, every document arrived whole, the outbox is
 * empty, and nothing was shown that the person had to act on. Then a 20 MB upload cut twice —
 * once by the network, once by closing the page — completes with the right hash.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BlobStore } from "../../sync-server/blobs/store.ts";
import { DEMO_PASSWORD, seedDemo } from "../../sync-server/seed.ts";
import { startSyncServer, type RunningServer } from "../../sync-server/serve.ts";
import { checkServer, outboxCount, seedOutbox, watchHeader } from "../support/bad-network.ts";
import { CLEAR, SLOW_3G, startFlakyProxy, type FlakyProxy } from "../support/flaky-proxy.ts";
import { buildWeb, installPwa, openBrowser, signIn, userDataDir } from "./helpers.ts";

const OFFICE = "demo-hong-bang";
let web: string;
let dir: string;
let server: RunningServer;
let proxy: FlakyProxy;
let ctx: BrowserContext;
let page: Page;
const profile = userDataDir();

beforeAll(async () => {
  web = buildWeb();
  dir = mkdtempSync(join(tmpdir(), "vanthu-e2e-badnet-"));
  server = await startSyncServer({ db: `sqlite:${join(dir, "db.sqlite")}`, blobs: join(dir, "blobs"), port: 0, host: "127.0.0.1", webDir: web });
  await seedDemo(server.storage);
  proxy = await startFlakyProxy(server.url, CLEAR);
  ctx = await openBrowser(profile);
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on("pageerror", (e) => console.error("page error:", e.message));
  // The sync logs an unexpected failure (not the network's) to the console: kept in the test's output.
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) console.error("page console:", m.text());
  });
  await installPwa(page, proxy.url);
  await signIn(page, proxy.url, "vanthu.hongbang", DEMO_PASSWORD);
  // The first sync of the new device, on a clear line.
  await page.getByTestId("sync-badge").filter({ hasText: "Đã đồng bộ" }).waitFor({ timeout: 120_000 });
}, 300_000);

/** Bytes of the document's upload the server holds so far. */
async function uploadedOf(sha256: string): Promise<number> {
  const r = await server.storage.db.selectFrom("blob_uploads").select("id").where("sha256", "=", sha256).executeTakeFirst();
  return r ? new BlobStore(join(dir, "blobs")).uploadOffset(r.id).catch(() => 0) : 0;
}

afterAll(async () => {
  await ctx?.close().catch(() => undefined);
  await proxy?.close();
  await server?.close();
  for (const d of [dir, web, profile]) if (d) rmSync(d, { recursive: true, force: true });
});

it("sends a day's outbox whole and once over a slow line that drops, with no error to act on", async () => {
  const seeded = await seedOutbox(page, { changes: 60, documents: 4, documentBytes: 256 * 1024, recipient: "Ủy ban nhân dân xã An Hưng", tag: "t" });
  const seen = await watchHeader(page);
  await page.goto(`${proxy.url}/#/dong-bo`);

  // No network at all: the header says so, and nothing is tried until it returns.
  await page.context().setOffline(true);
  await expect.poll(() => page.getByTestId("network").innerText()).toBe("Không có mạng");
  // A request already on its way when the network went may still arrive: counted from a moment later.
  await page.waitForTimeout(1500);
  const before = proxy.stats.requests;
  await page.waitForTimeout(3000);
  expect(proxy.stats.requests).toBe(before);

  proxy.profile = SLOW_3G;
  await page.context().setOffline(false);
  // The line is back but bad; a few seconds in, the whole network goes for a while.
  await page.waitForTimeout(4000);
  await proxy.cut(8000);

  await expect.poll(() => outboxCount(page), { timeout: 540_000, interval: 2000 }).toBe(0);
  await expect.poll(() => page.getByTestId("sync-badge").innerText(), { timeout: 120_000 }).toBe("Đã đồng bộ");

  const check = await checkServer(server.storage, new BlobStore(join(dir, "blobs")), OFFICE, seeded);
  expect(check).toEqual({ changesOnce: 60, changesTwice: 0, sentOnce: 4, sentTwice: 0, blobsWhole: 4 });
  const { texts, alerts } = await seen();
  // The person was told what happened, and never asked to do anything.
  expect(texts).toContain("network: Không có mạng");
  expect(texts.some((t) => /^sync-badge: Đang đồng bộ \(\d+\/\d+\)$/.test(t))).toBe(true);
  // The alerts first: when one was shown, its words say what went wrong.
  expect(alerts).toEqual([]);
  expect(texts).not.toContain("sync-badge: Lỗi đồng bộ");
  expect(proxy.stats.dropped + proxy.stats.refused).toBeGreaterThan(0);
  console.log(
    `bad network: ${proxy.stats.requests} requests, ${proxy.stats.dropped} dropped, ${proxy.stats.refused} refused during the cut; header showed: ${texts.join(" | ")}`,
  );
}, 900_000);

it("completes a 20 MB upload cut by the network and by closing the page, with the right hash", async () => {
  // Fast enough to finish, slow enough to be cut twice part-way (5 MB/s).
  proxy.profile = { latencyMs: 50, kbitPerSec: 40_000, dropRate: 0 };
  const seeded = await seedOutbox(page, { changes: 0, documents: 1, documentBytes: 20 * 1024 * 1024, recipient: "Ủy ban nhân dân xã An Hưng", tag: "big" });
  const [doc] = seeded.documents;
  const size = doc!.size;
  const uploaded = () => uploadedOf(doc!.sha256);
  const start = proxy.stats.bytesUp;
  await page.goto(`${proxy.url}/#/dong-bo`);
  await page.getByTestId("sync-now").click();
  // First cut: the network, a quarter of the way.
  await expect.poll(uploaded, { timeout: 120_000, interval: 100 }).toBeGreaterThan(size / 4);
  proxy.resetAll();
  // Second cut: the page is closed half-way (a reload), and the app starts again from where the server stopped.
  await expect.poll(uploaded, { timeout: 120_000, interval: 100 }).toBeGreaterThan(size / 2);
  await page.reload();
  await expect.poll(() => outboxCount(page), { timeout: 300_000, interval: 1000 }).toBe(0);
  const path = new BlobStore(join(dir, "blobs")).pathOf(doc!.sha256);
  expect(createHash("sha256").update(readFileSync(path)).digest("hex")).toBe(doc!.sha256);
  // Resumed, not restarted: well under two whole copies went up.
  expect(proxy.stats.bytesUp - start).toBeLessThan(size * 1.6);
  const check = await checkServer(server.storage, new BlobStore(join(dir, "blobs")), OFFICE, seeded);
  expect(check.sentOnce).toBe(1);
}, 600_000);

it("stops a document going up when the person asks, and goes on from where it stopped", async () => {
  proxy.profile = { latencyMs: 50, kbitPerSec: 16_000, dropRate: 0 };
  const seeded = await seedOutbox(page, { changes: 0, documents: 1, documentBytes: 8 * 1024 * 1024, recipient: "Ủy ban nhân dân xã An Hưng", tag: "pause" });
  const [doc] = seeded.documents;
  const size = doc!.size;
  const uploaded = () => uploadedOf(doc!.sha256);
  const start = proxy.stats.bytesUp;
  await page.goto(`${proxy.url}/#/dong-bo`);
  await page.getByTestId("sync-now").click();
  // The document's bytes are shown as they go, with a way to stop.
  await page
    .getByTestId("sync-bytes")
    .waitFor()
    .catch(async (e) => {
      // What the person saw instead, for whoever reads a failed run.
      throw new Error(
        `no bytes shown: ${await page
          .locator("main")
          .innerText()
          .catch(() => "?")} | proxy ${JSON.stringify(proxy.stats)}`,
        { cause: e },
      );
    });
  await expect.poll(uploaded, { timeout: 120_000, interval: 100 }).toBeGreaterThan(size / 8);
  await page.getByTestId("sync-pause").click();
  await expect.poll(() => page.getByTestId("sync-badge").innerText()).toMatch(/^Đã tạm dừng đồng bộ/);
  await expect.poll(() => page.getByTestId("sync-phase").innerText()).toContain("Đã tạm dừng");
  // Stopped, not failed: nothing more goes up, the change waits here, nothing is shown as an error.
  await page.waitForTimeout(1000);
  const stoppedAt = await uploaded();
  await page.waitForTimeout(4000);
  expect(await uploaded()).toBe(stoppedAt);
  expect(stoppedAt).toBeLessThan(size);
  expect(await outboxCount(page)).toBe(1);
  expect(await page.getByTestId("sync-error").count()).toBe(0);
  // Started again: it goes on from where the server stopped, not from the start.
  await page.getByRole("button", { name: "Tiếp tục đồng bộ" }).click();
  await expect.poll(() => outboxCount(page), { timeout: 300_000, interval: 1000 }).toBe(0);
  const path = new BlobStore(join(dir, "blobs")).pathOf(doc!.sha256);
  expect(createHash("sha256").update(readFileSync(path)).digest("hex")).toBe(doc!.sha256);
  expect(proxy.stats.bytesUp - start).toBeLessThan(size * 1.3);
  expect((await checkServer(server.storage, new BlobStore(join(dir, "blobs")), OFFICE, seeded)).sentOnce).toBe(1);
}, 600_000);
