/**
 * `npm run bench -- bad-network`: how long an office's outbox takes to reach the server over a
 * bad rural line (issue 17). The PWA in Chromium against `vanthu server` (SQLite) through the
 * flaky proxy: 300 ms more round trip, a slow 3G link (400 kbit/s each way), one request in ten
 * cut mid-way, and the whole network cut for a minute at a random moment. The outbox: 200 changes
 * and 20 documents of 1 MB, written while offline. Prints the time until the outbox is empty, what
 * the proxy did, and the checks (each change once, each document whole, nothing to act on).
 *
 *   BENCH_BADNET_CHANGES=200 BENCH_BADNET_DOCS=20 BENCH_BADNET_CUT_S=60 npm run bench -- bad-network
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { BlobStore } from "../../sync-server/blobs/store.ts";
import { DEMO_PASSWORD, seedDemo } from "../../sync-server/seed.ts";
import { startSyncServer } from "../../sync-server/serve.ts";
import { checkServer, outboxCount, seedOutbox, watchHeader } from "../support/bad-network.ts";
import { CLEAR, SLOW_3G, startFlakyProxy } from "../support/flaky-proxy.ts";
import { buildWeb, installPwa, openBrowser, signIn, userDataDir } from "../e2e/helpers.ts";

const CHANGES = Number(process.env.BENCH_BADNET_CHANGES ?? 200);
const DOCS = Number(process.env.BENCH_BADNET_DOCS ?? 20);
const DOC_BYTES = Number(process.env.BENCH_BADNET_DOC_BYTES ?? 1024 * 1024);
const CUT_MS = Number(process.env.BENCH_BADNET_CUT_S ?? 60) * 1000;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(" / ");

const web = buildWeb();
const dir = mkdtempSync(join(tmpdir(), "vanthu-badnet-"));
const profile = userDataDir();
const server = await startSyncServer({ db: `sqlite:${join(dir, "db.sqlite")}`, blobs: join(dir, "blobs"), port: 0, host: "127.0.0.1", webDir: web });
await seedDemo(server.storage);
const proxy = await startFlakyProxy(server.url, CLEAR);
const ctx = await openBrowser(profile);
// tsx names inner functions with a helper that does not exist in the page.
await ctx.addInitScript("window.__name = (f) => f");
try {
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  await installPwa(page, proxy.url);
  await signIn(page, proxy.url, "vanthu.hongbang", DEMO_PASSWORD);
  await page.getByTestId("sync-badge").filter({ hasText: "Đã đồng bộ" }).waitFor({ timeout: 300_000 });

  // The day's work, written offline; then the bad line comes back.
  await page.context().setOffline(true);
  const seeded = await seedOutbox(page, { changes: CHANGES, documents: DOCS, documentBytes: DOC_BYTES, recipient: "Ủy ban nhân dân xã An Hưng", tag: "b" });
  const seen = await watchHeader(page);
  await page.goto(`${proxy.url}/#/dong-bo`);
  const loadBefore = load();
  proxy.profile = SLOW_3G;
  const t0 = performance.now();
  await page.context().setOffline(false);
  // The minute-long cut starts at a random moment of the first two minutes.
  const cutAt = Math.random() * 120_000;
  const cut = new Promise<void>((r) => setTimeout(() => void proxy.cut(CUT_MS).then(r), cutAt));
  while ((await outboxCount(page)) > 0) await page.waitForTimeout(1000);
  const drainS = (performance.now() - t0) / 1000;
  await cut;
  const check = await checkServer(server.storage, new BlobStore(join(dir, "blobs")), "demo-hong-bang", seeded);
  const { texts, alerts } = await seen();
  const mb = (DOCS * DOC_BYTES) / 1024 / 1024;
  console.log(
    `Bad network (latency +${SLOW_3G.latencyMs} ms, ${SLOW_3G.kbitPerSec} kbit/s each way, ${SLOW_3G.dropRate * 100} % of requests cut mid-way, network cut ${CUT_MS / 1000} s at ${(cutAt / 1000).toFixed(0)} s) — load average ${loadBefore} → ${load()} on ${cpus().length} cores`,
  );
  console.log(
    `  outbox of ${CHANGES} changes and ${DOCS} × ${(DOC_BYTES / 1024 / 1024).toFixed(1)} MB documents drained in ${drainS.toFixed(0)} s (the link alone needs ≥ ${((mb * 8 * 1024) / SLOW_3G.kbitPerSec).toFixed(0)} s for ${mb.toFixed(0)} MB, plus the ${CUT_MS / 1000} s cut)`,
  );
  console.log(
    `  proxy: ${proxy.stats.requests} requests, ${proxy.stats.dropped} cut mid-way, ${proxy.stats.refused} connections refused during the cut, ${(proxy.stats.bytesUp / 1024 / 1024).toFixed(1)} MB up`,
  );
  console.log(
    `  server: ${check.changesOnce}/${CHANGES} changes applied once (${check.changesTwice} twice), ${check.sentOnce}/${DOCS} documents sent once (${check.sentTwice} twice), ${check.blobsWhole}/${DOCS} blobs whole by SHA-256`,
  );
  console.log(
    `  shown to the person: ${alerts.length ? `alerts ${JSON.stringify(alerts)}` : "no error"}; header: ${texts.filter((t) => !/\(\d+\/\d+\)/.test(t)).join(" | ")}`,
  );
} finally {
  await ctx.close().catch(() => undefined);
  await proxy.close();
  await server.close();
  for (const d of [dir, web, profile]) rmSync(d, { recursive: true, force: true });
}
