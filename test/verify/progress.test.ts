/**
 * Progress of a long check (issue 17): the verifier tells how many bytes of the signed ranges it
 * has hashed of all it will hash, and which signature it is on, so that the PWA shows a bar for a
 * large document. The figures must add up to the file's own /ByteRanges, end at the total, and
 * never change the verdict.
 */
import { expect, it } from "vitest";
import { PDFDocument, PDFName, PDFRawStream } from "pdf-lib";
import { randomBytes } from "node:crypto";
import { verifyPdf, type VerifyProgress } from "../../shared/verify/index.ts";
import { parseCertificates } from "../../shared/trust/index.ts";
import { demoPki, documentPdf, signedDocument } from "../e2e/helpers.ts";

/** The sum of each signature's /ByteRange lengths, read from the file's text. */
function signedLengths(pdf: Uint8Array): number {
  const text = Buffer.from(pdf).toString("latin1");
  return [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].reduce((n, m) => n + Number(m[2]) + Number(m[4]), 0);
}

it("tells how far the check of a 3 MB document signed twice is, ending at the signed bytes' total", async () => {
  const doc = await PDFDocument.load(
    await documentPdf({
      issuer: "UBND xã An Hưng",
      number: "7/QĐ-UBND",
      title: "Quyết định",
      summary: "Thử",
      body: "Nội dung.",
      signerTitle: "Chủ tịch",
      signerName: "Trần Văn Bình",
    }),
  );
  // A scan's weight: 3 MB of image-like bytes in one stream.
  doc.catalog.set(PDFName.of("Scan"), doc.context.register(PDFRawStream.of(doc.context.obj({}), new Uint8Array(randomBytes(3 * 1024 * 1024)))));
  const pki = await demoPki("http://127.0.0.1:9/demo.crl", "UBND xã An Hưng", { name: "Trần Văn Bình", title: "Chủ tịch" });
  const signed = await signedDocument(pki, await doc.save({ useObjectStreams: false }));
  const options = { trustAnchors: parseCertificates(new TextEncoder().encode(pki.caPem)), crls: [pki.crlDer] };

  const seen: VerifyProgress[] = [];
  const report = await verifyPdf(signed, { ...options, onProgress: (p) => seen.push({ ...p }) });
  expect(report.status).toBe("valid");
  expect((await verifyPdf(signed, options)).status).toBe(report.status);

  const total = signedLengths(signed);
  expect(total).toBeGreaterThan(6 * 1024 * 1024);
  expect(seen.every((p) => p.bytesTotal === total && p.signatures === 2)).toBe(true);
  expect(seen.at(-1)!.bytesDone).toBe(total);
  expect(new Set(seen.map((p) => p.signature))).toEqual(new Set([1, 2]));
  // It moves forward: many steps, never back.
  expect(seen.length).toBeGreaterThan(4);
  for (let i = 1; i < seen.length; i++) expect(seen[i]!.bytesDone).toBeGreaterThanOrEqual(seen[i - 1]!.bytesDone);
}, 120_000);
