import { openPdfForUpdate } from "../pdf/document.ts";
import { readPrintedIssue } from "./layout.ts";
import { pageChars } from "./prepare.ts";

/**
 * The number and date of issue a PDF prints on page 1, to hold against the register's: the
 * document and the register must never disagree (ND30; issue 11 point 4).
 */
export async function printedIssueOf(bytes: Uint8Array): Promise<{ numberAndSymbol?: string; issueDate?: string }> {
  const pdf = await openPdfForUpdate(bytes);
  return readPrintedIssue(pageChars(pdf, 0));
}

/** A difference between what the PDF prints and what the register says, in Vietnamese; undefined when they agree. */
export function printedIssueMismatch(
  printed: { numberAndSymbol?: string; issueDate?: string },
  register: { numberAndSymbol: string; issueDate: string },
): string | undefined {
  const norm = (s: string) => s.normalize("NFC").replace(/\s+/g, "");
  if (!printed.numberAndSymbol) return `Không đọc được số, ký hiệu in trên trang 1 của văn bản (sổ ghi ${register.numberAndSymbol}).`;
  if (norm(printed.numberAndSymbol) !== norm(register.numberAndSymbol))
    return `Văn bản in số ${printed.numberAndSymbol}, sổ đăng ký ghi ${register.numberAndSymbol}.`;
  if (printed.issueDate && printed.issueDate !== register.issueDate) {
    const vi = (d: string) => d.split("-").reverse().join("/");
    return `Văn bản in ngày ${vi(printed.issueDate)}, sổ đăng ký ghi ngày ${vi(register.issueDate)}.`;
  }
  return undefined;
}
