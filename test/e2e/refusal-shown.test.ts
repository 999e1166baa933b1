/**
 * Issue 11, point 1, in Chromium: a change the rules do not grant — a văn thư's device pushing the
 * city-wide holiday calendar, from which legal deadlines are counted (only district IT may) — is
 * refused by the server, nothing is written, and the person sees the refusal and its Vietnamese
 * reason in Đồng bộ. The change is put in the device's outbox as an old or tampered client would.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEMO_PASSWORD, seedDemo } from "../../sync-server/seed.ts";
import { startSyncServer, type RunningServer } from "../../sync-server/serve.ts";
import { RESULTS, buildWeb, installPwa, openBrowser, signIn, userDataDir } from "./helpers.ts";

let web: string;
let dir: string;
let server: RunningServer;
let ctx: BrowserContext | undefined;

beforeAll(async () => {
  web = buildWeb();
  mkdirSync(join(RESULTS, "screenshots"), { recursive: true });
  dir = mkdtempSync(join(tmpdir(), "vanthu-e2e-refusal-"));
  server = await startSyncServer({ db: `sqlite:${join(dir, "db.sqlite")}`, blobs: join(dir, "blobs"), port: 0, host: "127.0.0.1", webDir: web });
  await seedDemo(server.storage);
}, 300_000);

afterAll(async () => {
  await ctx?.close().catch(() => undefined);
  await server?.close();
  for (const d of [dir, web]) if (d) rmSync(d, { recursive: true, force: true });
});

it("a văn thư's push of the city's holiday calendar is refused, and the app says so", { timeout: 300_000 }, async () => {
  const url = server.url.replace(/\/$/, "");
  ctx = await openBrowser(userDataDir());
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  await installPwa(page, url);
  await signIn(page, url, "vanthu.anhung", DEMO_PASSWORD);
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const r = indexedDB.open("vanthu");
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    await new Promise<void>((ok, fail) => {
      const tx = db.transaction("outbox", "readwrite");
      tx.objectStore("outbox").put({
        id: "01KFAKEHOLIDAYS0000000000",
        createdAt: new Date().toISOString(),
        kind: "resend",
        entityId: "2026",
        payload: { mutation: { type: "record.put", entity: "holiday_calendar", recordId: "2026", data: { year: 2026, holidays: ["2026-12-01"] } } },
        status: "pending",
        attempts: 0,
      });
      tx.oncomplete = () => ok();
      tx.onerror = () => fail(tx.error);
    });
    db.close();
  });
  await page.goto(`${url}/#/dong-bo`);
  await page.getByTestId("sync-now").click();
  const refused = page.getByTestId("sync-refused");
  await refused.first().waitFor({ timeout: 90_000 });
  const said = await refused.first().innerText();
  expect(said).toContain("Máy chủ từ chối");
  expect(said).toMatch(/Lịch ngày nghỉ|lịch ngày nghỉ/);
  expect(said).not.toMatch(/\b(Error|undefined|forbidden|refused)\b/);
  await page.screenshot({ path: join(RESULTS, "screenshots", "refusal-shown.png"), fullPage: true });
  // Nothing was written: the server's calendar record does not exist.
  const row = await server.storage.db.selectFrom("records").selectAll().where("entity", "=", "holiday_calendar").executeTakeFirst();
  expect(row).toBeUndefined();
});
