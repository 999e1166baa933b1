/**
 * Vitest's global setup: builds the PWA once for the whole run when a test file of the run uses
 * it (a file that calls buildWeb() or builtPwa()), instead of once per file. The workers find
 * the build through an environment variable (they are started after this runs), and each takes a
 * hard-linked copy of it (test/support/pwa-build.ts). A run of only unit tests builds nothing.
 */
import { readFileSync, rmSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { buildPwa, PWA_BUILD_ENV } from "./pwa-build.ts";

const USES_PWA = /\b(buildWeb|builtPwa)\s*\(/;

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (process.env[PWA_BUILD_ENV]) return undefined;
  // The files this run will execute, with the command line's filters (an internal field of
  // Vitest 4; without it every included file counts, which only means building when not needed).
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const specs = await project.vitest.getRelevantTestSpecifications(filters);
  if (!specs.some((s) => USES_PWA.test(readFileSync(s.moduleId, "utf8")))) return undefined;
  const started = Date.now();
  const dir = buildPwa();
  process.env[PWA_BUILD_ENV] = dir;
  console.log(`global setup: PWA built once for this run in ${((Date.now() - started) / 1000).toFixed(0)} s (${dir})`);
  return () => {
    delete process.env[PWA_BUILD_ENV];
    rmSync(dir, { recursive: true, force: true });
  };
}
