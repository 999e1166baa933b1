import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument, PDFHexString, PDFName } from "pdf-lib";
import { deflateSync } from "node:zlib";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPdfSkeleton, type PdfSkeleton } from "./skeleton.ts";
import { MemorySource, type ByteSource } from "./source.ts";
import { signPdf, signPdfAppend, type SignPdfOptions } from "../sign/index.ts";
import { verifyPdf } from "../verify/index.ts";
import { signerOf, testIdentities, type TestIdentities } from "../../test/support/identities.ts";
import type { HashFactory } from "../pki/incremental-hash.ts";
import { signaturePng } from "../../test/support/png.ts";

const nodeHash: HashFactory = (a) => createHash(a.replace("-", "").toLowerCase());

/** A scan-like PDF: `pages` noise images of about `kb` KiB each, optionally with object and cross-reference streams. */
async function scan(pages: number, kb: number, objectStreams = false, lie = false): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let p = 0; p < pages; p++) {
    const pixels = deflateSync(randomBytes(kb * 1024), { level: 0 });
    const ref = doc.context.register(
      doc.context.stream(pixels, {
        Type: "XObject",
        Subtype: "Image",
        Width: 1024,
        Height: kb,
        ColorSpace: "DeviceGray",
        BitsPerComponent: 8,
        Filter: "FlateDecode",
      }),
    );
    const page = doc.addPage([595.28, 841.89]);
    page.node.setXObject(PDFName.of("Scan"), ref);
    page.node.set(PDFName.of("Contents"), doc.context.register(doc.context.stream("q 595.28 0 0 841.89 0 0 cm /Scan Do Q")));
  }
  // A fixed /ID: without one the writer makes a random one, and two signings would differ there.
  const id = PDFHexString.of("00112233445566778899AABBCCDDEEFF");
  doc.context.trailerInfo.ID = doc.context.obj([id, id]);
  const bytes = await doc.save({ useObjectStreams: objectStreams });
  if (lie) {
    // The first image's /Length made 100 bytes short (same number of digits): it no longer ends at endstream.
    const text = new TextDecoder("latin1").decode(bytes);
    const m = /\/Length (\d{6})\b/.exec(text.slice(text.indexOf("/Subtype /Image")))!;
    const at = text.indexOf(m[0], text.indexOf("/Subtype /Image"));
    bytes.set(new TextEncoder().encode(`/Length ${Number(m[1]) - 100}`), at);
  }
  return bytes;
}

/** A source giving small odd-sized chunks, so that keywords straddle chunk boundaries. */
function choppy(bytes: Uint8Array, size: number): ByteSource {
  return {
    length: bytes.length,
    read: (s, e) => bytes.subarray(s, e),
    forEachChunk: (s, e, each) => {
      for (let at = s; at < e; at += size) each(bytes.subarray(at, Math.min(e, at + size)));
    },
  };
}

function skeletonOf(source: ByteSource): { skeleton: PdfSkeleton; digest: () => Uint8Array; fileHash: ReturnType<HashFactory> } {
  const fileHash = nodeHash("SHA-256");
  const skeleton = readPdfSkeleton(source, (c) => fileHash.update(c));
  return { skeleton, fileHash, digest: () => fileHash.digest() };
}

let ids: TestIdentities;
let dir: string;
beforeAll(async () => {
  ids = await testIdentities();
  dir = mkdtempSync(join(tmpdir(), "vanthu-skeleton-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a PDF read once, without its large images", () => {
  it("leaves out exactly the image data, keeps every other byte at its offset, and hashes the whole file", async () => {
    const file = await scan(3, 200);
    const { skeleton, digest } = skeletonOf(choppy(file, 4093));
    expect(skeleton.omitted).toHaveLength(3);
    let kept = 0;
    for (let i = 0, o = 0; i < file.length; i++) {
      const gap = skeleton.omitted[o];
      if (gap && i >= gap.start) {
        if (i < gap.end) {
          if (skeleton.bytes[i] !== 0) throw new Error(`omitted byte ${i} is not zero`);
          continue;
        }
        o++;
      }
      if (skeleton.bytes[i] !== file[i]) throw new Error(`byte ${i} differs`);
      kept++;
    }
    expect(kept).toBeLessThan(file.length / 10);
    expect(Buffer.from(digest()).toString("hex")).toBe(createHash("sha256").update(file).digest("hex"));
  });

  it("a /Length that does not end at endstream: that stream is copied whole", async () => {
    const file = await scan(2, 100, false, true);
    const { skeleton } = skeletonOf(new MemorySource(file));
    expect(skeleton.omitted).toHaveLength(1);
  });

  for (const [name, objectStreams] of [
    ["a classic cross-reference table", false],
    ["cross-reference and object streams", true],
  ] as const) {
    it(`${name}: signing by position appends exactly what signing in memory appends, valid for pdfsig and qpdf`, async () => {
      const file = await scan(2, 300, objectStreams);
      // A signature image at a given place: no font subset, whose name is random, so the two runs can be compared byte for byte.
      const options: SignPdfOptions = {
        type: "signer",
        image: signaturePng(),
        rect: { x: 300, y: 100, width: 120, height: 60 },
        signer: signerOf(ids.official),
        signingTime: new Date(),
      };
      const inMemory = (await signPdf(file, options)).bytes;
      const source = choppy(file, 65521);
      const { skeleton, fileHash } = skeletonOf(source);
      expect(skeleton.omitted.length).toBe(2);
      const { section } = await signPdfAppend({ skeleton, source, fileHash }, { ...options, hash: nodeHash });
      const byPosition = new Uint8Array(file.length + section.length);
      byPosition.set(file);
      byPosition.set(section, file.length);
      expect(Buffer.from(byPosition).equals(Buffer.from(inMemory))).toBe(true);
      const out = join(dir, `signed-${objectStreams}.pdf`);
      writeFileSync(out, byPosition);
      expect(execFileSync("pdfsig", ["-nocert", "-no-ocsp", out], { encoding: "utf8" })).toMatch(/Signature is Valid/);
      expect(execFileSync("qpdf", ["--check", out], { encoding: "utf8" })).toMatch(/No syntax or stream encoding errors/);
      const report = await verifyPdf(byPosition, {
        trustAnchors: [ids.root.certificate],
        crls: [new Uint8Array((await ids.root.crl([])).rawData), new Uint8Array((await ids.ca.crl([])).rawData)],
      });
      expect(report.status, JSON.stringify(report.signatures.map((s) => s.message ?? s))).toBe("valid");
    });
  }
});
