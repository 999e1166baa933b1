import type { TextSegment } from "../../shared/sign/layout.ts";
import { DOCUMENT_TYPES } from "../../shared/domain/document-types.ts";

/**
 * The number and the title of a document, read from its first page as Nghị định 30/2020
 * Phụ lục I lays them out: "Số: 125/UBND-VP" under the issuer's name; the type in capitals
 * ("QUYẾT ĐỊNH") and the summary ("Về việc …", or "V/v …" for a letter).
 */
export interface DocumentHeading {
  number?: string;
  title?: string;
}

const TYPE_NAMES = new Set(DOCUMENT_TYPES.map((t) => t.name.normalize("NFC").toLocaleUpperCase("vi")));

export function readHeading(segments: readonly TextSegment[]): DocumentHeading {
  const lines = [...segments].sort((a, b) => b.box.y - a.box.y || a.box.x - b.box.x).map((s) => s.text.normalize("NFC").replace(/\s+/g, " ").trim());
  const out: DocumentHeading = {};
  for (const l of lines) {
    const m = /^Số\s*:\s*(.+)$/u.exec(l);
    if (m && !out.number) out.number = m[1]!.replace(/\s*\/\s*/g, "/").trim();
  }
  const type = lines.find((l) => TYPE_NAMES.has(l));
  const summary = lines.find((l) => /^(?:V\/v|Về việc)\b/u.test(l));
  const title = [type, summary].filter(Boolean).join(": ");
  if (title) out.title = title;
  return out;
}
