/**
 * The signing engine against independent tools: every signature type on files made by
 * LibreOffice, pdf-lib, qpdf (object streams, linearization), a scanner-like 10 MB file and
 * files already signed by other software. poppler's pdfsig judges each signature; qpdf
 * checks the structure; the original bytes must be a prefix of the result.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { PDF } from "@libpdf/core";
import { signPdf, type SignPdfOptions, type SignatureType } from "../../shared/sign/index.ts";
import { buildCorpus, type Corpus } from "../support/corpus.ts";
import { testIdentities, writePkcs12, nssDatabaseWith, type TestIdentities } from "../support/identities.ts";
import { signaturePng, sealPng } from "../support/png.ts";
import { TINOS } from "../support/documents.ts";
import { pdfsig, qpdfCheck, tool } from "../support/tools.ts";

let corpus: Corpus;
let ids: TestIdentities;
let dir: string;
let alreadySigned: { name: string; bytes: Uint8Array }[];

/** A box for the signature image on files that have no text to find it by (scans). */
const SCAN_RECT = { x: 380, y: 180, width: 140, height: 48 };

function optionsFor(type: SignatureType, kind: string): Omit<SignPdfOptions, "signer"> {
  switch (type) {
    case "signer":
      return { type, image: signaturePng(), rect: kind === "scanned" ? SCAN_RECT : undefined };
    case "issuer":
      return { type, image: sealPng() };
    case "copy":
      return { type, copyForm: "sao y", org: "Ủy ban nhân dân phường Hồng Bàng", font: TINOS };
    case "attachment":
    case "appendix":
      return { type, docNumber: "125/UBND-VP", font: TINOS };
  }
}

async function signAs(type: SignatureType, input: Uint8Array, kind: string): Promise<Uint8Array> {
  const signer = type === "signer" ? ids.officialSigner : ids.organisationSigner;
  return (await signPdf(input, { ...optionsFor(type, kind), signer })).bytes;
}

/** Writes the file and checks it with pdfsig and qpdf; returns pdfsig's view. */
async function expectAllValid(name: string, original: Uint8Array, signed: Uint8Array, expectedCount: number) {
  expect(signed.length).toBeGreaterThan(original.length);
  expect(Buffer.from(signed.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, signed);
  const sigs = await pdfsig(file);
  expect(sigs.length, `${name}: number of signatures`).toBe(expectedCount);
  for (const s of sigs) expect(s.valid, `${name}: signature ${s.field} valid`).toBe(true);
  expect(sigs.at(-1)!.totalDocumentSigned, `${name}: last signature covers the whole file`).toBe(true);
  const check = await qpdfCheck(file);
  expect(check.ok, `${name}: qpdf --check\n${check.output}`).toBe(true);
  return sigs;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "vanthu-interop-"));
  [corpus, ids] = await Promise.all([buildCorpus(), testIdentities()]);
  // Files already signed by other software: poppler (NSS) and @libpdf/core.
  const p12 = await writePkcs12(ids.official, dir, "other", "matkhau");
  const nss = await nssDatabaseWith(p12, "matkhau", dir);
  writeFileSync(join(dir, "base.pdf"), corpus.pdfLib);
  const r = await tool("pdfsig", [
    "-add-signature",
    "-nssdir",
    `sql:${nss}`,
    "-nick",
    "other",
    "-reason",
    "Ký bằng poppler",
    join(dir, "base.pdf"),
    join(dir, "poppler-signed.pdf"),
  ]);
  if (r.code !== 0) throw new Error(`pdfsig -add-signature failed: ${r.stderr}`);
  const poppler = new Uint8Array(readFileSync(join(dir, "poppler-signed.pdf")));
  const { P12Signer } = await import("@libpdf/core");
  const libpdfSigner = await P12Signer.create(readFileSync(p12), "matkhau");
  const libpdf = (await (await PDF.load(corpus.libreoffice)).sign({ signer: libpdfSigner, reason: "Ký bằng @libpdf/core" })).bytes;
  alreadySigned = [
    { name: "poppler-signed", bytes: poppler },
    { name: "libpdf-signed", bytes: libpdf },
  ];
}, 300_000);

const KINDS = ["libreoffice", "pdfLib", "objectStreams", "scanned", "linearized"] as const;

describe.each(KINDS)("signing a %s file", (kind) => {
  it("signer, then issuer: both valid, the seal's revision covers the whole file", async () => {
    const input = corpus[kind];
    const a = await signAs("signer", input, kind);
    await expectAllValid(`${kind}-signer`, input, a, 1);
    const b = await signAs("issuer", a, kind);
    await expectAllValid(`${kind}-signer-issuer`, input, b, 2);
  });

  it.each(["copy", "attachment", "appendix"] as const)("%s", async (type) => {
    const input = corpus[kind];
    const out = await signAs(type, input, kind);
    await expectAllValid(`${kind}-${type}`, input, out, 1);
  });
});

describe("signing files that already carry another software's signature", () => {
  it.each([0, 1])("every type keeps the earlier signature valid (%i)", async (i) => {
    const { name, bytes } = alreadySigned[i]!;
    // The base: one foreign signature, valid.
    writeFileSync(join(dir, `${name}.pdf`), bytes);
    expect((await pdfsig(join(dir, `${name}.pdf`))).every((s) => s.valid)).toBe(true);
    const kind = name === "poppler-signed" ? "pdfLib" : "libreoffice";
    let current = bytes;
    let count = 1;
    for (const type of ["signer", "issuer", "copy", "attachment", "appendix"] as const) {
      const next = await signAs(type, current, kind);
      count += 1;
      await expectAllValid(`${name}+${type}`, current, next, count);
      current = next;
    }
  });
});

describe("what the signatures carry", () => {
  it("PAdES B-B: ETSI.CAdES.detached with SHA-256, /M, /Reason and /Location", async () => {
    const out = await signAs("attachment", corpus.pdfLib, "pdfLib");
    const sigs = await expectAllValid("pades-attrs", corpus.pdfLib, out, 1);
    expect(sigs[0]!.subFilter).toBe("ETSI.CAdES.detached");
    expect(sigs[0]!.hash).toBe("SHA-256");
    const tail = Buffer.from(out.subarray(corpus.pdfLib.length)).toString("latin1");
    expect(tail).toMatch(/\/M \(D:\d{14}\+07'00'\)/);
    expect(tail).toMatch(/\/Reason/);
    expect(tail).toMatch(/\/Location/);
    // The CMS itself: signed attributes content-type, message-digest, signing-certificate-v2.
    // Cut the zero padding by the DER length in the header: stripping trailing zeros would also
    // cut a signature that happens to end in a zero byte.
    const padded = Buffer.from(/\/Contents <([0-9A-F]+)>/.exec(tail)![1]!, "hex");
    expect(padded[0]).toBe(0x30);
    const lenBytes = padded[1]! & 0x80 ? padded[1]! & 0x7f : 0;
    const bodyLength = lenBytes ? padded.subarray(2, 2 + lenBytes).reduce((n, b) => n * 256 + b, 0) : padded[1]!;
    const cmsFile = join(dir, "cms.der");
    writeFileSync(cmsFile, padded.subarray(0, 2 + lenBytes + bodyLength));
    const dump = await tool("openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", cmsFile]);
    expect(dump.stdout).toContain("contentType");
    expect(dump.stdout).toContain("messageDigest");
    expect(dump.stdout).toMatch(/id-smime-aa-signingCertificateV2|signingCertificateV2/);
    expect(dump.stdout).not.toMatch(/object: signingTime/);
  });

  it("a copy's text block carries the exact organisation name and the ISO time (pdftotext)", async () => {
    const signingTime = new Date("2026-11-24T02:15:02Z");
    const { bytes } = await signPdf(corpus.libreoffice, {
      ...optionsFor("copy", "libreoffice"),
      signer: ids.organisationSigner,
      signingTime,
      org: "Ủy ban nhân dân phường Lê Chân",
    });
    const file = join(dir, "copy-text.pdf");
    writeFileSync(file, bytes);
    const text = (await tool("pdftotext", ["-f", "1", "-l", "1", file, "-"])).stdout.normalize("NFC");
    expect(text).toContain("Ủy ban nhân dân phường Lê Chân");
    expect(text).toContain("2026-11-24T09:15:02+07:00");
    expect(text).toContain("sao y");
  });

  it("an attachment's text block carries the main document's number and symbol", async () => {
    const signingTime = new Date("2026-11-24T02:15:02Z");
    const { bytes } = await signPdf(corpus.pdfLib, { ...optionsFor("attachment", "pdfLib"), signer: ids.organisationSigner, signingTime });
    const file = join(dir, "attachment-text.pdf");
    writeFileSync(file, bytes);
    const text = (await tool("pdftotext", ["-f", "1", "-l", "1", file, "-"])).stdout;
    expect(text).toContain("125/UBND-VP");
    expect(text).toContain("2026-11-24T09:15:02+07:00");
  });
});

describe("files with the small defects found in the wild", () => {
  const variants: Record<string, (b: Uint8Array) => Uint8Array> = {
    "bytes after %%EOF": (b) => new Uint8Array([...b, ...new TextEncoder().encode("\r\n\0\0 rác sau EOF\n")]),
    "no newline after %%EOF": (b) => b.subarray(0, b.length - 1),
  };
  it.each(Object.keys(variants))("%s: signed, valid, original kept", async (name) => {
    const input = variants[name]!(corpus.pdfLib);
    const out = await signAs("appendix", input, "pdfLib");
    await expectAllValid(`defect-${name.replace(/\W+/g, "-")}`, input, out, 1);
  });

  it("a file whose cross-reference data is broken is refused, not rewritten", async () => {
    const broken = new Uint8Array(
      Buffer.from(
        Buffer.from(corpus.pdfLib)
          .toString("latin1")
          .replace(/startxref\s+\d+/, "startxref\n123"),
        "latin1",
      ),
    );
    await expect(signAs("appendix", broken, "pdfLib")).rejects.toMatchObject({ code: "PDF_DAMAGED" });
  });
});
