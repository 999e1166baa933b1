import { PdfArray, PdfDict, PdfName, PdfRef, type PDF } from "@libpdf/core";
import { openPdfForUpdate } from "../../shared/pdf/document.ts";
import { pageSegments } from "../../shared/sign/prepare.ts";
import { checkSigningPolicy, DOCUMENT_RULES } from "../../shared/sign/policy/index.ts";
import { VanthuError } from "../../shared/errors.ts";
import type { SignatureType } from "../../shared/agent-protocol/index.ts";
import { examinePreparedRevision } from "./examine.ts";
import { readHeading, type DocumentHeading } from "./heading.ts";

export interface InspectedDocument extends DocumentHeading {
  /** SHA-256 of the byte ranges, computed by the agent. */
  sha256: string;
  /** 0-based page that carries the new signature (its widget, or page 1 for a text block). */
  pageIndex: number;
}

/** The page of the last signature field of the AcroForm: the one the prepared revision added. */
function newSignaturePage(pdf: PDF): number {
  const resolve = (o: unknown) => (o instanceof PdfRef ? pdf.getObject(o) : o);
  const acro = resolve(pdf.getCatalog().get("AcroForm"));
  const fields = acro instanceof PdfDict ? resolve(acro.get("Fields")) : undefined;
  if (!(fields instanceof PdfArray)) return 0;
  for (let i = fields.length - 1; i >= 0; i--) {
    const ref = fields.at(i);
    const f = resolve(ref);
    if (!(f instanceof PdfDict)) continue;
    const ft = f.get("FT");
    if (!(ft instanceof PdfName) || ft.value !== "Sig") continue;
    const p = f.get("P");
    const pages = pdf.getPages();
    const byRef = p instanceof PdfRef ? pages.findIndex((pg) => pg.ref.objectNumber === p.objectNumber) : -1;
    if (byRef >= 0) return byRef;
    const inAnnots = pages.findIndex((pg) => {
      const annots = resolve(pg.dict.get("Annots"));
      if (!(annots instanceof PdfArray) || !(ref instanceof PdfRef)) return false;
      for (let k = 0; k < annots.length; k++) {
        const a = annots.at(k);
        if (a instanceof PdfRef && a.objectNumber === ref.objectNumber) return true;
      }
      return false;
    });
    return Math.max(0, inAnnots);
  }
  return 0;
}

/**
 * Everything the agent itself establishes about one document before the consent page: the
 * digest (from the bytes, matched against the signed attributes), the number and title on
 * page 1, the page of the signature, and the document rules of the signing policy (R9 marks,
 * R8 holder kind and signature block) against the certificate that will sign.
 */
export async function inspectDocument(
  pdfBytes: Uint8Array,
  signedAttributes: Uint8Array,
  kind: SignatureType,
  certificate: Uint8Array,
  chain: Uint8Array[],
): Promise<InspectedDocument> {
  const examined = examinePreparedRevision(pdfBytes, signedAttributes);
  if ("problem" in examined)
    throw new VanthuError("agent.digest-mismatch", `Không ký: ${examined.problemVi}. Chương trình ký số chỉ ký đúng tệp được hiển thị.`, examined.problem);
  const pdf = await openPdfForUpdate(pdfBytes);
  const pageIndex = newSignaturePage(pdf);
  const heading = readHeading(pageSegments(pdf, 0));
  const decision = await checkSigningPolicy({ kind, document: pdfBytes, certificate, chain, trust: { anchors: [] }, page: pageIndex + 1 }, DOCUMENT_RULES);
  const first = decision.refusals[0];
  if (first) throw new VanthuError(first.code, first.messageVi, first.messageEn);
  return { sha256: examined.sha256, pageIndex, ...heading };
}
