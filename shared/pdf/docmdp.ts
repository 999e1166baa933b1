import { PdfArray, PdfDict, PdfName, PdfNumber, PdfRef, type PDF } from "@libpdf/core";

/**
 * The DocMDP permission of a certified document (ISO 32000-1 12.8.2.2): 1 no changes,
 * 2 form filling and signing, 3 also annotations. Undefined when the document is not certified.
 */
export function docMdpPermission(pdf: PDF): 1 | 2 | 3 | undefined {
  const resolve = (o: unknown) => (o instanceof PdfRef ? pdf.getObject(o) : o);
  const perms = resolve(pdf.getCatalog().get("Perms"));
  if (!(perms instanceof PdfDict)) return undefined;
  const sig = resolve(perms.get("DocMDP"));
  if (!(sig instanceof PdfDict)) return undefined;
  const refs = resolve(sig.get("Reference"));
  if (!(refs instanceof PdfArray)) return 2;
  for (let i = 0; i < refs.length; i++) {
    const r = resolve(refs.at(i));
    if (!(r instanceof PdfDict)) continue;
    const method = r.get("TransformMethod");
    if (!(method instanceof PdfName) || method.value !== "DocMDP") continue;
    const params = resolve(r.get("TransformParams"));
    const p = params instanceof PdfDict ? resolve(params.get("P")) : undefined;
    const v = p instanceof PdfNumber ? p.value : 2;
    return v === 1 || v === 3 ? v : 2;
  }
  return 2;
}
