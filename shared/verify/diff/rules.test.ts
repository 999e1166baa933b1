/** Each difference-analysis rule on its own: what it clears, and what falls through to "disallowed". */
import { describe, it, expect } from "vitest";
import { PdfFile } from "../pdf/document.ts";
import { analyseUpdate, DEFAULT_RULES, type DiffRule, type UpdateAnalysis } from "./index.ts";
import { buildPdf, stream, appendUpdate } from "../../../test/verify/corpus.ts";

const base = buildPdf([
  { num: 1, body: "<< /Type /Catalog /Pages 2 0 R /AcroForm 10 0 R /Metadata 11 0 R >>" },
  { num: 2, body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>" },
  { num: 3, body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [12 0 R] >>" },
  { num: 4, body: stream("BT /F1 12 Tf 72 760 Td (Noi dung) Tj ET") },
  { num: 5, body: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>" },
  { num: 10, body: "<< /Fields [12 0 R] >>" },
  { num: 11, body: stream("<x:xmpmeta/>", "/Type /Metadata /Subtype /XML") },
  { num: 12, body: "<< /FT /Sig /T (Empty) /Type /Annot /Subtype /Widget /Rect [300 100 500 150] /P 3 0 R >>" },
]).bytes;

function analyse(update: Uint8Array) {
  const f = PdfFile.open(update);
  return analyseUpdate(f.view(f.revisions.length - 2), f.view(f.revisions.length - 1));
}

const sigDict = "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 0 0 0] /Contents <00> >>";

describe("unchanged-objects", () => {
  it("an object written again unchanged is cleared at level NONE", () => {
    const u = analyse(appendUpdate(base, [{ num: 4, body: stream("BT /F1 12 Tf 72 760 Td (Noi dung) Tj ET") }]));
    expect(u.disallowed).toEqual([]);
    expect(u.level).toBe("NONE");
  });
});

describe("trailer", () => {
  it("a new /Root is disallowed", () => {
    const u = analyse(appendUpdate(base, [{ num: 20, body: "<< /Type /Catalog /Pages 2 0 R >>" }], {}, { root: "20 0 R" }));
    expect(u.disallowed.map((d) => d.rule)).toContain("trailer");
  });
});

describe("catalog", () => {
  it("adding /DSS is allowed; adding /OpenAction is not", () => {
    const ok = analyse(
      appendUpdate(base, [
        { num: 21, body: "<< /Certs [] >>" },
        { num: 1, body: "<< /Type /Catalog /Pages 2 0 R /AcroForm 10 0 R /Metadata 11 0 R /DSS 21 0 R >>" },
      ]),
    );
    expect(ok.disallowed).toEqual([]);
    expect(ok.level).toBe("LTA_UPDATES");
    const bad = analyse(appendUpdate(base, [{ num: 1, body: "<< /Type /Catalog /Pages 2 0 R /AcroForm 10 0 R /Metadata 11 0 R /OpenAction [3 0 R /Fit] >>" }]));
    expect(bad.disallowed[0]!.what).toMatch(/catalog changed: \/OpenAction/);
  });
});

describe("acroform + signature-fields + page-annots", () => {
  it("a new signed signature field with its widget on the page and its appearance: FORM_FILLING", () => {
    const u = analyse(
      appendUpdate(base, [
        { num: 10, body: "<< /Fields [12 0 R 22 0 R] /SigFlags 3 >>" },
        { num: 22, body: "<< /FT /Sig /T (Ky2) /V 23 0 R /Type /Annot /Subtype /Widget /Rect [50 50 150 100] /P 3 0 R /AP << /N 24 0 R >> >>" },
        { num: 23, body: sigDict },
        { num: 24, body: stream("0 0 1 rg 0 0 100 50 re f", "/Type /XObject /Subtype /Form /BBox [0 0 100 50]") },
        {
          num: 3,
          body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [12 0 R 22 0 R] >>",
        },
      ]),
    );
    expect(u.disallowed).toEqual([]);
    expect(u.level).toBe("FORM_FILLING");
  });

  it("removing a field from /Fields is disallowed", () => {
    const u = analyse(appendUpdate(base, [{ num: 10, body: "<< /Fields [] >>" }]));
    expect(u.disallowed.length).toBeGreaterThan(0);
  });

  it("the existing empty signature field may be signed (gains /V and an appearance)", () => {
    const u = analyse(
      appendUpdate(base, [
        { num: 12, body: "<< /FT /Sig /T (Empty) /V 25 0 R /Type /Annot /Subtype /Widget /Rect [300 100 500 150] /P 3 0 R /AP << /N 26 0 R >> >>" },
        { num: 25, body: sigDict },
        { num: 26, body: stream("0 0 1 rg 0 0 200 50 re f", "/Type /XObject /Subtype /Form /BBox [0 0 200 50]") },
      ]),
    );
    expect(u.disallowed).toEqual([]);
  });

  it("moving the empty signature field's rectangle is disallowed", () => {
    const u = analyse(
      appendUpdate(base, [
        { num: 12, body: "<< /FT /Sig /T (Empty) /V 25 0 R /Type /Annot /Subtype /Widget /Rect [0 0 595 842] /P 3 0 R >>" },
        { num: 25, body: sigDict },
      ]),
    );
    expect(u.disallowed.length).toBeGreaterThan(0);
  });

  it("a new text field is disallowed", () => {
    const u = analyse(
      appendUpdate(base, [
        { num: 10, body: "<< /Fields [12 0 R 27 0 R] >>" },
        { num: 27, body: "<< /FT /Tx /T (Them) /V (x) >>" },
      ]),
    );
    expect(u.disallowed.map((d) => d.what).join()).toMatch(/not a signature field/);
  });

  it("an invisible new empty signature field is allowed; a visible one is not", () => {
    const make = (rect: string) =>
      analyse(
        appendUpdate(base, [
          { num: 10, body: "<< /Fields [12 0 R 28 0 R] >>" },
          { num: 28, body: `<< /FT /Sig /T (Trong) /Type /Annot /Subtype /Widget /Rect ${rect} /P 3 0 R /AP << /N 29 0 R >> >>` },
          { num: 29, body: stream("1 1 1 rg 0 0 595 842 re f", "/Type /XObject /Subtype /Form /BBox [0 0 595 842]") },
        ]),
      );
    expect(make("[0 0 0 0]").disallowed).toEqual([]);
    expect(
      make("[0 0 595 842]")
        .disallowed.map((d) => d.what)
        .join(),
    ).toMatch(/draws on the page/);
  });
});

describe("metadata", () => {
  it("new /Info and a rewritten XMP stream are allowed", () => {
    const u = analyse(
      appendUpdate(
        base,
        [
          { num: 30, body: "<< /Producer (x) >>" },
          { num: 11, body: stream("<x:xmpmeta>2</x:xmpmeta>", "/Type /Metadata /Subtype /XML") },
        ],
        { Info: "30 0 R" },
      ),
    );
    expect(u.disallowed).toEqual([]);
  });
});

describe("file-structure and freed-objects", () => {
  it("an unreferenced new object is harmless; freeing a used object is not", () => {
    expect(analyse(appendUpdate(base, [{ num: 31, body: "(orphan)" }])).disallowed).toEqual([]);
    expect(analyse(appendUpdate(base, [{ num: 5, free: true }])).disallowed.map((d) => d.rule)).toContain("freed-objects");
  });
});

describe("not cleared", () => {
  it("a changed content stream, a changed font, a new page: each disallowed", () => {
    expect(analyse(appendUpdate(base, [{ num: 4, body: stream("BT ET") }])).disallowed[0]!.what).toMatch(/object 4 was replaced/);
    expect(analyse(appendUpdate(base, [{ num: 5, body: "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>" }])).disallowed[0]!.what).toMatch(
      /\/Font object 5/,
    );
    expect(
      analyse(
        appendUpdate(base, [
          { num: 2, body: "<< /Type /Pages /Kids [3 0 R 32 0 R] /Count 2 >>" },
          { num: 32, body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>" },
        ]),
      ).level,
    ).toBe("OTHER");
  });
});

describe("structure-tree", () => {
  const tagged = buildPdf([
    { num: 1, body: "<< /Type /Catalog /Pages 2 0 R /StructTreeRoot 20 0 R /MarkInfo << /Marked true >> >>" },
    { num: 2, body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>" },
    { num: 3, body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /StructParents 0 >>" },
    { num: 4, body: stream("/P << /MCID 0 >> BDC BT ET EMC") },
    { num: 20, body: "<< /Type /StructTreeRoot /K [21 0 R] /ParentTree 22 0 R /ParentTreeNextKey 1 >>" },
    { num: 21, body: "<< /Type /StructElem /S /P /P 20 0 R /Pg 3 0 R /K 0 >>" },
    { num: 22, body: "<< /Nums [0 [21 0 R]] >>" },
  ]).bytes;

  it("a signature widget registered in the structure tree (as Acrobat does) is allowed", () => {
    const u = analyse(
      appendUpdate(tagged, [
        { num: 1, body: "<< /Type /Catalog /Pages 2 0 R /StructTreeRoot 20 0 R /MarkInfo << /Marked true >> /AcroForm << /Fields [30 0 R] >> >>" },
        { num: 30, body: "<< /FT /Sig /T (Ky) /V 31 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /StructParent 1 >>" },
        { num: 31, body: sigDict },
        { num: 3, body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /StructParents 0 /Annots [30 0 R] >>" },
        { num: 32, body: "<< /Type /StructElem /S /Form /P 20 0 R /Pg 3 0 R /K << /Type /OBJR /Obj 30 0 R >> >>" },
        { num: 20, body: "<< /Type /StructTreeRoot /K [21 0 R 32 0 R] /ParentTree 22 0 R /ParentTreeNextKey 2 >>" },
        { num: 22, body: "<< /Nums [0 [21 0 R] 1 32 0 R] >>" },
      ]),
    );
    expect(u.disallowed).toEqual([]);
  });

  it("but the page content changed alongside it is not", () => {
    const u = analyse(
      appendUpdate(tagged, [
        { num: 20, body: "<< /Type /StructTreeRoot /K [21 0 R] /ParentTree 22 0 R /ParentTreeNextKey 2 >>" },
        { num: 4, body: stream("BT ET") },
      ]),
    );
    expect(u.disallowed.map((d) => d.what).join()).toMatch(/object 4/);
  });
});

describe("acroform /DA", () => {
  it("may be added, not changed", () => {
    const added = analyse(appendUpdate(base, [{ num: 10, body: "<< /Fields [12 0 R] /DA (/Helv 0 Tf 0 g) >>" }]));
    expect(added.disallowed).toEqual([]);
    const withDa = appendUpdate(base, [{ num: 10, body: "<< /Fields [12 0 R] /DA (/Helv 0 Tf 0 g) >>" }]);
    const changed = analyse(appendUpdate(withDa, [{ num: 10, body: "<< /Fields [12 0 R] /DA (/Helv 0 Tf 1 0 0 rg) >>" }]));
    expect(changed.disallowed.length).toBeGreaterThan(0);
  });
});

describe("rule order does not matter", () => {
  // Every update of this file, each analysed with the rules in many orders: the same verdicts.
  const updates: [string, Uint8Array][] = [
    [
      "signature with widget",
      appendUpdate(base, [
        { num: 10, body: "<< /Fields [12 0 R 22 0 R] /SigFlags 3 >>" },
        { num: 22, body: "<< /FT /Sig /T (Ky2) /V 23 0 R /Type /Annot /Subtype /Widget /Rect [50 50 150 100] /P 3 0 R /AP << /N 24 0 R >> >>" },
        { num: 23, body: sigDict },
        { num: 24, body: stream("0 0 1 rg 0 0 100 50 re f", "/Type /XObject /Subtype /Form /BBox [0 0 100 50]") },
        {
          num: 3,
          body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.0000000001 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [12 0 R 22 0 R] >>",
        },
      ]),
    ],
    [
      "signature over the text",
      appendUpdate(base, [
        { num: 10, body: "<< /Fields [12 0 R 22 0 R] /SigFlags 3 >>" },
        { num: 22, body: "<< /FT /Sig /T (Ky2) /V 23 0 R /Type /Annot /Subtype /Widget /Rect [60 740 300 790] /P 3 0 R /AP << /N 24 0 R >> >>" },
        { num: 23, body: sigDict },
        { num: 24, body: stream("1 1 1 rg 0 0 240 50 re f", "/Type /XObject /Subtype /Form /BBox [0 0 240 50]") },
        {
          num: 3,
          body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [12 0 R 22 0 R] >>",
        },
      ]),
    ],
    [
      "sticky note",
      appendUpdate(base, [
        { num: 40, body: "<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (x) /P 3 0 R >>" },
        {
          num: 3,
          body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [12 0 R 40 0 R] >>",
        },
      ]),
    ],
    [
      "content changed",
      appendUpdate(base, [
        { num: 4, body: stream("BT ET") },
        { num: 31, body: "(orphan)" },
        { num: 5, free: true },
      ]),
    ],
    [
      "dss and metadata",
      appendUpdate(base, [
        { num: 21, body: "<< /Certs [] >>" },
        { num: 1, body: "<< /Type /Catalog /Pages 2 0 R /AcroForm 10 0 R /Metadata 11 0 R /DSS 21 0 R >>" },
        { num: 11, body: stream("<x:xmpmeta>2</x:xmpmeta>", "/Type /Metadata /Subtype /XML") },
      ]),
    ],
    [
      "rewritten unchanged",
      appendUpdate(base, [{ num: 12, body: "<< /FT /Sig /T (Empty) /Type /Annot /Subtype /Widget /Rect [300 100 500 150] /P 3 0 R >>" }]),
    ],
  ];

  function summary(u: UpdateAnalysis) {
    return {
      level: u.level,
      cleared: u.cleared.map((c) => `${c.num}:${c.level}`).sort(),
      disallowed: u.disallowed.map((d) => `${d.num ?? "-"}:${d.rule}`).sort(),
    };
  }
  function shuffled(rules: readonly DiffRule[], seed: number): DiffRule[] {
    const out = [...rules];
    let x = seed;
    for (let i = out.length - 1; i > 0; i--) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const j = x % (i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  for (const [name, bytes] of updates) {
    it(`${name}: the same verdicts in 24 orders (forward, reversed, shuffled)`, () => {
      const f = PdfFile.open(bytes);
      const run = (rules: readonly DiffRule[]) => summary(analyseUpdate(f.view(f.revisions.length - 2), f.view(f.revisions.length - 1), rules));
      const expected = run(DEFAULT_RULES);
      expect(run([...DEFAULT_RULES].reverse())).toEqual(expected);
      for (let seed = 1; seed <= 22; seed++) expect(run(shuffled(DEFAULT_RULES, seed))).toEqual(expected);
    });
  }

  it("the verdicts are the expected ones", () => {
    const verdict = (i: number) => {
      const f = PdfFile.open(updates[i]![1]);
      return analyseUpdate(f.view(f.revisions.length - 2), f.view(f.revisions.length - 1));
    };
    expect(verdict(0).level).toBe("FORM_FILLING");
    expect(
      verdict(1)
        .disallowed.map((d) => d.what)
        .join(),
    ).toMatch(/lies over text/);
    expect(verdict(2).level).toBe("ANNOTATIONS");
    expect(verdict(3).level).toBe("OTHER");
    expect(verdict(4).level).toBe("LTA_UPDATES");
    expect(verdict(5).level).toBe("NONE");
  });
});
