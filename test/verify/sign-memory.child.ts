/**
 * Run by verify.bench.ts in its own process (bundled to plain JavaScript): signs one file as
 * `vanthu sign` does — the file copied beside the output, read once by position into its
 * skeleton (hashed in the same pass), the new revision appended — and prints the peak memory.
 * `memory` signs the bytes held in memory instead (the PWA's path).
 */
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { DemoCertificationAuthority } from "../../shared/pki/demo-ca.ts";
import { signPdf, signPdfAppend } from "../../shared/sign/index.ts";
import { WebCryptoSigner } from "../../shared/sign/webcrypto-signer.ts";
import { readPdfSkeleton } from "../../shared/pdf/skeleton.ts";
import { nodeHashFactory, openFileSource } from "../../bin/cli/file-source.ts";

const [file, out, fontFile, mode = "file"] = process.argv.slice(2) as [string, string, string, "file" | "memory" | undefined];
const root = await DemoCertificationAuthority.create({ commonName: "Bench Root" });
const id = await root.issue({ commonName: "Người ký thử" });
const font = new Uint8Array(readFileSync(fontFile));
const baseline = process.memoryUsage().rss;
const t = performance.now();
const signer = new WebCryptoSigner(id.keys.privateKey, { certificate: new Uint8Array(id.certificate.rawData), chain: id.chain }, "khóa thử", true, "SHA-256");
const options = { type: "attachment" as const, docNumber: "12/UBND-VP", font, signer };
let bytes: number;
if (mode === "file") {
  copyFileSync(file, out);
  const source = openFileSource(out);
  const fileHash = nodeHashFactory("SHA-256");
  const skeleton = readPdfSkeleton(source, (c) => fileHash.update(c));
  const { section } = await signPdfAppend({ skeleton, source, fileHash }, { ...options, hash: nodeHashFactory });
  appendFileSync(out, section);
  bytes = source.length + section.length;
  source.close();
} else {
  const signed = (await signPdf(readFileSync(file), { ...options, hash: nodeHashFactory })).bytes;
  writeFileSync(out, signed);
  bytes = signed.length;
}
process.stdout.write(
  JSON.stringify({ ms: performance.now() - t, bytes, peakRssMB: process.resourceUsage().maxRSS / 1024, baselineRssMB: baseline / 1048576 }) + "\n",
);
