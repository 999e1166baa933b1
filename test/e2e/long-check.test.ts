/**
 * A large received document's signature check (issue 17): the clerk sees how far it is (bytes of
 * the file, what remains) and may stop it; a stopped check loses nothing — the document waits as
 * "chờ kiểm tra" and "Kiểm tra lại" judges it in full.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument, PDFName, PDFRawStream } from "pdf-lib";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEMO_PASSWORD, seedDemo } from "../../sync-server/seed.ts";
import { startSyncServer, type RunningServer } from "../../sync-server/serve.ts";
import { buildWeb, demoPki, documentPdf, installPwa, openBrowser, signIn, signedDocument, userDataDir } from "./helpers.ts";

const ISSUER = "Ủy ban nhân dân xã An Hưng";
let web: string;
let dir: string;
let server: RunningServer;
let ctx: BrowserContext;
let page: Page;
let url: string;
const profile = userDataDir();

beforeAll(async () => {
  web = buildWeb();
  dir = mkdtempSync(join(tmpdir(), "vanthu-e2e-longcheck-"));
  server = await startSyncServer({ db: `sqlite:${join(dir, "db.sqlite")}`, blobs: join(dir, "blobs"), port: 0, host: "127.0.0.1", webDir: web });
  await seedDemo(server.storage);
  url = server.url.replace(/\/$/, "");
  ctx = await openBrowser(profile);
  page = ctx.pages()[0] ?? (await ctx.newPage());
  await installPwa(page, url);
  await signIn(page, url, "vanthu.hongbang", DEMO_PASSWORD);
}, 300_000);

afterAll(async () => {
  await ctx?.close().catch(() => undefined);
  await server?.close();
  for (const d of [dir, web, profile]) if (d) rmSync(d, { recursive: true, force: true });
});

/** A scanned decision of 48 MB (image-like bytes), signed by the official and issued by the office. */
async function largeSignedDocument(): Promise<Uint8Array> {
  const doc = await PDFDocument.load(
    await documentPdf({
      issuer: ISSUER,
      number: "30/QĐ-UBND",
      title: "Quyết định",
      summary: "Phê duyệt hồ sơ quét",
      body: "Kèm theo bản quét hồ sơ.",
      signerTitle: "Chủ tịch",
      signerName: "Lê Văn Nam",
    }),
  );
  doc.catalog.set(PDFName.of("Scan"), doc.context.register(PDFRawStream.of(doc.context.obj({}), new Uint8Array(randomBytes(48 * 1024 * 1024)))));
  const pki = await demoPki(`${url}/crl/none.crl`, ISSUER, { name: "Lê Văn Nam", title: "Chủ tịch" });
  return signedDocument(pki, await doc.save({ useObjectStreams: false }));
}

it("shows how far the check of a 48 MB document is, stops it on request, and checks it again in full", async () => {
  const pdf = await largeSignedDocument();
  await page.goto(`${url}/#/van-ban-den`);
  await page.locator("details.card summary").click();
  // From a file on disk: the browser reads it itself (a buffer this size through the protocol is slow).
  const file = join(dir, "ho-so-quet.pdf");
  writeFileSync(file, pdf);
  await page.getByTestId("import-received").setInputFiles(file);
  await page.locator("#r-issuer").fill(ISSUER);
  await page.locator("#r-number").fill("30/QĐ-UBND");
  await page.locator("#r-date").fill("20/11/2026");
  await page.locator("#r-summary").fill("Phê duyệt hồ sơ quét");
  await page.getByRole("button", { name: "Nhận và kiểm tra chữ ký" }).click();

  // The check shows the file's bytes and what remains, with a way to stop.
  const work = page.getByTestId("work-progress").filter({ hasText: "Đang kiểm tra chữ ký số" });
  await work.waitFor({ timeout: 120_000 });
  expect(await work.innerText()).toMatch(/30\/QĐ-UBND: [\d,.]+ (B|KB|MB) \/ 4[89][,.]\d+ MB\s*— còn/);
  await work.getByRole("button", { name: "Dừng" }).click();
  await expect.poll(() => page.locator(".toast").innerText()).toContain("Đã dừng kiểm tra chữ ký số");
  await expect.poll(() => work.count()).toBe(0);
  // Nothing was judged: the document waits to be checked, on its own page where the import led.
  await page.waitForURL(/#\/van-ban-den\/.+/);
  await expect.poll(() => page.getByTestId("received-status").innerText()).toBe("Chờ kiểm tra");
  expect(await page.getByText("Chưa kiểm tra.").count()).toBe(1);

  // Checked again, to the end: a verdict and its report (the demo CA is not a trusted root here, so not "valid").
  await page.getByRole("button", { name: "Kiểm tra lại" }).click();
  await expect.poll(() => page.getByTestId("received-status").innerText(), { timeout: 180_000 }).toMatch(/^Đã kiểm tra/);
  await page.getByTestId("report").waitFor({ state: "attached" });
}, 600_000);
