/**
 * `npm run bench -- lighthouse`: Lighthouse (mobile preset: simulated slow 4G and a mid-range
 * phone's CPU) against `vanthu server` serving the built PWA, with Debian's Chromium. Prints the
 * four category scores, the first screen's metrics against the goals of issue 17 and what went
 * over the wire, as the median of BENCH_LIGHTHOUSE_RUNS runs (3 by default: one run varies with
 * the machine's load, which is printed too). Figures only.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { startSyncServer } from "../../sync-server/serve.ts";
import { buildWeb } from "../e2e/helpers.ts";

const RUNS = Number(process.env.BENCH_LIGHTHOUSE_RUNS ?? 3);
const GOALS = { performance: 95, lcp: 2000, cls: 0.05, tbt: 100 };

const web = buildWeb();
const dir = mkdtempSync(join(tmpdir(), "vanthu-lh-"));
const server = await startSyncServer({ db: `sqlite:${join(dir, "db.sqlite")}`, blobs: join(dir, "blobs"), port: 0, host: "127.0.0.1", webDir: web });
const chrome = await chromeLauncher.launch({
  chromePath: "/usr/bin/chromium",
  chromeFlags: [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});

interface Run {
  scores: Record<string, number>;
  fcp: number;
  lcp: number;
  tbt: number;
  cls: number;
  si: number;
  transferKb: number;
  jsKb: number;
  robots: number | null;
  textCompression: number | null;
  load: string;
  lcpElement: string;
  shifts: string[];
  /** Main-thread time by kind (script evaluation, style & layout…), ms, as Lighthouse scales it for a mid-range phone. */
  mainThread: string;
  /** The long tasks (≥ 50 ms scaled) and what ran them. */
  longTasks: string;
}

/** The page elements an audit names (its items' node labels and selectors), to say what to fix. */
function nodesOf(details: unknown): string[] {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (!x || typeof x !== "object") return;
    const o = x as Record<string, unknown>;
    if (o.type === "node") out.push(`${String(o.nodeLabel ?? "").slice(0, 40)} (${String(o.selector ?? "")})`);
    else for (const v of Object.values(o)) walk(v);
  };
  walk(details);
  return [...new Set(out)];
}

try {
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    const load = loadavg()[0]!.toFixed(1);
    const result = await lighthouse(server.url, {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
    });
    if (!result) throw new Error("Lighthouse gave no result");
    const { categories, audits } = result.lhr;
    const num = (id: string) => Number(audits[id]?.numericValue ?? NaN);
    const items = (audits["resource-summary"]?.details as { items?: { resourceType: string; transferSize: number }[] } | undefined)?.items ?? [];
    const size = (type: string) => (items.find((x) => x.resourceType === type)?.transferSize ?? NaN) / 1024;
    runs.push({
      scores: Object.fromEntries(Object.entries(categories).map(([k, c]) => [k, Math.round((c.score ?? 0) * 100)])),
      fcp: num("first-contentful-paint"),
      lcp: num("largest-contentful-paint"),
      tbt: num("total-blocking-time"),
      cls: num("cumulative-layout-shift"),
      si: num("speed-index"),
      transferKb: size("total"),
      jsKb: size("script"),
      robots: audits["robots-txt"]?.score ?? null,
      textCompression: audits["uses-text-compression"]?.score ?? null,
      load,
      lcpElement: nodesOf(audits["largest-contentful-paint-element"]?.details).join(", "),
      shifts: nodesOf(audits["layout-shifts"]?.details),
      mainThread: ((audits["mainthread-work-breakdown"]?.details as { items?: { groupLabel: string; duration: number }[] } | undefined)?.items ?? [])
        .map((x) => `${x.groupLabel} ${x.duration.toFixed(0)}`)
        .join(", "),
      longTasks: ((audits["long-tasks"]?.details as { items?: { url: string; duration: number; startTime: number }[] } | undefined)?.items ?? [])
        .map((x) => `${x.duration.toFixed(0)} ms at ${x.startTime.toFixed(0)} (${x.url.replace(server.url, "/")})`)
        .join(", "),
    });
  }
  const median = (f: (r: Run) => number) => {
    const xs = runs.map(f).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)]!;
  };
  const ok = (good: boolean) => (good ? "✓" : "✗");
  const perf = median((r) => r.scores.performance!);
  const lcp = median((r) => r.lcp);
  const cls = median((r) => r.cls);
  const tbt = median((r) => r.tbt);
  console.log(
    `Lighthouse ${(await import("lighthouse/package.json", { with: { type: "json" } })).default.version}, mobile preset, median of ${RUNS} runs against vanthu server (load average per run: ${runs.map((r) => r.load).join(", ")} on ${cpus().length} cores)`,
  );
  console.log(
    `  Performance ${perf} ${ok(perf >= GOALS.performance)} (goal ≥ ${GOALS.performance})   Accessibility ${median((r) => r.scores.accessibility!)}   Best Practices ${median((r) => r.scores["best-practices"]!)}   SEO ${median((r) => r.scores.seo!)}`,
  );
  console.log(`  First Contentful Paint ${(median((r) => r.fcp) / 1000).toFixed(2)} s   Speed Index ${(median((r) => r.si) / 1000).toFixed(2)} s`);
  console.log(
    `  Largest Contentful Paint ${(lcp / 1000).toFixed(2)} s ${ok(lcp < GOALS.lcp)} (goal < 2.0 s)   Total Blocking Time ${tbt.toFixed(0)} ms ${ok(tbt < GOALS.tbt)} (goal < 100 ms)   Cumulative Layout Shift ${cls.toFixed(3)} ${ok(cls < GOALS.cls)} (goal < 0.05)`,
  );
  console.log(
    `  transferred: ${median((r) => r.transferKb).toFixed(0)} KB in all, ${median((r) => r.jsKb).toFixed(0)} KB of JavaScript; text compression audit ${runs[0]!.textCompression === 1 ? "passed" : "failed"}; robots.txt ${runs[0]!.robots === 1 ? "valid" : "invalid"}`,
  );
  console.log(`  largest contentful paint: ${runs[0]!.lcpElement || "?"}; layout shifts: ${runs[0]!.shifts.join("; ") || "none"}`);
  // What blocks the main thread, in the run whose TBT is the median: where to look when TBT is over its goal.
  const mid = runs.find((r) => r.tbt === tbt) ?? runs[0]!;
  console.log(`  main thread (ms, median-TBT run): ${mid.mainThread || "?"}; long tasks: ${mid.longTasks || "none"}`);
  console.log(
    `  per run (perf/LCP ms/TBT ms/CLS): ${runs.map((r) => `${r.scores.performance}/${r.lcp.toFixed(0)}/${r.tbt.toFixed(0)}/${r.cls.toFixed(3)}`).join("  ")}`,
  );
} finally {
  chrome.kill();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(web, { recursive: true, force: true });
}
