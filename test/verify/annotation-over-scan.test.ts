/**
 * Issue 14: an annotation painted over a scanned page after signing. On a scan the signed
 * words are pixels — the text-based check sees nothing there — so a white box and new words
 * over the image must be refused like the same overlay over text: image XObjects, inline
 * images and images inside a form XObject; under an approval signature and under a
 * certification that allows comments (P=3). A note in a margin the scan does not cover, and a
 * later signature on the scan, stay allowed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { verifyPdf, type VerifyOptions } from "../../shared/verify/index.ts";
import { DemoCertificationAuthority, appendUpdate, buildPdf, issue, stream, type Identity } from "./corpus.ts";
import { detachedCms, signUpdate, streamBody } from "./forge.ts";

let root: DemoCertificationAuthority;
let signer: Identity;
let second: Identity;
let opts: VerifyOptions;

/** An 8×8 grey "scan" (the pixels do not matter, only where the page paints them). */
const IMAGE = streamBody(
  "ffffffffffffffff".repeat(8),
  "/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /ASCIIHexDecode",
);

type Painting = "xobject" | "inline" | "form";

/** A one-page scan: the image painted over the page's top 600 points (the bottom 242 are blank paper). */
function scan(how: Painting): Uint8Array {
  const place = "q 595 0 0 600 0 242 cm";
  const content =
    how === "xobject"
      ? `${place} /Scan Do Q`
      : how === "inline"
        ? `${place} BI /W 8 /H 8 /CS /G /BPC 8 /F /AHx ID ${"ff".repeat(64)}> EI Q`
        : `q 1 0 0 1 0 242 cm /Page Do Q`;
  const resources = how === "form" ? "<< /XObject << /Page 6 0 R >> >>" : how === "xobject" ? "<< /XObject << /Scan 5 0 R >> >>" : "<< >>";
  return buildPdf([
    { num: 1, body: "<< /Type /Catalog /Pages 2 0 R >>" },
    { num: 2, body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>" },
    { num: 3, body: `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources ${resources} >>` },
    { num: 4, body: stream(content) },
    { num: 5, body: IMAGE },
    // A form XObject (as some scanners write a page) that paints the image.
    {
      num: 6,
      body: stream("q 595 0 0 600 0 0 cm /Scan Do Q", "/Type /XObject /Subtype /Form /BBox [0 0 595 600] /Resources << /XObject << /Scan 5 0 R >> >>"),
    },
  ]).bytes;
}

const page3 = (resources: string, annots: string) =>
  `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources ${resources} /Annots [${annots}] >>`;
const resourcesOf = (how: Painting) => (how === "form" ? "<< /XObject << /Page 6 0 R >> >>" : how === "xobject" ? "<< /XObject << /Scan 5 0 R >> >>" : "<< >>");

/** An invisible approval signature (or a certification with DocMDP P), field `Ky1`. */
async function signScan(pdf: Uint8Array, certifyP?: 1 | 2 | 3): Promise<Uint8Array> {
  return signUpdate(
    pdf,
    (S, F) => [
      {
        num: 1,
        body: `<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [${F} 0 R] /SigFlags 3 >>${certifyP ? ` /Perms << /DocMDP ${S} 0 R >>` : ""} >>`,
      },
      { num: F, body: `<< /FT /Sig /T (Ky1) /V ${S} 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>` },
    ],
    detachedCms(signer),
    certifyP ? { extra: `/Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P ${certifyP} /V /1.2 >> >>]` } : {},
  );
}

/** After signing: a white box and a free-text note with new words, over `rect`. */
function overlay(signed: Uint8Array, how: Painting, rect: string): Uint8Array {
  return appendUpdate(signed, [
    { num: 90, body: `<< /Type /Annot /Subtype /Square /Rect [${rect}] /IC [1 1 1] /C [1 1 1] /P 3 0 R /F 4 >>` },
    { num: 91, body: `<< /Type /Annot /Subtype /FreeText /Rect [${rect}] /Contents (So: 999/QD-UBND) /DA (/Helv 12 Tf 0 g) /P 3 0 R /F 4 >>` },
    { num: 3, body: page3(resourcesOf(how), "90 0 R 91 0 R") },
  ]);
}

beforeAll(async () => {
  root = await DemoCertificationAuthority.create({ commonName: "Demo Root — bản quét" });
  signer = await issue(root, { commonName: "Nguyễn Văn An" });
  second = await issue(root, { commonName: "Trần Thị Bình" });
  opts = { trustAnchors: [root.certificate], crls: [new Uint8Array((await root.crl([])).rawData)] };
});

describe("an annotation painted over a signed scan", () => {
  for (const how of ["xobject", "inline", "form"] as const) {
    it(`a white box and new words over the scanned image (${how}): invalid, the page and the image named`, async () => {
      const signed = await signScan(scan(how));
      expect((await verifyPdf(signed, opts)).status).toBe("valid");
      const r = await verifyPdf(overlay(signed, how, "300 700 500 740"), opts);
      expect(r.status).toBe("invalid");
      expect(r.signatures[0]!.modifiedAfter).toBe("disallowed");
      expect(r.signatures[0]!.changes.disallowed.join("\n")).toMatch(/lies over an image of the signed page 3/);
    });
  }

  it("under a certification that allows comments (P=3): still refused over the image, allowed in the blank margin", async () => {
    const signed = await signScan(scan("xobject"), 3);
    const over = await verifyPdf(overlay(signed, "xobject", "300 700 500 740"), opts);
    expect(over.signatures[0]!.modifiedAfter).toBe("disallowed");
    const margin = await verifyPdf(overlay(signed, "xobject", "300 60 500 100"), opts);
    expect(margin.signatures[0]!.changes.disallowed).toEqual([]);
    expect(margin.signatures[0]!.modifiedAfter).toBe("allowed");
  });

  it("a later signature whose appearance sits on the scan (a copy's block, a seal): allowed", async () => {
    const signed = await signScan(scan("xobject"));
    const counter = await signUpdate(
      signed,
      (S, F) => [
        {
          num: 1,
          body: `<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [${Number(/(\d+) 0 obj\n<< \/FT \/Sig \/T \(Ky1\)/.exec(Buffer.from(signed).toString("latin1"))![1])} 0 R ${F} 0 R] /SigFlags 3 >> >>`,
        },
        { num: F, body: `<< /FT /Sig /T (Ky2) /V ${S} 0 R /Type /Annot /Subtype /Widget /Rect [380 760 580 830] /F 4 /P 3 0 R /AP << /N ${F + 1} 0 R >> >>` },
        { num: F + 1, body: streamBody("0 0 1 RG 2 2 196 66 re S", "/Type /XObject /Subtype /Form /BBox [0 0 200 70]") },
        { num: 3, body: page3(resourcesOf("xobject"), `${F} 0 R`) },
      ],
      detachedCms(second),
    );
    const r = await verifyPdf(counter, opts);
    expect(r.signatures).toHaveLength(2);
    expect(r.signatures[0]!.modifiedAfter).toBe("allowed");
    expect(r.signatures[0]!.changes.disallowed).toEqual([]);
    expect(r.status).toBe("valid");
  });
});
