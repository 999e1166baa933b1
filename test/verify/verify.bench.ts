/**
 * Verification speed: one 10 MB signed PDF (a scan) and 100 small signed PDFs, each fully
 * verified (ByteRange, digest, CMS signature, path, CRL, difference analysis). Compared
 * with the bare SHA-256 over the same bytes and with poppler's `pdfsig` on the same files
 * (`-nocert -no-ocsp`: digest and signature only, including its process start).
 * Run by `npm run bench`; prints figures, asserts nothing.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { verifyPdf, type VerifyOptions } from "../../shared/verify/index.ts";
import { scannedPdf } from "../support/corpus.ts";
import { DemoCertificationAuthority, issue, makePdf, signLibpdf, signOurs } from "./corpus.ts";

const SMALL = Number(process.env.BENCH_VERIFY_SMALL ?? 100);
const RUNS_BIG = 5;

const dir = mkdtempSync(join(tmpdir(), "vanthu-verify-bench-"));
const root = await DemoCertificationAuthority.create({ commonName: "Bench Root" });
const id = await issue(root, { commonName: "Người ký thử" });
const opts: VerifyOptions = { trustAnchors: [root.certificate], crls: [new Uint8Array((await root.crl([])).rawData)] };

const big = await signOurs(await scannedPdf(10), id);
const bigFile = join(dir, "big.pdf");
writeFileSync(bigFile, big);
const small: Uint8Array[] = [];
const smallFiles: string[] = [];
const template = await makePdf({ pages: 2 });
for (let i = 0; i < SMALL; i++) {
  const s = await signLibpdf(template, id);
  small.push(s);
  const f = join(dir, `small-${i}.pdf`);
  writeFileSync(f, s);
  smallFiles.push(f);
}

async function timeIt(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function pdfsig(file: string): void {
  const r = spawnSync("pdfsig", ["-nocert", "-no-ocsp", file], { encoding: "utf8" });
  if (!/Signature is Valid/.test(r.stdout)) throw new Error(`pdfsig did not validate ${file}`);
}

// Warm up (JIT, WebCrypto key import paths).
const warm = await verifyPdf(small[0]!, opts);
if (warm.status !== "valid") throw new Error(`bench corpus not valid: ${warm.message}`);
if ((await verifyPdf(big, opts)).status !== "valid") throw new Error("10 MB file not valid");

const bigVerify = median(await Promise.all(Array.from({ length: RUNS_BIG }, () => 0)).then(async () => {
  const xs: number[] = [];
  for (let i = 0; i < RUNS_BIG; i++) xs.push(await timeIt(() => verifyPdf(big, opts)));
  return xs;
}));
const bigHashRuns: number[] = [];
for (let i = 0; i < RUNS_BIG; i++) bigHashRuns.push(await timeIt(() => crypto.subtle.digest("SHA-256", big as Uint8Array<ArrayBuffer>)));
const bigHash = median(bigHashRuns);
const bigPdfsigRuns: number[] = [];
for (let i = 0; i < RUNS_BIG; i++) bigPdfsigRuns.push(await timeIt(() => pdfsig(bigFile)));
const bigPdfsig = median(bigPdfsigRuns);

const smallVerify = (await timeIt(async () => {
  for (const s of small) await verifyPdf(s, opts);
})) / SMALL;
const smallHash = (await timeIt(async () => {
  for (const s of small) await crypto.subtle.digest("SHA-256", s as Uint8Array<ArrayBuffer>);
})) / SMALL;
const smallPdfsig = (await timeIt(() => {
  for (const f of smallFiles) pdfsig(f);
})) / SMALL;

const row = (name: string, bytes: number, v: number, h: number, p: number) =>
  `${name.padEnd(28)} ${(bytes / 1024).toFixed(0).padStart(8)} KiB  verify ${v.toFixed(2).padStart(8)} ms/doc  SHA-256 ${h.toFixed(3).padStart(7)} ms  ×${(v / h).toFixed(1).padStart(6)}  pdfsig ${p.toFixed(2).padStart(7)} ms  ×${(v / p).toFixed(2)}`;
console.log("Verification (vanthu verify engine, in-process; pdfsig as a process per file)");
console.log(row("10 MB signed scan", big.length, bigVerify, bigHash, bigPdfsig));
console.log(row(`${SMALL} small signed PDFs (each)`, small[0]!.length, smallVerify, smallHash, smallPdfsig));
console.log(`ratios: verify / bare SHA-256 over the same bytes; verify / pdfsig -nocert -no-ocsp on the same file. Median of ${RUNS_BIG} runs for the large file.`);
