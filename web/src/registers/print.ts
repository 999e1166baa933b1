import {
  INCOMING_COLUMNS_VI,
  OUTGOING_COLUMNS_VI,
  dayToVi,
  documentTypeByCode,
  formatDateVi,
  incomingRegisterCover,
  outgoingRegisterCover,
  type IncomingRegisterEntry,
  type OutgoingRegisterEntry,
} from "../../../shared/domain/index.ts";
import type { OfficeProfile } from "../db/registers.ts";

/**
 * The register as a printable page (Nghị định 30/2020 Phụ lục IV): the cover lines and the table
 * with the prescribed columns, in order. Returned as a full HTML document for a print window.
 */
function esc(s: string | number | undefined | null): string {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
function typeAndSummary(typeCode: string, summary: string): string {
  const t = documentTypeByCode(typeCode)?.name ?? typeCode;
  return `${t}: ${summary}`;
}
function timeCell(iso: string | undefined, provisional: boolean | undefined): string {
  if (!iso) return "";
  return esc(formatDateVi(iso)) + (provisional ? " (tạm tính)" : "");
}

export function registerPrintHtml(
  kind: "incoming" | "outgoing",
  office: OfficeProfile,
  year: number,
  entries: Array<IncomingRegisterEntry | OutgoingRegisterEntry>,
  bookNumber = 1,
): string {
  const title = kind === "incoming" ? "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" : "SỔ ĐĂNG KÝ VĂN BẢN ĐI";
  const cols = kind === "incoming" ? INCOMING_COLUMNS_VI : OUTGOING_COLUMNS_VI;
  const sorted = [...entries].sort((a, b) => a.number - b.number);
  const rows = sorted
    .map((e) => {
      if (kind === "incoming") {
        const x = e as IncomingRegisterEntry;
        return [
          timeCell(x.arrivedAt, x.arrivedAtProvisional),
          esc(x.number),
          esc(x.issuer),
          esc(x.numberAndSymbol),
          esc(dayToVi(x.documentDate)),
          esc(typeAndSummary(x.typeCode, x.summary)),
          esc(x.handler),
          timeCell(x.handedOverAt, false),
          esc(x.receipt),
          esc([x.receiptForm === "paper" ? "Bản giấy" : x.receiptForm === "scan" ? "Bản quét" : "", x.note ?? ""].filter(Boolean).join(". ")),
        ];
      }
      const x = e as OutgoingRegisterEntry;
      return [
        esc(x.numberAndSymbol),
        esc(dayToVi(x.documentDate)),
        esc(typeAndSummary(x.typeCode, x.summary)),
        esc(x.signerName),
        esc(x.recipients.join("; ")),
        esc(x.archiveHolder),
        esc(x.copies),
        timeCell(x.sentAt, x.sentAtProvisional),
        esc(x.receipt),
        esc(x.note),
      ];
    })
    .map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`)
    .join("\n");
  // The cover reads its dates and numbers from the book's own entries (Phụ lục IV).
  const coverInput = { office: { name: office.name, parentName: office.parentName }, year, bookNumber };
  const cover =
    kind === "incoming"
      ? incomingRegisterCover(entries as IncomingRegisterEntry[], coverInput)
      : outgoingRegisterCover(entries as OutgoingRegisterEntry[], coverInput);
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${esc(title)} — ${year}</title>
<style>
body{font-family:"Times New Roman",Tinos,"Liberation Serif",serif;font-size:12pt;margin:15mm}
.cover{text-align:center;margin-bottom:8mm}.cover p{margin:2pt 0}
h1{font-size:16pt;margin:6mm 0 2mm}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #000;padding:3pt;vertical-align:top;font-size:10.5pt}
th{font-weight:bold;text-align:center}
@page{size:A4 landscape;margin:12mm}
</style></head><body>
<div class="cover"><p>${esc(cover.managingBody)}</p><p><b>${esc(cover.body)}</b></p>
<h1>${esc(cover.title)}</h1><p>${esc(cover.yearLine)}</p>
<p>${esc(cover.dateRangeLine)}</p>${cover.numberRangeLine ? `<p>${esc(cover.numberRangeLine)}</p>` : ""}
<p>${esc(cover.bookLine)}</p></div>
<table><thead><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join("")}</tr>
<tr>${cols.map((_, i) => `<th>(${i + 1})</th>`).join("")}</tr></thead>
<tbody>
${rows}
</tbody></table></body></html>`;
}
