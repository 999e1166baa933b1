/**
 * Signing throughput: 200 one-megabyte documents, each signed as the official (visible
 * signature image found by its title) with an RSA-2048 WebCrypto key. Compared with the
 * bare cost of the same work: SHA-256 over the same bytes plus one RSA-2048 signature each.
 * Run by `npm run bench`; prints figures, asserts nothing.
 */
import { PDFDocument, PDFName } from "pdf-lib";
import { randomBytes } from "node:crypto";
import { deflateSync } from "node:zlib";
import { signPdf } from "../../shared/sign/index.ts";
import { officialDocumentPdf, TINOS } from "../support/documents.ts";
import { testIdentities } from "../support/identities.ts";
import { signaturePng } from "../support/png.ts";
import { exactBytes } from "../../shared/bytes.ts";

const COUNT = Number(process.env.BENCH_SIGN_COUNT ?? 200);

async function oneMegabyteDocument(): Promise<Uint8Array> {
  const doc = await PDFDocument.load(await officialDocumentPdf());
  const pixels = deflateSync(randomBytes(1000 * 1000), { level: 1 });
  const ref = doc.context.register(
    doc.context.stream(pixels, {
      Type: "XObject",
      Subtype: "Image",
      Width: 1000,
      Height: 1000,
      ColorSpace: "DeviceGray",
      BitsPerComponent: 8,
      Filter: "FlateDecode",
    }),
  );
  const page = doc.getPage(0);
  page.node.setXObject(PDFName.of("Photo"), ref);
  return doc.save({ useObjectStreams: false });
}

const ids = await testIdentities();
const docs: Uint8Array[] = [];
const template = await oneMegabyteDocument();
for (let i = 0; i < COUNT; i++) docs.push(template.slice());
const image = signaturePng();

// Warm-up (JIT, font parsing) outside the measurement.
await signPdf(docs[0]!, { type: "signer", signer: ids.officialSigner, image });

let added = 0;
let t0 = performance.now();
for (const d of docs) {
  const out = await signPdf(d, { type: "signer", signer: ids.officialSigner, image });
  added += out.bytes.length - d.length;
}
const engineMs = performance.now() - t0;

let addedAppendix = 0;
const appendixDocs = docs.slice(0, 50);
let t1 = performance.now();
for (const d of appendixDocs) {
  const out = await signPdf(d, { type: "appendix", docNumber: "125/UBND-VP", font: TINOS, signer: ids.organisationSigner });
  addedAppendix += out.bytes.length - d.length;
}
const appendixMs = performance.now() - t1;

t0 = performance.now();
for (const d of docs) {
  const h = await crypto.subtle.digest("SHA-256", exactBytes(d));
  await crypto.subtle.sign({ name: "RSASSA-PKCS1-v1_5" }, ids.official.keys.privateKey, h);
}
const bareMs = performance.now() - t0;

const mb = template.length / (1024 * 1024);
console.log(`sign: ${COUNT} documents of ${mb.toFixed(2)} MB, type signer (visible, layout found from the title), RSA-2048`);
console.log(`sign: ${(COUNT / (engineMs / 1000)).toFixed(1)} documents/s (${(engineMs / COUNT).toFixed(1)} ms each)`);
console.log(`sign: bare cost (SHA-256 + one RSA-2048 signature): ${(bareMs / COUNT).toFixed(2)} ms each; engine/bare ratio ${(engineMs / bareMs).toFixed(1)}×`);
console.log(
  `sign: type appendix (text block, no layout search): ${(appendixDocs.length / (appendixMs / 1000)).toFixed(1)} documents/s (${(appendixMs / appendixDocs.length).toFixed(1)} ms each)`,
);
console.log(
  `sign: bytes added by one signature: signer ${Math.round(added / COUNT)} B (image + CMS + revision), appendix ${Math.round(addedAppendix / appendixDocs.length)} B (text block font subset + CMS)`,
);
