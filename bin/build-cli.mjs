#!/usr/bin/env node
// Compiles the `vanthu` command to JavaScript with esbuild: one entry per command, shared code
// in chunks, npm packages left as imports. `bin/vanthu.mjs` runs the result with plain Node
// (no TypeScript loader at run time) and rebuilds it when a source it was made from changed.
//
// Layout: dist/cli/<build id>/{main,command-NAME,chunk-HASH}.mjs and dist/cli/current.json,
// which names the build, the command summaries (so `vanthu --help` loads no command) and the
// sources it was made from. current.json is replaced atomically, so processes that build at
// the same moment (tests in parallel) each leave a whole build and the last one wins.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const CLI_DIST = join(ROOT, "dist/cli");
export const CURRENT = join(CLI_DIST, "current.json");
const COMMANDS_DIR = join(ROOT, "bin/cli/commands");

/** The subcommands: one file each in bin/cli/commands (tests beside them are not commands). */
export function commandNames() {
  return readdirSync(COMMANDS_DIR)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

/**
 * The bundled code lives in dist/cli/<id>/, but the sources find their files (fonts, the built
 * PWA, the agent's pages, package.json) relative to themselves: import.meta.url and friends are
 * rewritten to the source file's own address, computed from the output file's, so that the
 * build works wherever the clone is.
 */
const sourceAddresses = {
  name: "vanthu-source-addresses",
  setup(build) {
    build.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const text = readFileSync(args.path, "utf8");
      if (!text.includes("import.meta.")) return undefined;
      const url = `new URL(${JSON.stringify("../../../" + relative(ROOT, args.path).split(sep).join("/"))}, import.meta.url)`;
      const contents = text
        .replaceAll("import.meta.url", `${url}.href`)
        .replaceAll("import.meta.dirname", `decodeURIComponent(new URL(".", ${url}).pathname).replace(/\\/$/, "")`)
        .replaceAll("import.meta.filename", `decodeURIComponent(${url}.pathname)`);
      return { contents, loader: args.path.endsWith("ts") ? "ts" : "js", resolveDir: dirname(args.path) };
    });
  },
};

export async function buildCli() {
  const { build } = await import("esbuild");
  const builtAt = Date.now();
  const names = commandNames();
  const id = `${builtAt.toString(36)}-${process.pid}`;
  const outdir = join(CLI_DIST, id);
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [{ in: "bin/cli/main.ts", out: "main" }, ...names.map((n) => ({ in: `bin/cli/commands/${n}.ts`, out: `command-${n}` }))],
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunk-[hash]",
    sourcemap: "linked",
    metafile: true,
    charset: "utf8",
    logLevel: "error",
    plugins: [sourceAddresses],
  });
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith("node_modules/") && !p.includes("/node_modules/"));
  // The one-line summaries for `vanthu --help`, read once here rather than at every run.
  const commands = {};
  for (const n of names) {
    const mod = await import(pathToFileURL(join(outdir, `command-${n}.mjs`)).href);
    commands[n] = mod.command.summary;
  }
  const tmp = `${CURRENT}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ id, builtAt, commands, inputs }, null, 1));
  renameSync(tmp, CURRENT);
  removeOldBuilds(id);
  return { id, dir: outdir, builtAt, commands, inputs };
}

/** Keeps the newest builds (a running server may still load a lazy chunk of the one it started from). */
function removeOldBuilds(keep) {
  const dirs = readdirSync(CLI_DIST, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== keep)
    .map((d) => ({ name: d.name, at: statSync(join(CLI_DIST, d.name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  const hour = 3600_000;
  for (const d of dirs.slice(4)) if (Date.now() - d.at > hour) rmSync(join(CLI_DIST, d.name), { recursive: true, force: true });
}

/** The current build when every source it was made from is unchanged, else undefined. */
export function currentBuild() {
  let cur;
  try {
    cur = JSON.parse(readFileSync(CURRENT, "utf8"));
  } catch {
    return undefined;
  }
  const names = commandNames();
  if (names.join() !== Object.keys(cur.commands).sort().join()) return undefined;
  for (const p of cur.inputs) {
    try {
      if (statSync(join(ROOT, p)).mtimeMs > cur.builtAt) return undefined;
    } catch {
      return undefined;
    }
  }
  return { ...cur, dir: join(CLI_DIST, cur.id) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(CLI_DIST, { recursive: true });
  const started = Date.now();
  const b = await buildCli();
  console.log(`vanthu: compiled ${Object.keys(b.commands).length} commands to ${relative(ROOT, b.dir)} in ${Date.now() - started} ms`);
}
