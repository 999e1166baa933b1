/**
 * Run by verify.bench.ts in its own process (bundled to plain JavaScript, as the product
 * ships): verifies one file and prints the peak memory of the process. `file` reads the PDF
 * by position (the CLI), `memory` holds its bytes once (the PWA's worker, which receives them).
 */
import { readFileSync } from "node:fs";
import { verifyPdf } from "../../shared/verify/index.ts";
import { parseCertificates } from "../../shared/trust/index.ts";
import { nodeHashFactory, openFileSource } from "../../bin/cli/commands/verify.ts";

const [file, mode, trustPem, crlFile] = process.argv.slice(2) as [string, "file" | "memory", string, string];
const baseline = process.memoryUsage().rss;
const t = performance.now();
const options = { trustAnchors: parseCertificates(readFileSync(trustPem, "utf8")), crls: [new Uint8Array(readFileSync(crlFile))] };
let status: string;
if (mode === "file") {
  const source = openFileSource(file);
  status = (await verifyPdf(source, { ...options, hash: nodeHashFactory })).status;
  source.close();
} else {
  // The worker's path: the bytes in memory, hashed with the isomorphic default (@noble/hashes).
  status = (await verifyPdf(readFileSync(file), options)).status; // a Buffer is a Uint8Array: no copy
}
const ms = performance.now() - t;
process.stdout.write(JSON.stringify({ status, ms, peakRssMB: process.resourceUsage().maxRSS / 1024, baselineRssMB: baseline / 1048576 }) + "\n");
