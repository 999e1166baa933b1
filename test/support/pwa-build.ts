/**
 * The built PWA for browser tests and benchmarks. `vite build` runs once per test run, in the
 * global setup (test/support/global-setup.ts), and every test file gets its own hard-linked copy
 * of that build: a file may delete or serve its copy as it likes without touching the others'.
 * Outside Vitest (a benchmark run by `npm run bench`) the first call builds.
 */
import { spawnSync } from "node:child_process";
import { linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "../..");

/** `vite build` of web/ into a new temporary directory, with extra environment (e.g. VANTHU_VERSION). */
export function buildPwa(env: Record<string, string> = {}): string {
  const out = mkdtempSync(join(tmpdir(), "vanthu-web-"));
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "error", "--outDir", out, "--emptyOutDir"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, VITEST: "", VITEST_WORKER_ID: "", NODE_ENV: "production", ...env },
  });
  if (r.status !== 0) {
    rmSync(out, { recursive: true, force: true });
    throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
  }
  return out;
}

/** A copy of `dir` made of hard links: instant, and removing it leaves `dir` whole. */
export function linkCopy(dir: string): string {
  const out = mkdtempSync(join(tmpdir(), "vanthu-web-"));
  const walk = (from: string, to: string) => {
    for (const e of readdirSync(from, { withFileTypes: true })) {
      if (e.isDirectory()) {
        mkdirSync(join(to, e.name));
        walk(join(from, e.name), join(to, e.name));
      } else linkSync(join(from, e.name), join(to, e.name));
    }
  };
  walk(dir, out);
  return out;
}

/** The environment variable through which the global setup hands its build to the test workers. */
export const PWA_BUILD_ENV = "VANTHU_TEST_PWA_BUILD";

let own: string | undefined;
/** The shipped PWA, built once per run: a private copy for the caller. */
export function builtPwa(): string {
  const shared = process.env[PWA_BUILD_ENV];
  if (shared) return linkCopy(shared);
  own ??= buildPwa();
  return linkCopy(own);
}
