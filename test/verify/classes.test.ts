/**
 * The classes of issue 14, each with files built here: the Sneaky Signature Attack, a
 * counter-signature by poppler that re-prints /MediaBox, DocMDP exactly as ISO 32000 allows,
 * damaged signature dictionaries, long-term validation and document time-stamps written by
 * another tool, plain ECDSA, adbe.pkcs7.sha1, signed attributes out of DER order, annotations
 * over signed text on several pages, trailing bytes, a broken CMS — and the government PKI's
 * G1 shape (SHA-1 CA certificates, a CMS with only the signer's certificate, local time
 * written as UTC).
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomBytes } from "node:crypto";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { PDF, type TimestampAuthority } from "@libpdf/core";
import * as pkijs from "pkijs";
import * as asn1js from "asn1js";
import { verifyPdf, type VerifyOptions } from "../../shared/verify/index.ts";
import { x509 } from "../../shared/pki/x509.ts";
import { startTestTsa } from "../support/tsa.ts";
import {
  DemoCertificationAuthority,
  appendUpdate,
  buildPdf,
  editBytes,
  issue,
  issueWithKey,
  nssDatabase,
  signLibpdf,
  signPdfsig,
  stream,
  type Identity,
} from "./corpus.ts";
import { detachedCms, garbageCms, sha1EncapsulatingCms, signUpdate, streamBody } from "./forge.ts";

let root: DemoCertificationAuthority;
let signer: Identity;
let second: Identity;
let opts: VerifyOptions;

const BODY = [760, 740, 720, 700, 680, 660]
  .map((y, i) => `BT /F1 12 Tf 72 ${y} Td (Dong ${i + 1}: noi dung van ban da duoc ky, khong duoc che) Tj ET`)
  .join("\n");

/** A two-page letter whose body text fills the top of each page (catalog 1, pages 2, pages 3 and 6). */
function letter(): Uint8Array {
  return buildPdf([
    { num: 1, body: "<< /Type /Catalog /Pages 2 0 R >>" },
    { num: 2, body: "<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>" },
    {
      num: 3,
      body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.303937007874 841.889763779528] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    },
    { num: 4, body: stream(BODY) },
    { num: 5, body: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>" },
    {
      num: 6,
      body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.303937007874 841.889763779528] /Contents 7 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    },
    { num: 7, body: stream(BODY) },
  ]).bytes;
}

const PAGE3 = (annots: string) =>
  `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.303937007874 841.889763779528] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >>${annots ? ` /Annots [${annots}]` : ""} >>`;

/** An invisible approval signature by `id` as field 1 (fields listed: `fields`). */
async function firstSignature(pdf: Uint8Array, id: Identity, extraCatalog = ""): Promise<Uint8Array> {
  return signUpdate(
    pdf,
    (S, F) => [
      { num: 1, body: `<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [${F} 0 R] /SigFlags 3 >>${extraCatalog} >>` },
      { num: F, body: `<< /FT /Sig /T (Ky1) /V ${S} 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>` },
    ],
    detachedCms(id),
  );
}

/** A second, visible signature whose widget sits at `rect` on page 3 and paints `appearance`. */
async function visibleSecondSignature(pdf: Uint8Array, id: Identity, rect: number[], appearance: string): Promise<Uint8Array> {
  const first = /\/T \(Ky1\)/.test(Buffer.from(pdf).toString("latin1"))
    ? Number(/(\d+) 0 obj\n<< \/FT \/Sig \/T \(Ky1\)/.exec(Buffer.from(pdf).toString("latin1"))![1])
    : undefined;
  return signUpdate(
    pdf,
    (S, F) => [
      { num: 1, body: `<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [${first} 0 R ${F} 0 R] /SigFlags 3 >> >>` },
      { num: F, body: `<< /FT /Sig /T (Ky2) /V ${S} 0 R /Type /Annot /Subtype /Widget /Rect [${rect.join(" ")}] /F 4 /P 3 0 R /AP << /N ${F + 1} 0 R >> >>` },
      {
        num: F + 1,
        body: streamBody(
          appearance,
          `/Type /XObject /Subtype /Form /BBox [0 0 ${rect[2]! - rect[0]!} ${rect[3]! - rect[1]!}] /Resources << /Font << /F1 5 0 R >> >>`,
        ),
      },
      { num: 3, body: PAGE3(`${F} 0 R`) },
    ],
    detachedCms(id),
  );
}

beforeAll(async () => {
  root = await DemoCertificationAuthority.create({ commonName: "Demo Root — các lớp kiểm tra" });
  signer = await issue(root, { commonName: "Nguyễn Văn An" });
  second = await issue(root, { commonName: "Trần Thị Bình" });
  opts = { trustAnchors: [root.certificate], crls: [new Uint8Array((await root.crl([])).rawData)] };
});

describe("Sneaky Signature Attack (a later signature's appearance over signed content)", () => {
  it("a second, validly signed signature whose widget paints a white box and new words over the body: invalid", async () => {
    const signed = await firstSignature(letter(), signer);
    const attack = await visibleSecondSignature(
      signed,
      second,
      [60, 640, 540, 780],
      "1 1 1 rg 0 0 480 140 re f 0 0 0 rg BT /F1 14 Tf 10 100 Td (Noi dung da bi thay) Tj ET",
    );
    const r = await verifyPdf(attack, opts);
    expect(r.signatures[1]).toMatchObject({ field: "Ky2", indication: "TOTAL_PASSED" });
    expect(r.signatures[0]!.modifiedAfter).toBe("disallowed");
    expect(r.signatures[0]!.changes.disallowed.join("\n")).toMatch(/lies over text of the signed page/);
    expect(r.status).toBe("invalid");
    expect(r.signatures[0]!.message).not.toMatch(/chỉ được bổ sung chữ ký/);
  });

  it("the same visible signature in the blank part of the page: allowed", async () => {
    const signed = await firstSignature(letter(), signer);
    const ok = await visibleSecondSignature(signed, second, [340, 120, 540, 200], "0 0 1 rg BT /F1 10 Tf 5 40 Td (Tran Thi Binh) Tj ET");
    const r = await verifyPdf(ok, opts);
    expect(r.signatures.map((s) => [s.indication, s.modifiedAfter])).toEqual([
      ["TOTAL_PASSED", "allowed"],
      ["TOTAL_PASSED", "none"],
    ]);
    expect(r.status).toBe("valid");
  });
});

describe("a counter-signature made by poppler (pdfsig -add-signature)", () => {
  it("re-prints /MediaBox reals (595.303937007874 → 595.3039370079): compared as numbers, allowed", async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.TimesRoman);
    const page = doc.addPage([595.303937007874, 841.889763779528]);
    page.drawText("UBND XA AN LAO - So: 12/UBND-VP", { x: 60, y: 760, size: 12, font });
    const first = await signLibpdf(await doc.save({ useObjectStreams: false }), signer, { fieldName: "ChuTich" });
    const countersigned = signPdfsig(first, await nssDatabase(second), { field: "VanThu" });
    const tail = Buffer.from(countersigned.subarray(first.length)).toString("latin1");
    expect(tail).toMatch(/MediaBox/);
    expect(tail).not.toMatch(/595\.303937007874/);
    const r = await verifyPdf(countersigned, opts);
    expect(r.signatures.map((s) => s.modifiedAfter)).toEqual(["allowed", "none"]);
    expect(r.signatures.every((s) => s.indication === "TOTAL_PASSED")).toBe(true);
    expect(r.status).toBe("valid");
  });
});

describe("DocMDP exactly as ISO 32000-1 §12.8.2.2", () => {
  const note = (n: number, rect = "20 800 40 820") =>
    `<< /Type /Annot /Subtype /Text /Rect [${rect}] /Contents (Ghi chu: da xem) /Open false /P 3 0 R /Name /Comment /F 4 >>`;
  async function certified(p: 1 | 2 | 3, withField = false): Promise<Uint8Array> {
    const base = withField
      ? buildPdf([
          { num: 1, body: "<< /Type /Catalog /Pages 2 0 R >>" },
          { num: 2, body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>" },
          { num: 3, body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [8 0 R] >>" },
          { num: 4, body: stream(BODY) },
          { num: 5, body: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>" },
          {
            num: 8,
            body: "<< /FT /Tx /T (SoVanBan) /V (   ) /Type /Annot /Subtype /Widget /Rect [300 100 500 130] /P 3 0 R /F 4 /DA (/F1 12 Tf 0 g) /AP << /N 9 0 R >> >>",
          },
          { num: 9, body: stream("/Tx BMC EMC", "/Type /XObject /Subtype /Form /BBox [0 0 200 30] /Resources << /Font << /F1 5 0 R >> >>") },
        ]).bytes
      : letter();
    const fields = withField ? "8 0 R " : "";
    return signUpdate(
      base,
      (S, F) => [
        {
          num: 1,
          body: `<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [${fields}${F} 0 R] /SigFlags 3 /DA (/F1 12 Tf 0 g) >> /Perms << /DocMDP ${S} 0 R >> >>`,
        },
        { num: F, body: `<< /FT /Sig /T (ChungThuc) /V ${S} 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>` },
      ],
      detachedCms(signer),
      { extra: `/Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P ${p} /V /1.2 >> >>]` },
    );
  }

  it("P=3: a sticky note in the margin is allowed; P=2 and P=1 refuse it", async () => {
    for (const [p, want] of [
      [3, "allowed"],
      [2, "disallowed"],
      [1, "disallowed"],
    ] as const) {
      const doc = await certified(p);
      const withNote = appendUpdate(doc, [
        { num: 90, body: note(90) },
        { num: 3, body: PAGE3("90 0 R") },
      ]);
      const r = await verifyPdf(withNote, opts);
      expect(r.signatures[0]!.modifiedAfter, `P=${p}`).toBe(want);
      if (want === "allowed") expect(r.status).toBe("valid");
    }
  });

  it("P=3: an annotation that covers signed text is still refused", async () => {
    const doc = await certified(3);
    const cover = `<< /Type /Annot /Subtype /Square /Rect [60 650 540 780] /IC [1 1 1] /C [1 1 1] /P 3 0 R /F 4 >>`;
    const r = await verifyPdf(
      appendUpdate(doc, [
        { num: 90, body: cover },
        { num: 3, body: PAGE3("90 0 R") },
      ]),
      opts,
    );
    expect(r.signatures[0]!.modifiedAfter).toBe("disallowed");
    expect(r.signatures[0]!.changes.disallowed.join()).toMatch(/lies over text/);
  });

  it("P=2: filling a field whose existing appearance stream is rewritten in place is allowed; without a certification it is refused", async () => {
    const doc = await certified(2, true);
    const filled = appendUpdate(doc, [
      {
        num: 8,
        body: "<< /FT /Tx /T (SoVanBan) /V (125/UBND-VP) /Type /Annot /Subtype /Widget /Rect [300 100 500 130] /P 3 0 R /F 4 /DA (/F1 12 Tf 0 g) /AP << /N 9 0 R >> >>",
      },
      {
        num: 9,
        body: stream(
          "/Tx BMC BT /F1 12 Tf 2 8 Td (125/UBND-VP) Tj ET EMC",
          "/Type /XObject /Subtype /Form /BBox [0 0 200 30] /Resources << /Font << /F1 5 0 R >> >>",
        ),
      },
    ]);
    const r = await verifyPdf(filled, opts);
    expect(r.signatures[0]!.changes.disallowed).toEqual([]);
    expect(r.signatures[0]!.modifiedAfter).toBe("allowed");
    // The same fill after P=1 is refused.
    const p1 = await certified(1, true);
    const filled1 = appendUpdate(p1, [
      {
        num: 8,
        body: "<< /FT /Tx /T (SoVanBan) /V (125/UBND-VP) /Type /Annot /Subtype /Widget /Rect [300 100 500 130] /P 3 0 R /F 4 /DA (/F1 12 Tf 0 g) /AP << /N 9 0 R >> >>",
      },
      {
        num: 9,
        body: stream(
          "/Tx BMC BT /F1 12 Tf 2 8 Td (125/UBND-VP) Tj ET EMC",
          "/Type /XObject /Subtype /Form /BBox [0 0 200 30] /Resources << /Font << /F1 5 0 R >> >>",
        ),
      },
    ]);
    expect((await verifyPdf(filled1, opts)).signatures[0]!.modifiedAfter).toBe("disallowed");
  });
});

describe("annotations over signed content on several pages", () => {
  it("an approval signature, then white boxes over the text of pages 1 and 2: refused, each page named", async () => {
    const signed = await firstSignature(letter(), signer);
    const box = (n: number, page: number) => `<< /Type /Annot /Subtype /Square /Rect [60 650 540 780] /IC [1 1 1] /P ${page} 0 R /F 4 >>`;
    const r = await verifyPdf(
      appendUpdate(signed, [
        { num: 90, body: box(90, 3) },
        { num: 91, body: box(91, 6) },
        { num: 3, body: PAGE3("90 0 R") },
        {
          num: 6,
          body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.303937007874 841.889763779528] /Contents 7 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [91 0 R] >>",
        },
      ]),
      opts,
    );
    expect(r.status).toBe("invalid");
    const why = r.signatures[0]!.changes.disallowed.join("\n");
    expect(why).toMatch(/signed page 3/);
    expect(why).toMatch(/signed page 6/);
  });
});

describe("a damaged signature is reported, never 'unsigned'", () => {
  it("a non-hex character in the /Contents padding: FORMAT_FAILURE with the field name", async () => {
    const signed = await signLibpdf(letter(), signer, { fieldName: "ChuTich" });
    const text = Buffer.from(signed).toString("latin1");
    const end = text.indexOf(">", text.indexOf("/Contents <")) - 2;
    const damaged = new Uint8Array(signed);
    damaged[end] = "G".charCodeAt(0);
    const r = await verifyPdf(damaged, opts);
    expect(r.status).toBe("invalid");
    expect(r.signatures).toHaveLength(1);
    expect(r.signatures[0]).toMatchObject({ field: "ChuTich", indication: "TOTAL_FAILED", subIndication: "FORMAT_FAILURE" });
    expect(r.signatures[0]!.findings.map((f) => f.detail).join()).toMatch(/damaged/);
    expect(r.signatures[0]!.message).toMatch(/ChuTich|không hợp lệ/);
  });

  it("a /ByteRange broken in the middle of the dictionary, and one past the end of the file: that signature invalid, not a file error", async () => {
    const signed = await signLibpdf(letter(), signer, { fieldName: "ChuTich" });
    const broken = editBytes(signed, "/ByteRange [", "/ByteRange <");
    const r = await verifyPdf(broken, opts);
    expect(r.status).toBe("invalid");
    expect(r.signatures[0]).toMatchObject({ field: "ChuTich", subIndication: "FORMAT_FAILURE" });
    const text = Buffer.from(signed).toString("latin1");
    const m = /\/ByteRange \[0\s+\d+\s+\d+\s+(\d+\s*)\]/.exec(text)!;
    const past = editBytes(signed, `${m[1]}]`, `${String(Number(m[1]!.trim()) * 1000).padEnd(m[1]!.length, " ")}]`);
    const r2 = await verifyPdf(past, opts);
    expect(r2.status).not.toBe("error");
    expect(r2.signatures[0]).toMatchObject({ indication: "TOTAL_FAILED" });
  });

  it("a CMS that does not decode, under adbe.pkcs7.sha1: a broken signature (FORMAT_FAILURE), not 'indeterminate (SHA-1)'", async () => {
    const bytes = await firstSignatureWith(letter(), garbageCms(), "adbe.pkcs7.sha1");
    const r = await verifyPdf(bytes, opts);
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_FAILED", subIndication: "FORMAT_FAILURE" });
  });
});

async function firstSignatureWith(pdf: Uint8Array, cms: ReturnType<typeof garbageCms>, subFilter = "adbe.pkcs7.detached"): Promise<Uint8Array> {
  return signUpdate(
    pdf,
    (S, F) => [
      { num: 1, body: `<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [${F} 0 R] /SigFlags 3 >> >>` },
      { num: F, body: `<< /FT /Sig /T (Ky1) /V ${S} 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>` },
    ],
    cms,
    { subFilter },
  );
}

describe("algorithms and CMS shapes", () => {
  it("ecdsa-plain-SHA256 (BSI TR-03111, r || s): TOTAL_PASSED; a flipped bit in r fails", async () => {
    const ec = await issueWithKey(root, "ECDSA", { commonName: "Lê Văn Cường" });
    const r = await verifyPdf(await firstSignatureWith(letter(), detachedCms(ec, { plainEcdsa: true })), opts);
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_PASSED", signatureAlgorithm: "ECDSA" });
    const bad = await firstSignatureWith(letter(), async (signed) => {
      const cms = await detachedCms(ec, { plainEcdsa: true })(signed);
      cms[cms.length - 40]! ^= 1;
      return cms;
    });
    expect((await verifyPdf(bad, opts)).signatures[0]!.indication).toBe("TOTAL_FAILED");
  });

  it("adbe.pkcs7.sha1 (the CMS encapsulates the SHA-1 of the signed bytes): read and checked; a wrong digest is HASH_FAILURE", async () => {
    const ok = await verifyPdf(await firstSignatureWith(letter(), sha1EncapsulatingCms(signer), "adbe.pkcs7.sha1"), opts);
    expect(ok.signatures[0]).toMatchObject({ subFilter: "adbe.pkcs7.sha1", indication: "INDETERMINATE", subIndication: "CRYPTO_CONSTRAINTS_FAILURE_NO_POE" });
    expect(ok.signatures[0]!.findings.filter((f) => f.indication === "TOTAL_FAILED")).toEqual([]);
    const bad = await verifyPdf(await firstSignatureWith(letter(), sha1EncapsulatingCms(signer, true), "adbe.pkcs7.sha1"), opts);
    expect(bad.signatures[0]).toMatchObject({ indication: "TOTAL_FAILED", subIndication: "HASH_FAILURE" });
  });

  it("signed attributes written out of DER order (RFC 5652 §5.4): the signature over the DER encoding fails", async () => {
    const good = await verifyPdf(await firstSignatureWith(letter(), detachedCms(signer)), opts);
    expect(good.signatures[0]!.indication).toBe("TOTAL_PASSED");
    const r = await verifyPdf(await firstSignatureWith(letter(), detachedCms(signer, { nonDerAttributes: true })), opts);
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_FAILED", subIndication: "SIG_CRYPTO_FAILURE" });
  });

  it("a CMS whose one signer's tool wrote a revocation set pkijs cannot read (a CRL that is not one, an RFC 5940 OCSP entry, BER indefinite lengths): read and checked, the CRL ignored with a note", async () => {
    const r = await verifyPdf(await firstSignatureWith(letter(), detachedCms(signer, { oddRevocationSet: true })), opts);
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_PASSED" });
    expect(r.status).toBe("valid");
    expect(JSON.stringify(r.signatures[0]!.findings)).toMatch(/CRL\(s\) in the CMS could not be read/);
    // The same CMS with a byte of the signed content changed still fails its hash: it is read, not waved through.
    const tampered = await firstSignatureWith(letter(), async (signed) => {
      const copy = signed.slice();
      copy[100]! ^= 1;
      return detachedCms(signer, { oddRevocationSet: true })(copy);
    });
    expect((await verifyPdf(tampered, opts)).signatures[0]).toMatchObject({ indication: "TOTAL_FAILED", subIndication: "HASH_FAILURE" });
  });
});

describe("bytes after the last revision", () => {
  it("20 KB of junk after %%EOF: each signature still judged, the bytes reported as a finding", async () => {
    const signed = await signLibpdf(letter(), signer, { fieldName: "ChuTich" });
    const junk = new Uint8Array(randomBytes(20 * 1024)).map((b) => (b === 0x6f ? 0x70 : b)); // no "obj"
    const r = await verifyPdf(new Uint8Array([...signed, ...junk]), opts);
    expect(r.status).not.toBe("error");
    expect(r.signatures[0]).toMatchObject({ field: "ChuTich", indication: "TOTAL_PASSED", coversWholeDocument: false });
    expect(r.findings?.map((f) => f.code)).toContain("TRAILING_BYTES");
  });
});

describe("long-term validation and document time-stamps added by another tool", () => {
  let tsa: Awaited<ReturnType<typeof startTestTsa>>;
  beforeAll(async () => {
    tsa = await startTestTsa(root);
  });
  afterAll(() => tsa?.close());

  async function token(digest: Uint8Array): Promise<Uint8Array> {
    const req = new pkijs.TimeStampReq({
      version: 1,
      messageImprint: new pkijs.MessageImprint({
        hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: "2.16.840.1.101.3.4.2.1", algorithmParams: new asn1js.Null() }),
        hashedMessage: new asn1js.OctetString({ valueHex: digest.slice().buffer }),
      }),
      certReq: true,
    });
    const res = await fetch(tsa.url, {
      method: "POST",
      headers: { "content-type": "application/timestamp-query" },
      body: new Uint8Array(req.toSchema().toBER(false)),
    });
    return new Uint8Array(
      pkijs.TimeStampResp.fromBER(await res.arrayBuffer())
        .timeStampToken!.toSchema()
        .toBER(false),
    );
  }

  it("a DSS with VRI, an indirect /Extensions, the page re-printed with its reals rounded: allowed", async () => {
    const signed = await firstSignature(letter(), signer);
    const crl = new Uint8Array((await root.crl([])).rawData);
    const ltv = appendUpdate(signed, [
      {
        num: 80,
        body: `<< /Certs [81 0 R] /CRLs [82 0 R] /VRI << /ABCDEF0123456789ABCDEF0123456789ABCDEF01 << /Cert [81 0 R] /CRL [82 0 R] /TU (D:20261129100000+07'00') >> >> >>`,
      },
      { num: 81, body: `<< /Length ${root.certificate.rawData.byteLength} >>\nstream\n${Buffer.from(root.certificate.rawData).toString("latin1")}\nendstream` },
      { num: 82, body: `<< /Length ${crl.length} >>\nstream\n${Buffer.from(crl).toString("latin1")}\nendstream` },
      { num: 83, body: "<< /ESIC << /BaseVersion /1.7 /ExtensionLevel 2 >> >>" },
      { num: 1, body: `<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [9 0 R] /SigFlags 3 >> /DSS 80 0 R /Extensions 83 0 R >>` },
      { num: 3, body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.3039370079 841.8897637795] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>" },
    ]);
    const r = await verifyPdf(ltv, opts);
    expect(r.signatures[0]!.changes.disallowed).toEqual([]);
    expect(r.signatures[0]!.modifiedAfter).toBe("allowed");
    expect(r.status).toBe("valid");
  });

  it("a document time-stamp whose tool rewrites the page to append its widget and rewrites /AcroForm to add its field: allowed", async () => {
    const signed = await firstSignature(letter(), signer);
    const stamped = await signUpdate(
      signed,
      (S, F) => [
        { num: F + 1, body: `<< /Fields [9 0 R ${F} 0 R] /SigFlags 3 /DA (/Helv 0 Tf 0 g) >>` },
        { num: 1, body: `<< /Type /Catalog /Pages 2 0 R /AcroForm ${F + 1} 0 R >>` },
        { num: F, body: `<< /FT /Sig /T (Signature2) /V ${S} 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>` },
        {
          num: 3,
          body:
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.3039370079 841.8897637795] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [" +
            `${F} 0 R` +
            "] >>",
        },
      ],
      async (bytes) => token(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource))),
      { subFilter: "ETSI.RFC3161", type: "DocTimeStamp" },
    );
    const r = await verifyPdf(stamped, opts);
    expect(r.signatures[1]).toMatchObject({ kind: "document-timestamp", indication: "TOTAL_PASSED" });
    expect(r.signatures[0]!.changes.disallowed).toEqual([]);
    expect(r.signatures[0]!.modifiedAfter).toBe("allowed");
    expect(r.status).toBe("valid");
  });

  it("a signing tool that writes local time into signingTime tagged UTC (+7 h against the time-stamp): a note, not a contradiction", async () => {
    const authority: TimestampAuthority = {
      async timestamp(digest) {
        return token(digest);
      },
    };
    const local = new Date(Date.now() + 7 * 3600e3);
    const r = await verifyPdf(await signLibpdf(letter(), signer, { signingTime: local, timestampAuthority: authority }), opts);
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_PASSED", signingTimeSource: "timestamp" });
    expect(r.signatures[0]!.findings.map((f) => f.code)).toContain("SIGNING_TIME_LOCAL_AS_UTC");
    expect(r.signatures[0]!.message).toMatch(/giờ Việt Nam/);
    expect(r.status).toBe("valid");
    void PDF;
  });
});

describe("the government PKI's G1 shape", () => {
  it("SHA-1-signed root and sub-CA, a CMS with only the signer's certificate, the sub-CA from the trust store: valid, with a note", async () => {
    const DAY = 86400e3;
    const sha1 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-1", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
    const rootKeys = (await crypto.subtle.generateKey(sha1, true, ["sign", "verify"])) as CryptoKeyPair;
    const g1 = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: "0a01",
      name: "C=VN, O=Ban Co yeu Chinh phu (thu), CN=Co quan chung thuc so chuyen dung Chinh phu (RootCA thu)",
      notBefore: new Date(Date.now() - 3650 * DAY),
      notAfter: new Date(Date.now() + 1000 * DAY),
      keys: rootKeys,
      signingAlgorithm: sha1,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
      ],
    });
    const subKeys = (await crypto.subtle.generateKey(sha1, true, ["sign", "verify"])) as CryptoKeyPair;
    const sub = await x509.X509CertificateGenerator.create({
      serialNumber: "0a02",
      subject: "C=VN, O=Ban Co yeu Chinh phu (thu), CN=Co quan chung thuc so Chinh phu (thu)",
      issuer: g1.subject,
      notBefore: new Date(Date.now() - 3000 * DAY),
      notAfter: new Date(Date.now() + 900 * DAY),
      publicKey: subKeys.publicKey,
      signingKey: rootKeys.privateKey,
      signingAlgorithm: sha1,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(subKeys.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
      ],
    });
    const leafKeys = (await crypto.subtle.generateKey({ ...sha1, hash: "SHA-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber: "0a03",
      subject: "C=VN, O=UBND xa An Lao, T=Chu tich, CN=Nguyen Van G1",
      issuer: sub.subject,
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() + 300 * DAY),
      publicKey: leafKeys.publicKey,
      signingKey: subKeys.privateKey,
      signingAlgorithm: { ...sha1, hash: "SHA-256" },
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
        await x509.AuthorityKeyIdentifierExtension.create(subKeys.publicKey),
      ],
    });
    const crl = async (issuer: x509.X509Certificate, key: CryptoKey) =>
      new Uint8Array(
        (
          await x509.X509CrlGenerator.create({
            issuer: issuer.subject,
            thisUpdate: new Date(),
            nextUpdate: new Date(Date.now() + DAY),
            entries: [],
            signingKey: key,
            signingAlgorithm: sha1,
          })
        ).rawData,
      );
    const id: Identity = { certificate: leaf, privateKey: leafKeys.privateKey, chain: [], algorithm: "RSASSA-PKCS1-v1_5" };
    const bytes = await firstSignatureWith(letter(), detachedCms(id, { leafOnly: true }));
    const g1opts: VerifyOptions = { trustAnchors: [g1], intermediates: [sub], crls: [await crl(g1, rootKeys.privateKey), await crl(sub, subKeys.privateKey)] };
    const r = await verifyPdf(bytes, g1opts);
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_PASSED" });
    expect(r.signatures[0]!.chain).toHaveLength(3);
    expect(r.signatures[0]!.weakAlgorithms.join()).toMatch(/sha1WithRSAEncryption/);
    expect(r.signatures[0]!.message).toMatch(/Lưu ý/);
    expect(r.status).toBe("valid");
    // Without the sub-CA in the store, the leaf-only CMS has no path (offline).
    const alone = await verifyPdf(bytes, { ...g1opts, intermediates: [] });
    expect(alone.signatures[0]!.subIndication).toBe("NO_CERTIFICATE_CHAIN_FOUND");
  });
});
