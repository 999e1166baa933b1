/**
 * Verification speed and memory, against poppler's `pdfsig` in the same run (issue 14):
 *  (a) 20 signed scans of ~11 MB and (b) 20 two-signature letters of ~0.9 MB, each set
 *      verified in one call — by the engine in-process (as `vanthu verify` runs it: files
 *      read by position, node:crypto hashing) and by `vanthu verify --json --offline` as a
 *      process (it includes the CLI's start, which helper F is making fast) — against
 *      `pdfsig -nocert -no-ocsp` once per file (digest and signature only, its start
 *      included). The target is ≤ 0.5× pdfsig.
 *  (c) peak memory verifying a ~100 MB signed scan in a process of its own, bundled to plain
 *      JavaScript as the product ships: read by position (CLI; target < 150 MB), and held in
 *      memory with the isomorphic hasher (the PWA's worker; target < 2× the file), and
 *      signing the same file: by position as `vanthu sign` does (target < 150 MB), and in
 *      memory as the PWA does.
 * Run by `npm run bench`; prints figures, asserts nothing. BENCH_VERIFY_COUNT, BENCH_VERIFY_BIG_MB.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpus, loadavg, tmpdir } from "node:os";
import { spawnSync, execFileSync } from "node:child_process";
import { build } from "esbuild";
import { verifyPdf, type VerifyOptions } from "../../shared/verify/index.ts";
import { nodeHashFactory, openFileSource } from "../../bin/cli/commands/verify.ts";
import { scannedPdf } from "../support/corpus.ts";
import { buildBenchCorpus } from "./bench-corpus.ts";
import { issue, signOurs } from "./corpus.ts";

const COUNT = Number(process.env.BENCH_VERIFY_COUNT ?? 20);
const BIG_MB = Number(process.env.BENCH_VERIFY_BIG_MB ?? 100);
const root = new URL("../..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "vanthu-verify-bench-"));

const corpus = await buildBenchCorpus(dir, COUNT);
const opts: VerifyOptions = { trustAnchors: [corpus.root.certificate], crls: [new Uint8Array((await corpus.root.crl([])).rawData)], hash: nodeHashFactory };

async function engine(files: string[]): Promise<number> {
  const t = performance.now();
  for (const f of files) {
    const source = openFileSource(f);
    try {
      const r = await verifyPdf(source, opts);
      if (r.status !== "valid") throw new Error(`${f}: ${r.message}`);
    } finally {
      source.close();
    }
  }
  return performance.now() - t;
}

function pdfsig(files: string[]): number {
  const t = performance.now();
  for (const f of files) {
    const out = execFileSync("pdfsig", ["-nocert", "-no-ocsp", f], { encoding: "utf8" });
    if (!/Signature is Valid/.test(out)) throw new Error(`pdfsig did not validate ${f}`);
  }
  return performance.now() - t;
}

function cli(files: string[]): number {
  const t = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      join(root, "bin/vanthu.mjs"),
      "verify",
      "--json",
      "--offline",
      "--no-default-trust",
      "--trust",
      corpus.trustPem,
      "--crl",
      corpus.crlFile,
      "--cache-dir",
      join(dir, "cache"),
      ...files,
    ],
    { encoding: "utf8", maxBuffer: 64 << 20 },
  );
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`vanthu verify exited ${r.status}: ${r.stderr}`);
  return ms;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

await engine(corpus.twoSignature.slice(0, 2)); // warm up (JIT, key imports)
const rows: string[] = [];
for (const [name, files] of [
  [`(a) ${COUNT} × ${(statSync(corpus.scans[0]!).size / 1048576).toFixed(1)} MB signed scans`, corpus.scans],
  [`(b) ${COUNT} × ${(statSync(corpus.twoSignature[0]!).size / 1048576).toFixed(2)} MB two-signature letters`, corpus.twoSignature],
] as const) {
  // Interleaved, median of three: the machine is shared, each figure is compared with pdfsig's of the same moment.
  // The process too: one run of it alone swung from 0.7× to 1.1× pdfsig under a load of 15.
  const ours: number[] = [];
  const theirs: number[] = [];
  const processes: number[] = [];
  for (let k = 0; k < 3; k++) {
    ours.push(await engine(files));
    theirs.push(pdfsig(files));
    processes.push(cli(files));
  }
  const p = median(theirs);
  const e = median(ours);
  const c = median(processes);
  rows.push(
    `${name.padEnd(42)} engine ${e.toFixed(0).padStart(6)} ms  ×${(e / p).toFixed(2)}   vanthu verify (process) ${c.toFixed(0).padStart(6)} ms  ×${(c / p).toFixed(2)}   pdfsig ${p.toFixed(0).padStart(6)} ms`,
  );
}
console.log(
  "Verification of each set: vanthu verify as one process and one thread for all its files; pdfsig -nocert -no-ocsp as one process per file, one after another (ratio = ours / pdfsig; target ≤ 0.5)",
);
for (const r of rows) console.log(r);

// (c) Memory on a large file, in processes of their own, bundled to plain JavaScript.
const bundles: Record<string, string> = {};
for (const name of ["verify-memory.child", "sign-memory.child"]) {
  const outfile = join(dir, `${name}.mjs`);
  await build({
    entryPoints: [join(root, `test/verify/${name}.ts`)],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile,
    logLevel: "silent",
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  bundles[name] = outfile;
}
const unsignedBig = join(dir, "big-unsigned.pdf");
writeFileSync(unsignedBig, await scannedPdf(BIG_MB));
const bigFile = join(dir, "big.pdf");
const signIn = (mode: "file" | "memory") => {
  // Through /usr/bin/time, as the verifying children: a child forked straight from this
  // process inherits its peak RSS in getrusage (Linux keeps the forked image's high-water mark
  // across exec), and this process holds the corpus.
  const r = spawnSync(
    "/usr/bin/time",
    [
      "-f",
      "%M",
      process.execPath,
      bundles["sign-memory.child"]!,
      unsignedBig,
      join(dir, `big-signed-${mode}.pdf`),
      join(root, "shared/assets/fonts/Tinos-Regular.ttf"),
      mode,
    ],
    { encoding: "utf8" },
  );
  return r.status === 0
    ? (JSON.parse(r.stdout) as { ms: number; peakRssMB: number; baselineRssMB: number; bytes: number })
    : new Error(r.stderr.split("\n").slice(-3).join(" "));
};
const signedByPosition = signIn("file");
const signedInMemory = signIn("memory");
// The file verified below is signed here, by the benchmark's CA, so that it verifies as valid.
const id = await issue(corpus.root, { commonName: "Người ký thử" });
writeFileSync(bigFile, await signOurs(await scannedPdf(BIG_MB), id));
const size = statSync(bigFile).size / 1048576;
const mem = (mode: string) => {
  const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, bundles["verify-memory.child"]!, bigFile, mode, corpus.trustPem, corpus.crlFile], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`memory child (${mode}) failed: ${r.stderr}`);
  const o = JSON.parse(r.stdout) as { status: string; ms: number; peakRssMB: number; baselineRssMB: number };
  if (o.status !== "valid") throw new Error(`the ${size.toFixed(0)} MB file is ${o.status}`);
  return o;
};
const byPosition = mem("file");
const inMemory = mem("memory");
const pdfsigBig = (() => {
  const r = spawnSync("/usr/bin/time", ["-f", "%M %e", "pdfsig", "-nocert", "-no-ocsp", bigFile], { encoding: "utf8" });
  const [kb, s] = r.stderr.trim().split(/\s+/).slice(-2).map(Number);
  return { peakRssMB: kb! / 1024, ms: s! * 1000 };
})();
console.log(`\nPeak memory, ${size.toFixed(0)} MB signed scan, one process each (plain JavaScript bundle)`);
console.log(
  `verify, read by position (CLI)            peak ${byPosition.peakRssMB.toFixed(0).padStart(5)} MB (start ${byPosition.baselineRssMB.toFixed(0)} MB)  ${byPosition.ms.toFixed(0).padStart(6)} ms   target < 150 MB`,
);
console.log(
  `verify, bytes in memory (the PWA worker)  peak ${inMemory.peakRssMB.toFixed(0).padStart(5)} MB = ${(inMemory.peakRssMB / size).toFixed(2)}× the file (start ${inMemory.baselineRssMB.toFixed(0)} MB)  ${inMemory.ms.toFixed(0).padStart(6)} ms   target < 2×`,
);
console.log(`pdfsig                                    peak ${pdfsigBig.peakRssMB.toFixed(0).padStart(5)} MB  ${pdfsigBig.ms.toFixed(0).padStart(6)} ms`);
for (const [label, o, target] of [
  ["sign, read by position (vanthu sign)     ", signedByPosition, "target < 150 MB"],
  ["sign, bytes in memory (the PWA)          ", signedInMemory, ""],
] as const) {
  console.log(
    o instanceof Error
      ? `${label} failed: ${o.message}`
      : `${label} peak ${o.peakRssMB.toFixed(0).padStart(5)} MB = ${(o.peakRssMB / size).toFixed(2)}× the file (start ${o.baselineRssMB.toFixed(0)} MB)  ${o.ms.toFixed(0).padStart(6)} ms   ${target}`,
  );
}
const [l1, l5] = loadavg();
console.log(`(load average ${l1!.toFixed(1)} / ${l5!.toFixed(1)} on ${cpus().length} cores)`);
rmSync(dir, { recursive: true, force: true });
