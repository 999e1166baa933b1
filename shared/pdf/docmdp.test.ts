import { describe, it, expect } from "vitest";
import { PDF, PdfArray, PdfDict, PdfName, PdfNumber } from "@libpdf/core";
import { docMdpPermission } from "./docmdp.ts";
import { signPdf } from "../sign/index.ts";
import { testIdentities } from "../../test/support/identities.ts";
import { TINOS } from "../../test/support/documents.ts";

async function certified(p: number | undefined): Promise<Uint8Array> {
  const pdf = PDF.create();
  pdf.addPage({ size: "a4" });
  if (p !== undefined) {
    const params = PdfDict.of({ Type: PdfName.of("TransformParams"), P: PdfNumber.of(p), V: PdfName.of("1.2") });
    const ref = PdfDict.of({ Type: PdfName.of("SigRef"), TransformMethod: PdfName.of("DocMDP"), TransformParams: params });
    const sig = pdf.register(PdfDict.of({ Type: PdfName.of("Sig"), Reference: new PdfArray([ref]) }));
    pdf.getCatalog().set("Perms", PdfDict.of({ DocMDP: sig }));
  }
  return pdf.save();
}

describe("DocMDP", () => {
  it.each([[undefined], [1], [2], [3]])("reads P=%s", async (p) => {
    expect(docMdpPermission(await PDF.load(await certified(p)))).toBe(p);
  });

  it("a document certified with no changes allowed is refused before signing", async () => {
    const ids = await testIdentities();
    await expect(signPdf(await certified(1), { type: "appendix", docNumber: "1/UBND", font: TINOS, signer: ids.organisationSigner })).rejects.toMatchObject({
      code: "DOCMDP_LOCKED",
    });
  });
});
