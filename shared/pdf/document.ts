import { PDF } from "@libpdf/core";
import { VanthuError } from "../errors.ts";
import { quietly } from "./quiet.ts";

/**
 * Opening a PDF to append a revision to it.
 *
 * We use @libpdf/core for parsing (it follows classic xref tables, xref streams and object
 * streams, and is lenient like PDFBox) and for serialising the appended objects. Its
 * incremental save is what we need, with two cautions handled in `append.ts`: it silently
 * falls back to a full rewrite when it thinks an append is impossible (which would destroy
 * every earlier signature: refused before saving), and it treats linearized files as such a
 * case although an incremental update of a linearized file is valid (ISO 32000-1 F.2: the
 * update simply ends the linearization's usefulness).
 */
export async function openPdfForUpdate(bytes: Uint8Array): Promise<PDF> {
  if (!looksLikePdf(bytes)) {
    throw new VanthuError("NOT_PDF", "Tệp không phải là tệp PDF", "input is not a PDF file (no %PDF- header)");
  }
  let pdf: PDF;
  try {
    pdf = await quietly(() => PDF.load(bytes));
  } catch (e) {
    if (/password|encrypt|decrypt/i.test(String((e as Error)?.message))) {
      throw new VanthuError("PDF_ENCRYPTED", "Tệp PDF được mã hóa hoặc đặt mật khẩu; không thể ký", "PDF is encrypted", { cause: e });
    }
    throw new VanthuError("PDF_DAMAGED", "Tệp PDF bị hỏng, không đọc được", `PDF could not be parsed: ${(e as Error)?.message}`, { cause: e });
  }
  if (pdf.isEncrypted) {
    throw new VanthuError("PDF_ENCRYPTED", "Tệp PDF được mã hóa hoặc đặt mật khẩu; không thể ký", "PDF is encrypted");
  }
  if (pdf.recoveredViaBruteForce) {
    throw new VanthuError(
      "PDF_DAMAGED",
      "Tệp PDF bị hỏng (bảng tham chiếu chéo không đọc được); hãy xuất lại tệp rồi ký",
      "PDF cross-reference data is damaged (recovered by brute force)",
    );
  }
  if (pdf.getPageCount() === 0) {
    throw new VanthuError("PDF_NO_PAGES", "Tệp PDF không có trang nào", "PDF has no pages");
  }
  return pdf;
}

export function looksLikePdf(bytes: Uint8Array): boolean {
  // The header may be preceded by junk within the first 1024 bytes (ISO 32000-1 7.5.2, as readers tolerate).
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 1024));
  return head.includes("%PDF-");
}
