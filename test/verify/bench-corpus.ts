/**
 * The files of the verification benchmark, as the issue measured them: signed scans of
 * about 11 MB, and two-signature letters of about 0.9 MB (two signers, incremental), each
 * written `count` times under distinct names, plus the trust anchor and CRL to pass to
 * `vanthu verify --trust --crl --offline`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { scannedPdf } from "../support/corpus.ts";
import { DemoCertificationAuthority, issue, makePdf, signLibpdf, signOurs } from "./corpus.ts";

export interface BenchCorpus {
  scans: string[];
  twoSignature: string[];
  trustPem: string;
  crlFile: string;
  root: DemoCertificationAuthority;
}

export async function buildBenchCorpus(dir: string, count = 20, scanMb = 11): Promise<BenchCorpus> {
  const root = await DemoCertificationAuthority.create({ commonName: "Bench Root" });
  const a = await issue(root, { commonName: "Nguyễn Văn An" });
  const b = await issue(root, { commonName: "Trần Thị Bình" });
  const trustPem = join(dir, "root.pem");
  writeFileSync(trustPem, root.certificate.toString("pem"));
  const crlFile = join(dir, "root.crl");
  writeFileSync(crlFile, new Uint8Array((await root.crl([])).rawData));
  const scan = await signOurs(await scannedPdf(scanMb), a);
  const letter = await makePdf({ pages: 2, padBytes: 880 * 1024 });
  const twice = await signLibpdf(await signLibpdf(letter, a, { fieldName: "Sig1" }), b, { fieldName: "Sig2" });
  const scans: string[] = [];
  const twoSignature: string[] = [];
  for (let i = 0; i < count; i++) {
    scans.push(join(dir, `scan-${i}.pdf`));
    writeFileSync(scans[i]!, scan);
    twoSignature.push(join(dir, `two-${i}.pdf`));
    writeFileSync(twoSignature[i]!, twice);
  }
  return { scans, twoSignature, trustPem, crlFile, root };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!) && process.argv[2]) {
  const c = await buildBenchCorpus(process.argv[2]);
  console.log(JSON.stringify({ ...c, root: undefined }));
}
