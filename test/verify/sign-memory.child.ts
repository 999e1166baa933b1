/**
 * Run by verify.bench.ts in its own process (bundled to plain JavaScript): signs one file
 * with the product's signing engine (shared/sign, owned by the signing work) and prints the
 * peak memory. Measured only; the signing engine is not this benchmark's subject.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { DemoCertificationAuthority } from "../../shared/pki/demo-ca.ts";
import { signPdf } from "../../shared/sign/index.ts";
import { WebCryptoSigner } from "../../shared/sign/webcrypto-signer.ts";

const [file, out, fontFile] = process.argv.slice(2) as [string, string, string];
const root = await DemoCertificationAuthority.create({ commonName: "Bench Root" });
const id = await root.issue({ commonName: "Người ký thử" });
const font = new Uint8Array(readFileSync(fontFile));
const t = performance.now();
const signer = new WebCryptoSigner(id.keys.privateKey, { certificate: new Uint8Array(id.certificate.rawData), chain: id.chain }, "khóa thử", true, "SHA-256");
const signed = (await signPdf(new Uint8Array(readFileSync(file)), { type: "attachment", docNumber: "12/UBND-VP", font, signer })).bytes;
writeFileSync(out, signed);
process.stdout.write(JSON.stringify({ ms: performance.now() - t, bytes: signed.length, peakRssMB: process.resourceUsage().maxRSS / 1024 }) + "\n");
