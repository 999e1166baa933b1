/**
 * Run by verify.bench.ts in its own process (bundled to plain JavaScript): signs one file
 * with the product's signing engine (shared/sign, helper-owned) and prints the peak memory.
 * Measured only; the signing engine is not this benchmark's subject.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { DemoCertificationAuthority, issue, signOurs } from "./corpus.ts";

const [file, out] = process.argv.slice(2) as [string, string];
const root = await DemoCertificationAuthority.create({ commonName: "Bench Root" });
const id = await issue(root, { commonName: "Người ký thử" });
const t = performance.now();
const signed = await signOurs(new Uint8Array(readFileSync(file)), id);
writeFileSync(out, signed);
process.stdout.write(JSON.stringify({ ms: performance.now() - t, bytes: signed.length, peakRssMB: process.resourceUsage().maxRSS / 1024 }) + "\n");
