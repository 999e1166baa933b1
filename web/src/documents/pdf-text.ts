import { detectSecrecyMark, type Secrecy } from "../../../shared/domain/index.ts";

/**
 * The secrecy mark stamped on a document's first page (R9): a file marked MẬT, TỐI MẬT or
 * TUYỆT MẬT is refused before anything is kept, whatever the form says. pdf.js reads the text.
 */
export async function firstPageSecrecy(bytes: Uint8Array): Promise<Secrecy> {
  // An unreadable file is judged by the verifier and the clerk; it is not taken for a secret.
  return detectSecrecyMark((await firstPageText(bytes)) ?? "");
}

/** The first page's text, line by line as pdf.js reports them (hasEOL); undefined when the file cannot be read. */
export async function firstPageText(bytes: Uint8Array): Promise<string | undefined> {
  const pdfjs = await import("pdfjs-dist");
  const workerUrl = (await import("pdfjs-dist/build/pdf.worker.min.mjs?url")).default;
  pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
  const base = new URL("pdfjs/", document.baseURI).href;
  const task = pdfjs.getDocument({
    data: bytes.slice(),
    cMapUrl: base + "cmaps/",
    cMapPacked: true,
    standardFontDataUrl: base + "standard_fonts/",
    isEvalSupported: false,
  });
  try {
    const pdf = await task.promise;
    const page = await pdf.getPage(1);
    const content = await page.getTextContent();
    // Lines as pdf.js reports them (hasEOL), so a stamp alone on its line is recognised.
    let text = "";
    for (const item of content.items) if ("str" in item) text += item.str + (item.hasEOL ? "\n" : " ");
    return text.replace(/ +\n/g, "\n");
  } catch {
    return undefined;
  } finally {
    void task.destroy();
  }
}
