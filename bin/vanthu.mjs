#!/usr/bin/env node
// The `vanthu` command: plain JavaScript compiled from bin/cli by bin/build-cli.mjs (at
// `npm install`, or here on first use and whenever a source changed). Only the command that
// runs is loaded (through V8's code cache for those in CODE_CACHED: bin/code-cache.mjs);
// `vanthu --help` reads the summaries written at build time.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CLI_DIST, buildCli, currentBuild } from "./build-cli.mjs";

const argv = process.argv.slice(2);
if (argv.includes("--debug")) process.setSourceMapsEnabled(true);
let build = currentBuild();
if (!build) {
  mkdirSync(CLI_DIST, { recursive: true });
  build = await buildCli();
}
const load = (file) => import(pathToFileURL(join(build.dir, file)).href);
const { main } = await load("main.mjs");
process.exitCode = await main(argv, {
  summaries: build.commands,
  load: async (name) => {
    // `vanthu verify` is a short process: with V8's default budget, hundreds of functions reach
    // the optimising compiler within the first files, and that work (a fifth of the CPU time of
    // a call over 20 letters) ends with the process. A budget 16 times larger optimises only what
    // keeps running; a long call reaches the same speed after a few files.
    if (name === "verify") (await import("node:v8")).setFlagsFromString("--interrupt-budget=1081344");
    // --debug takes the ES modules, whose stack traces Node maps back to the TypeScript sources.
    if (build.codeCached?.includes(name) && !argv.includes("--debug")) {
      return (await import("./code-cache.mjs")).loadCodeCached(join(build.dir, `command-${name}.cjs`));
    }
    return (await load(`command-${name}.mjs`)).command;
  },
});
