/**
 * The published attack classes on PDF signatures (Mladenov et al. 2019, "1 Trillion Dollar
 * Refund"; Mainka et al. 2021, "Shadow Attacks"), each built against a document signed by
 * a trusted signer: incremental saving (ISA), signature wrapping (SWA), universal signature
 * forgery (USF), and the shadow attacks hide, replace and hide-and-replace. None of them may
 * leave the document "valid". Also the updates that ARE allowed (a later signature,
 * metadata, validation data), so that the whitelist is not simply "nothing may change".
 */
import { describe, it, expect, beforeAll } from "vitest";
import { verifyPdf, type VerifyOptions, type ValidationReport } from "../../shared/verify/index.ts";
import { PdfFile } from "../../shared/verify/pdf/document.ts";
import { locateSignatures } from "../../shared/verify/pdf/signatures.ts";
import {
  DemoCertificationAuthority,
  issue,
  signLibpdf,
  certifyPdf,
  nssDatabase,
  signPdfsig,
  buildPdf,
  stream,
  appendUpdate,
  offsetOf,
  lastTrailer,
  type Identity,
} from "./corpus.ts";

let root: DemoCertificationAuthority;
let signer: Identity;
let opts: VerifyOptions;

/**
 * The contract as signed: page 3 draws the amount (object 4) and a white cover (object 5,
 * drawing form XObject 7) — the cover hides "9.000.000" under "1.000.000" — and refers to
 * an XObject 30 that does not exist yet (a dangling reference). A text field 8 holds a
 * value. Shadow bodies sit in the file outside the cross-reference table: an empty cover
 * for 5, and a second page tree (40–42) with another text.
 */
function contract(): { bytes: Uint8Array; offsets: Map<string, number> } {
  return buildPdf(
    [
      { num: 1, body: "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [8 0 R] >> >>" },
      { num: 2, body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>" },
      {
        num: 3,
        body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [4 0 R 5 0 R] /Resources << /Font << /F1 6 0 R >> /XObject << /Cover 7 0 R /Ghost 30 0 R >> >> /Annots [8 0 R] >>",
      },
      { num: 4, body: stream("BT /F1 14 Tf 72 760 Td (HOP DONG - So tien: 9.000.000 dong) Tj ET") },
      { num: 5, body: stream("q /Cover Do Q q /Ghost Do Q") },
      { num: 6, body: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>" },
      {
        num: 7,
        body: stream(
          "1 1 1 rg 230 750 150 30 re f 0 0 0 rg BT /F1 14 Tf 232 760 Td (1.000.000 dong) Tj ET",
          "/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 6 0 R >> >>",
        ),
      },
      { num: 8, body: "<< /FT /Tx /T (amount) /V (1.000.000) /Type /Annot /Subtype /Widget /Rect [72 700 300 720] /P 3 0 R /AP << /N 9 0 R >> >>" },
      {
        num: 9,
        body: stream("BT /F1 12 Tf 2 5 Td (1.000.000) Tj ET", "/Type /XObject /Subtype /Form /BBox [0 0 228 20] /Resources << /Font << /F1 6 0 R >> >>"),
      },
    ],
    [
      { num: 5, body: stream("") },
      { num: 2, body: "<< /Type /Pages /Kids [41 0 R] /Count 1 >>" },
      { num: 41, body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 42 0 R /Resources << /Font << /F1 6 0 R >> >> >>" },
      { num: 42, body: stream("BT /F1 14 Tf 72 760 Td (HOP DONG B - chuyen nhuong toan bo tai san) Tj ET") },
    ],
  );
}

let doc: { bytes: Uint8Array; offsets: Map<string, number> };
let signed: Uint8Array;
let signedReport: ValidationReport;

beforeAll(async () => {
  root = await DemoCertificationAuthority.create({ commonName: "Demo RootCA — tấn công" });
  signer = await issue(root, { commonName: "Trần Thị Bình", title: "Chủ tịch" });
  opts = { trustAnchors: [root.certificate], crls: [new Uint8Array((await root.crl([])).rawData)] };
  doc = contract();
  signed = await signLibpdf(doc.bytes, signer, { fieldName: "ChuTich" });
  signedReport = await verifyPdf(signed, opts);
});

function shadowOffset(key: string): number {
  const o = doc.offsets.get(key);
  if (o === undefined) throw new Error(key);
  return o;
}

/** The attacked file must not be valid, the signature itself still verifies, and the change is named. */
async function expectRejected(bytes: Uint8Array, what?: RegExp): Promise<ValidationReport> {
  const r = await verifyPdf(bytes, opts);
  expect(r.status).not.toBe("valid");
  expect(r.status).toBe("invalid");
  const s = r.signatures.find((x) => x.field === "ChuTich")!;
  expect(s.modifiedAfter).toBe("disallowed");
  if (what) expect(s.changes.disallowed.join("\n")).toMatch(what);
  expect(s.message).toMatch(/sửa đổi sau chữ ký|gỡ bỏ khỏi văn bản/);
  return r;
}

describe("the signed contract", () => {
  it("is valid as signed", () => {
    expect(signedReport.status).toBe("valid");
    expect(signedReport.signatures[0]).toMatchObject({ field: "ChuTich", indication: "TOTAL_PASSED", modifiedAfter: "none" });
  });
});

describe("incremental saving attack (ISA)", () => {
  it("a new content stream appended to the page", async () => {
    const page =
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [4 0 R 5 0 R 50 0 R] /Resources << /Font << /F1 6 0 R >> /XObject << /Cover 7 0 R /Ghost 30 0 R >> >> /Annots [8 0 R] >>";
    await expectRejected(
      appendUpdate(signed, [
        { num: 50, body: stream("BT /F1 14 Tf 72 600 Td (Da thanh toan) Tj ET") },
        { num: 3, body: page },
      ]),
      /object 3/,
    );
  });

  it("an existing content stream redefined under its own number", async () => {
    await expectRejected(
      appendUpdate(signed, [{ num: 4, body: stream("BT /F1 14 Tf 72 760 Td (HOP DONG - So tien: 1 dong) Tj ET") }]),
      /object 4 was replaced/,
    );
  });

  it("a new page added to the page tree", async () => {
    await expectRejected(
      appendUpdate(signed, [
        { num: 51, body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 52 0 R >>" },
        { num: 52, body: stream("BT /F1 14 Tf 72 760 Td (Phu luc) Tj ET") },
        { num: 2, body: "<< /Type /Pages /Kids [3 0 R 51 0 R] /Count 2 >>" },
      ]),
    );
  });

  it("the trailer points to a new catalog", async () => {
    await expectRejected(
      appendUpdate(
        signed,
        [
          { num: 53, body: "<< /Type /Catalog /Pages 54 0 R >>" },
          { num: 54, body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>" },
        ],
        {},
        { root: "53 0 R" },
      ),
      /trailer's \/Root changed/,
    );
  });

  it("objects appended after %%EOF without a cross-reference section (a reader that repairs would use them)", async () => {
    const tail = Buffer.from(`4 0 obj\n${stream("BT /F1 14 Tf 72 760 Td (1 dong) Tj ET")}\nendobj\n`, "latin1");
    const r = await expectRejected(new Uint8Array(Buffer.concat([signed, tail])), /not part of any revision/);
    expect(r.signatures[0]!.coversWholeDocument).toBe(false);
  });

  it("an object for a reference that dangled in the signed revision", async () => {
    await expectRejected(
      appendUpdate(signed, [{ num: 30, body: stream("1 1 1 rg 0 0 595 842 re f", "/Type /XObject /Subtype /Form /BBox [0 0 595 842]") }]),
      /object 30/,
    );
  });

  it("a new annotation (not a signature) on the page", async () => {
    const page =
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [4 0 R 5 0 R] /Resources << /Font << /F1 6 0 R >> /XObject << /Cover 7 0 R /Ghost 30 0 R >> >> /Annots [8 0 R 55 0 R] >>";
    await expectRejected(
      appendUpdate(signed, [
        { num: 55, body: "<< /Type /Annot /Subtype /FreeText /Rect [72 600 300 640] /Contents (Da huy) /DA (/Helv 12 Tf 0 g) >>" },
        { num: 3, body: page },
      ]),
    );
  });

  it("a new UNSIGNED signature field whose widget draws over the page", async () => {
    const page =
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [4 0 R 5 0 R] /Resources << /Font << /F1 6 0 R >> /XObject << /Cover 7 0 R /Ghost 30 0 R >> >> /Annots [8 0 R 56 0 R] >>";
    const acro = findAcroForm(signed);
    const cat = findCatalog(signed);
    const addField = (body: string) => body.replace(/\/Fields\s*\[([^\]]*)\]/, (_m, f: string) => `/Fields [${f} 56 0 R]`);
    const updates = [
      { num: 56, body: "<< /FT /Sig /T (Cover) /Type /Annot /Subtype /Widget /Rect [0 0 595 842] /P 3 0 R /AP << /N 57 0 R >> >>" },
      { num: 57, body: stream("1 1 1 rg 0 700 595 142 re f", "/Type /XObject /Subtype /Form /BBox [0 0 595 842]") },
      { num: 3, body: page },
      acro ? { num: acro.num, body: addField(acro.body) } : { num: cat.num, body: addField(cat.body) },
    ];
    await expectRejected(appendUpdate(signed, updates), /unsigned signature field draws on the page/);
  });

  it("the signature removed: the catalog no longer has the form (reported, not 'unsigned')", async () => {
    const cat = findCatalog(signed);
    const r = await expectRejected(appendUpdate(signed, [{ num: cat.num, body: cat.body.replace(/\/AcroForm\s*(\d+ 0 R|<<[^>]*>>)/, "") }]), /removed/);
    expect(r.signatures).toHaveLength(1);
  });
});

/** The AcroForm dictionary of the last revision when it is an indirect object. */
function findAcroForm(pdf: Uint8Array): { num: number; body: string } | undefined {
  const file = PdfFile.open(pdf);
  const ref = file.last.catalog()?.get("AcroForm");
  if (!ref || typeof ref !== "object" || !("num" in ref)) return undefined;
  const num = (ref as { num: number }).num;
  const entry = file.last.entry(num);
  if (entry?.type !== 1) return undefined;
  const text = Buffer.from(pdf).toString("latin1");
  const start = text.indexOf("obj", entry.offset) + 3;
  const end = text.indexOf("endobj", start);
  return { num, body: text.slice(start, end).trim() };
}

describe("updates that are allowed after a signature", () => {
  it("a second signature (pdfsig) — both valid, the first 'allowed'", async () => {
    const twice = signPdfsig(signed, await nssDatabase(signer), { field: "PhoChuTich" });
    const r = await verifyPdf(twice, opts);
    expect(r.status).toBe("valid");
    expect(r.signatures.map((s) => s.modifiedAfter)).toEqual(["allowed", "none"]);
  });

  it("document information and validation data (DSS with a CRL)", async () => {
    const crl = opts.crls![0]!;
    const catalogBody = findCatalog(signed).body.replace(/>>\s*$/, " /DSS 62 0 R >>");
    const updated = appendUpdate(
      signed,
      [
        { num: 60, body: "<< /Producer (Van thu so) /ModDate (D:20261125120000+07'00') >>" },
        { num: 61, body: `<< /Length ${crl.length} >>\nstream\n${Buffer.from(crl).toString("latin1")}\nendstream` },
        { num: 62, body: "<< /CRLs [61 0 R] >>" },
        { num: findCatalog(signed).num, body: catalogBody },
      ],
      { Info: "60 0 R" },
    );
    const r = await verifyPdf(updated, { ...opts, crls: [] });
    expect(r.status).toBe("valid");
    expect(r.signatures[0]).toMatchObject({ modifiedAfter: "allowed", indication: "TOTAL_PASSED" });
    expect(r.signatures[0]!.revocation[0]!.source).toBe("embedded-crl");
  });
});

function findCatalog(pdf: Uint8Array): { num: number; body: string } {
  const file = PdfFile.open(pdf);
  const ref = file.last.trailer.get("Root") as { num: number };
  const entry = file.last.entry(ref.num);
  if (entry?.type !== 1) throw new Error("catalog in an object stream");
  const text = Buffer.from(pdf).toString("latin1");
  const start = text.indexOf("obj", entry.offset) + 3;
  return { num: ref.num, body: text.slice(start, text.indexOf("endobj", start)).trim() };
}

describe("shadow attacks", () => {
  it("hide: an xref-only update points the cover to an empty body already in the signed file", async () => {
    await expectRejected(appendUpdate(signed, [{ num: 5, offset: shadowOffset("shadow0:5") }]), /object 5 was replaced/);
  });

  it("hide: the page no longer draws the cover", async () => {
    const page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [4 0 R] /Resources << /Font << /F1 6 0 R >> >> /Annots [8 0 R] >>";
    await expectRejected(appendUpdate(signed, [{ num: 3, body: page }]), /catalog|object 3/);
  });

  it("hide: the cover object is deleted (freed) while the page still draws it", async () => {
    await expectRejected(appendUpdate(signed, [{ num: 7, free: true }]), /deleted but is still referred to/);
  });

  it("replace: the form field's value and appearance are overwritten", async () => {
    await expectRejected(
      appendUpdate(signed, [
        { num: 8, body: "<< /FT /Tx /T (amount) /V (9.000.000) /Type /Annot /Subtype /Widget /Rect [72 700 300 720] /P 3 0 R /AP << /N 58 0 R >> >>" },
        {
          num: 58,
          body: stream("BT /F1 12 Tf 2 5 Td (9.000.000) Tj ET", "/Type /XObject /Subtype /Form /BBox [0 0 228 20] /Resources << /Font << /F1 6 0 R >> >>"),
        },
      ]),
      /no certification signature permits form filling/,
    );
  });

  it("replace: the font is swapped (glyphs drawn differently)", async () => {
    await expectRejected(appendUpdate(signed, [{ num: 6, body: "<< /Type /Font /Subtype /Type1 /BaseFont /ZapfDingbats >>" }]), /object 6/);
  });

  it("hide-and-replace: an xref-only update swaps the page tree for the hidden one", async () => {
    await expectRejected(
      appendUpdate(signed, [
        { num: 2, offset: shadowOffset("shadow1:2") },
        { num: 41, offset: shadowOffset("shadow2:41") },
        { num: 42, offset: shadowOffset("shadow3:42") },
      ]),
      /object 2 was replaced/,
    );
  });

  it("hide-and-replace: the catalog is rewritten to the hidden page tree", async () => {
    const cat = findCatalog(signed);
    await expectRejected(
      appendUpdate(signed, [
        { num: 40, body: "<< /Type /Pages /Kids [41 0 R] /Count 1 >>" },
        { num: 41, offset: shadowOffset("shadow2:41") },
        { num: 42, offset: shadowOffset("shadow3:42") },
        { num: cat.num, body: cat.body.replace("/Pages 2 0 R", "/Pages 40 0 R") },
      ]),
      /catalog changed: \/Pages/,
    );
  });
});

describe("universal signature forgery (USF)", () => {
  function sigDictOf(pdf: Uint8Array): { num: number; body: string } {
    const file = PdfFile.open(pdf);
    const s = locateSignatures(file)[0]!;
    const entry = file.last.entry(s.sigRef!.num);
    if (entry?.type !== 1) throw new Error("no sig dict");
    const text = Buffer.from(pdf).toString("latin1");
    const start = text.indexOf("obj", entry.offset) + 3;
    return { num: s.sigRef!.num, body: text.slice(start, text.indexOf("endobj", start)).trim() };
  }

  const variants: [string, (body: string) => string][] = [
    ["no /Contents", (b) => b.replace(/\/Contents\s*<[0-9A-Fa-f]*>/, "")],
    ["empty /Contents", (b) => b.replace(/\/Contents\s*<[0-9A-Fa-f]*>/, "/Contents <>")],
    ["/Contents null", (b) => b.replace(/\/Contents\s*<[0-9A-Fa-f]*>/, "/Contents null")],
    ["zero-filled /Contents", (b) => b.replace(/\/Contents\s*<([0-9A-Fa-f]*)>/, (_m, h: string) => `/Contents <${"0".repeat(h.length)}>`)],
    ["no /ByteRange", (b) => b.replace(/\/ByteRange\s*\[[^\]]*\]/, "")],
    ["/ByteRange null", (b) => b.replace(/\/ByteRange\s*\[[^\]]*\]/, "/ByteRange null")],
    ["/ByteRange [0 0 0 0]", (b) => b.replace(/\/ByteRange\s*\[[^\]]*\]/, "/ByteRange [0 0 0 0]")],
    ["/ByteRange with a negative length", (b) => b.replace(/\/ByteRange\s*\[[^\]]*\]/, "/ByteRange [0 -1 10 -5]")],
    ["/ByteRange of three numbers", (b) => b.replace(/\/ByteRange\s*\[[^\]]*\]/, "/ByteRange [0 100 200]")],
  ];

  it.each(variants)("the signature dictionary replaced in a later update with %s: FORMAT_FAILURE", async (_name, edit) => {
    const sd = sigDictOf(signed);
    const r = await verifyPdf(appendUpdate(signed, [{ num: sd.num, body: edit(sd.body) }]), opts);
    expect(r.status).toBe("invalid");
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_FAILED", subIndication: "FORMAT_FAILURE" });
  });

  it("zero-filled /Contents in place (same length, nothing else changed): FORMAT_FAILURE", async () => {
    const text = Buffer.from(signed).toString("latin1");
    const m = /\/Contents\s*<([0-9A-Fa-f]+)>/.exec(text.slice(text.lastIndexOf("/ByteRange") - 200))!;
    const start = text.indexOf(m[1]!);
    const out = new Uint8Array(signed);
    out.fill(0x30, start, start + m[1]!.length);
    const r = await verifyPdf(out, opts);
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_FAILED", subIndication: "FORMAT_FAILURE" });
  });

  it("a field whose /V is not a signature dictionary: FORMAT_FAILURE", async () => {
    const file = PdfFile.open(signed);
    const s = locateSignatures(file)[0]!;
    const fieldNum = s.fieldRef!.num;
    const text = Buffer.from(signed).toString("latin1");
    const e = file.last.entry(fieldNum);
    if (e?.type !== 1) throw new Error("field in object stream");
    const start = text.indexOf("obj", e.offset) + 3;
    const body = text.slice(start, text.indexOf("endobj", start)).replace(/\/V\s+\d+\s+0\s+R/, "/V 6 0 R");
    const r = await verifyPdf(appendUpdate(signed, [{ num: fieldNum, body }]), opts);
    expect(r.status).toBe("invalid");
    expect(r.signatures[0]!.subIndication).toBe("FORMAT_FAILURE");
  });
});

describe("signature wrapping (SWA)", () => {
  /**
   * The signed bytes are kept and moved: the second signed range goes to the end, and the
   * gap after /Contents grows to hold a new /ByteRange, malicious objects and a
   * cross-reference table at the offset the (moved) startxref names. The digest still
   * matches; only the structure check can refuse it.
   */
  function wrap(pdf: Uint8Array): Uint8Array {
    const file = PdfFile.open(pdf);
    const s = locateSignatures(file)[0]!;
    const [, b, c, d] = s.byteRange!;
    const text = Buffer.from(pdf).toString("latin1");
    const tail = text.slice(c);
    const X = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1]);
    const LINS = 16384;
    const cPrime = c + LINS;
    // The attacker's /ByteRange, written where the original one was (same length when it followed /Contents).
    const brMatch = /^\s*\/ByteRange\s*\[[^\]]*\]/.exec(tail);
    const newBr = `/ByteRange [0 ${b} ${cPrime} ${d}]`;
    let head = brMatch
      ? newBr.padEnd(brMatch[0].length, " ") + tail.slice(brMatch[0].length, X - c)
      : `${newBr} ` + tail.slice(0, Math.max(0, X - c - newBr.length - 1));
    head = head.slice(0, X - c).padEnd(X - c, " ");
    const malicious = `4 0 obj\n${stream("BT /F1 14 Tf 72 760 Td (HOP DONG - So tien: 1 dong) Tj ET")}\nendobj\n`;
    const entries = file.last.revision.entries;
    const size = Math.max(...entries.keys()) + 1;
    let xref = `xref\n0 ${size}\n`;
    const xrefLen = `xref\n0 ${size}\n`.length + 20 * size;
    const trailer = `trailer\n<< /Size ${size} /Root ${lastTrailer(pdf).root} >>\n`;
    const malAt = X + xrefLen + trailer.length;
    for (let n = 0; n < size; n++) {
      const e = entries.get(n);
      let off: number | undefined;
      if (n === 4) off = malAt;
      else if (e?.type === 1) off = e.offset >= c ? e.offset + LINS : e.offset;
      xref += off === undefined ? "0000000000 65535 f \n" : `${String(off).padStart(10, "0")} 00000 n \n`;
    }
    const ins = (head + xref + trailer + malicious).padEnd(LINS, " ");
    if (ins.length !== LINS) throw new Error("insert too long");
    return new Uint8Array(Buffer.from(text.slice(0, c) + ins + tail, "latin1"));
  }

  it("pdfsig's layout (/ByteRange after /Contents): the gap is not the /Contents string → FORMAT_FAILURE", async () => {
    const plain = buildPdf([
      { num: 1, body: "<< /Type /Catalog /Pages 2 0 R >>" },
      { num: 2, body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>" },
      { num: 3, body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>" },
      { num: 4, body: stream("BT /F1 14 Tf 72 760 Td (HOP DONG - So tien: 9.000.000 dong) Tj ET") },
      { num: 5, body: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>" },
    ]).bytes;
    const victim = signPdfsig(plain, await nssDatabase(signer), { field: "Ky" });
    expect((await verifyPdf(victim, opts)).status).toBe("valid");
    const attacked = wrap(victim);
    const r = await verifyPdf(attacked, opts);
    expect(r.status).toBe("invalid");
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_FAILED", subIndication: "FORMAT_FAILURE" });
    expect(r.signatures[0]!.findings.map((f) => f.detail).join("\n")).toMatch(/gap .* is not the \/Contents string/);
  });

  it("@libpdf/core's layout (/ByteRange before /Contents): a second /ByteRange key → FORMAT_FAILURE", async () => {
    const r = await verifyPdf(wrap(signed), opts);
    expect(r.status).not.toBe("valid");
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_FAILED", subIndication: "FORMAT_FAILURE" });
  });

  it("/ByteRange ending inside the file but not at a revision boundary: FORMAT_FAILURE", async () => {
    // Bytes appended after the signed revision but the signature claims to cover them partly.
    const file = PdfFile.open(signed);
    const s = locateSignatures(file)[0]!;
    expect(s.signedRevision?.index).toBe(file.revisions.length - 1);
    const text = Buffer.from(signed).toString("latin1");
    const i = text.lastIndexOf("/ByteRange [");
    const original = /\/ByteRange \[[^\]]*\]/.exec(text.slice(i))![0];
    const [, b, c, d] = s.byteRange!;
    const forged = `/ByteRange [0 ${b} ${c} ${d - 10}]`.padEnd(original.length, " ");
    const out = Buffer.from(text.slice(0, i) + forged + text.slice(i + original.length), "latin1");
    const r = await verifyPdf(new Uint8Array(out), opts);
    expect(r.signatures[0]!.subIndication).toMatch(/FORMAT_FAILURE|HASH_FAILURE/);
    expect(r.signatures[0]!.findings.map((f) => f.detail).join("\n")).toMatch(/not the end of a revision/);
    void offsetOf;
  });
});

describe("DocMDP (certification signatures)", () => {
  const plain = () =>
    buildPdf([
      { num: 1, body: "<< /Type /Catalog /Pages 2 0 R >>" },
      { num: 2, body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>" },
      { num: 3, body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>" },
      { num: 4, body: stream("BT /F1 14 Tf 72 760 Td (QUYET DINH) Tj ET") },
      { num: 5, body: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>" },
    ]).bytes;

  it("a certification signature alone is valid and reports its permission", async () => {
    const r = await verifyPdf(await certifyPdf(plain(), signer, 1), opts);
    expect(r.status).toBe("valid");
    expect(r.signatures[0]).toMatchObject({ field: "Certify", docMdp: 1, indication: "TOTAL_PASSED" });
  });

  it("P=1 (no changes): a later approval signature is a disallowed change", async () => {
    const certified = await certifyPdf(plain(), signer, 1);
    const r = await verifyPdf(await signLibpdf(certified, signer, { fieldName: "Later" }), opts);
    expect(r.status).toBe("invalid");
    expect(r.signatures[0]!.modifiedAfter).toBe("disallowed");
    expect(r.signatures[0]!.changes.disallowed.join()).toMatch(/DocMDP P=1/);
    expect(r.signatures[1]!.indication).toBe("TOTAL_PASSED");
  });

  it("P=1: validation data (DSS) may still be added", async () => {
    const certified = await certifyPdf(plain(), signer, 1);
    const cat = findCatalog(certified);
    const crl = opts.crls![0]!;
    const updated = appendUpdate(certified, [
      { num: 70, body: `<< /Length ${crl.length} >>\nstream\n${Buffer.from(crl).toString("latin1")}\nendstream` },
      { num: 71, body: "<< /CRLs [70 0 R] >>" },
      { num: cat.num, body: cat.body.replace(/>>\s*$/, " /DSS 71 0 R >>") },
    ]);
    const r = await verifyPdf(updated, opts);
    expect(r.status).toBe("valid");
    expect(r.signatures[0]!.modifiedAfter).toBe("allowed");
  });

  it("P=2 (form filling and signing): a later signature is allowed", async () => {
    const certified = await certifyPdf(plain(), signer, 2);
    const r = await verifyPdf(await signLibpdf(certified, signer, { fieldName: "Later" }), opts);
    expect(r.status).toBe("valid");
    expect(r.signatures.map((s) => s.modifiedAfter)).toEqual(["allowed", "none"]);
  });

  it("form filling: allowed under a certification with P=2, refused under P=1 and without certification", async () => {
    const form = buildPdf([
      { num: 1, body: "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R] >> >>" },
      { num: 2, body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>" },
      { num: 3, body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [6 0 R] >>" },
      { num: 4, body: stream("BT /F1 14 Tf 72 760 Td (PHIEU DANG KY) Tj ET") },
      { num: 5, body: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>" },
      { num: 6, body: "<< /FT /Tx /T (hoten) /Type /Annot /Subtype /Widget /Rect [72 700 300 720] /P 3 0 R >>" },
    ]).bytes;
    const fill = (pdf: Uint8Array) =>
      appendUpdate(pdf, [
        { num: 6, body: "<< /FT /Tx /T (hoten) /V (Nguyen Van A) /Type /Annot /Subtype /Widget /Rect [72 700 300 720] /P 3 0 R /AP << /N 80 0 R >> >>" },
        {
          num: 80,
          body: stream("BT /F1 12 Tf 2 5 Td (Nguyen Van A) Tj ET", "/Type /XObject /Subtype /Form /BBox [0 0 228 20] /Resources << /Font << /F1 5 0 R >> >>"),
        },
      ]);
    const p2 = await verifyPdf(fill(await certifyPdf(form, signer, 2, "<< /Type /Catalog /Pages 2 0 R", "6 0 R")), opts);
    expect(p2.status).toBe("valid");
    expect(p2.signatures[0]!.modifiedAfter).toBe("allowed");
    expect(p2.signatures[0]!.changes.allowed.join()).toMatch(/form field 6 filled in/);
    const p1 = await verifyPdf(fill(await certifyPdf(form, signer, 1, "<< /Type /Catalog /Pages 2 0 R", "6 0 R")), opts);
    expect(p1.signatures[0]!.modifiedAfter).toBe("disallowed");
    const approval = await verifyPdf(fill(await signLibpdf(form, signer)), opts);
    expect(approval.signatures[0]!.modifiedAfter).toBe("disallowed");
    expect(approval.signatures[0]!.changes.disallowed.join()).toMatch(/no certification signature permits form filling/);
  });
});
