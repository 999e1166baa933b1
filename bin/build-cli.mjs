#!/usr/bin/env node
// Compiles the `vanthu` command to JavaScript with esbuild: one entry per command, shared code
// in chunks, the pure-JavaScript npm packages bundled in (loading them through Node's resolver,
// file by file, cost `vanthu verify` about 0.45 s of CPU at every start; see NOT_BUNDLED). `bin/vanthu.mjs` runs the result with plain Node
// (no TypeScript loader at run time) and rebuilds it when a source it was made from changed.
//
// Layout: dist/cli/<build id>/{main,command-NAME,chunk-HASH}.mjs and dist/cli/current.json,
// which names the build, the command summaries (so `vanthu --help` loads no command) and the
// sources it was made from. current.json is replaced atomically, so processes that build at
// the same moment (tests in parallel) each leave a whole build and the last one wins.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const CLI_DIST = join(ROOT, "dist/cli");
export const CURRENT = join(CLI_DIST, "current.json");
const COMMANDS_DIR = join(ROOT, "bin/cli/commands");
/** Written by npm at every install that changes node_modules. */
const INSTALLED = "node_modules/.package-lock.json";

/** The subcommands: one file each in bin/cli/commands (tests beside them are not commands). */
export function commandNames() {
  return readdirSync(COMMANDS_DIR)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

/**
 * Packages left as imports, loaded from node_modules at run time: native addons (and the
 * packages that load them), tools too large or too dynamic to bundle (workers, their own
 * assets found by path), and esbuild itself. Everything else a command imports is pure
 * JavaScript and is bundled into the command's chunks.
 */
export const NOT_BUNDLED = [
  "pkcs11js",
  "better-sqlite3",
  "@napi-rs/canvas",
  "pg",
  "pg-native",
  "pdfjs-dist",
  "playwright-core",
  "vite",
  "lighthouse",
  "esbuild",
];

/**
 * Commands also compiled to one CommonJS file each (command-NAME.cjs), which bin/vanthu.mjs
 * runs through V8's code cache (bin/code-cache.mjs): Node 20 keeps no compiled code for ES
 * modules between runs, and compiling the verifier's 1.8 MB (pkijs, @peculiar/x509) at every
 * start, then its functions one by one as they first run, was a tenth of `vanthu verify`'s
 * CPU time on a call over 20 letters. Only commands whose bundle needs no ES module at run
 * time (no external package loaded with import()) can be listed.
 */
export const CODE_CACHED = ["verify"];

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
    // Node's own resolution order (CommonJS "main" before "module"): @peculiar/x509 then loads
    // tsyringe with require() after shared/pki/x509.ts has loaded reflect-metadata, as unbundled.
    external: NOT_BUNDLED.flatMap((p) => [p, `${p}/*`]),
    // Bundled CommonJS code that calls require() for Node's modules or an external package.
    banner: { js: 'import { createRequire as __vanthuRequire } from "node:module"; const require = __vanthuRequire(import.meta.url);' },
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunk-[hash]",
    sourcemap: "linked",
    metafile: true,
    charset: "utf8",
    logLevel: "error",
    plugins: [sourceAddresses, fastBufferSource],
  });
  for (const n of CODE_CACHED) await buildCommonJs(n, outdir);
  // The sources, and npm's record of the installed packages (bundled ones are in the build:
  // an `npm install` that changes them makes the build stale), rather than every package file.
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith("node_modules/") && !p.includes("/node_modules/"));
  if (existsSync(join(ROOT, INSTALLED))) inputs.push(INSTALLED);
  // This script too: a change to how commands are built makes the build stale.
  inputs.push("bin/build-cli.mjs", "bin/fast-buffer-source.mjs");
  // The one-line summaries for `vanthu --help`, read once here rather than at every run.
  const commands = {};
  for (const n of names) {
    const mod = await import(pathToFileURL(join(outdir, `command-${n}.mjs`)).href);
    commands[n] = mod.command.summary;
  }
  const tmp = `${CURRENT}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ id, builtAt, commands, codeCached: CODE_CACHED, inputs }, null, 1));
  renameSync(tmp, CURRENT);
  removeOldBuilds(id);
  return { id, dir: outdir, builtAt, commands, codeCached: CODE_CACHED, inputs };
}

/**
 * fflate's Node build loads worker_threads when it is loaded (for its asynchronous API, which
 * the verifier does not use: it inflates streams with the synchronous Inflate and Unzlib); its
 * browser build, the one the PWA runs, is the same code without that.
 */
const fflateWithoutWorkers = {
  name: "vanthu-fflate-without-workers",
  setup(build) {
    const browserBuild = join(ROOT, "node_modules/fflate/esm/browser.js");
    if (!existsSync(browserBuild)) return;
    build.onResolve({ filter: /^fflate$/ }, () => ({ path: browserBuild }));
  },
};

/**
 * asn1js 4's byte-type checks (@peculiar/utils 4.1.0's bytes/buffer-source.js) replaced by
 * bin/fast-buffer-source.mjs: the same functions and answers, without the string that
 * Object.prototype.toString builds four times for every block asn1js makes. Only for that
 * version of the file: another version is bundled as it is.
 */
const FAST_BUFFER_SOURCE_FOR = "4.1.0";
const fastBufferSource = {
  name: "vanthu-fast-buffer-source",
  setup(build) {
    build.onLoad({ filter: /[\\/]@peculiar[\\/]utils[\\/]build[\\/]bytes[\\/]buffer-source\.js$/ }, (args) => {
      const pkg = JSON.parse(readFileSync(join(dirname(args.path), "../../package.json"), "utf8"));
      if (pkg.version !== FAST_BUFFER_SOURCE_FOR) return undefined;
      return { contents: readFileSync(join(ROOT, "bin/fast-buffer-source.mjs"), "utf8"), loader: "js", resolveDir: dirname(args.path) };
    });
  },
};

/** One command as a single CommonJS file (no shared chunks: a code cache is per script). */
async function buildCommonJs(name, outdir) {
  const { build } = await import("esbuild");
  const outfile = join(outdir, `command-${name}.cjs`);
  await build({
    absWorkingDir: ROOT,
    entryPoints: [`bin/cli/commands/${name}.ts`],
    outfile,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    external: NOT_BUNDLED.flatMap((p) => [p, `${p}/*`]),
    // The packages' ES module builds: esbuild joins them into one scope, where their CommonJS
    // builds each keep a wrapper and copy their exports through getters at load (the @peculiar
    // packages, some 200 files: half of their load time). Import order still puts
    // reflect-metadata (shared/pki/x509.ts) before tsyringe.
    mainFields: ["module", "main"],
    // ES modules are strict, and so is this file; import.meta.url is the file's own address.
    banner: { js: '"use strict"; const __vanthuModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
    define: { "import.meta.url": "__vanthuModuleUrl" },
    // Half the bytes to read and hash at every start; names are kept (libraries read them).
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: "linked",
    // ASCII (\u escapes): V8 then holds the source as one byte per character, and reading,
    // hashing it against the cache and decoding cost a third of what a UTF-8 file does.
    charset: "ascii",
    logLevel: "error",
    plugins: [sourceAddresses, fflateWithoutWorkers, fastBufferSource],
  });
  const text = readFileSync(outfile, "utf8");
  // The script runs in a vm.Script, which has no loader for import(): refuse a bundle that needs one.
  if (/\bimport\(\s*["'`]/.test(text)) throw new Error(`command-${name}.cjs loads an ES module with import(): remove "${name}" from CODE_CACHED`);
  // esbuild escapes strings and identifiers but keeps a few comments as written.
  const ascii = text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  // Written as the function expression Node's CommonJS loader would wrap it in (on the first
  // line, as Node does, so the source map's positions hold): bin/code-cache.mjs gives the file's
  // text to V8 as it is, instead of joining a 1.1 MB string to the wrapper at every start (a copy
  // V8 then flattens again: fresh memory, a page fault per 4 KiB on this machine).
  writeFileSync(outfile, `${CJS_WRAPPER_START}${ascii}${CJS_WRAPPER_END}`);
}

/** What bin/code-cache.mjs expects around a code-cached command (checked there). */
export const CJS_WRAPPER_START = "(function (exports, require, module, __filename, __dirname) {";
export const CJS_WRAPPER_END = "\n})";

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
  // Every start checks some 250 files: plain concatenation and no exceptions keep it cheap.
  for (const p of cur.inputs) {
    const st = statSync(ROOT + p, { throwIfNoEntry: false });
    if (!st || st.mtimeMs > cur.builtAt) return undefined;
  }
  return { ...cur, dir: join(CLI_DIST, cur.id) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(CLI_DIST, { recursive: true });
  const started = Date.now();
  const b = await buildCli();
  console.log(`vanthu: compiled ${Object.keys(b.commands).length} commands to ${relative(ROOT, b.dir)} in ${Date.now() - started} ms`);
}
