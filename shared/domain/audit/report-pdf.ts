import { PDF, rgb, type EmbeddedFont, type PDFPage } from "@libpdf/core";
import type { AuditReport } from "./export.ts";

/**
 * Lays out the audit report as a PDF (A4 landscape) in a Times-metric font with full Vietnamese
 * coverage (Tinos, passed in as bytes). The top-right of page 1 is left free for the text block of
 * the office's signature (signPdf type "attachment" or "copy", Điều 13.2/13.4).
 */
export interface RenderAuditReportOptions {
  font: Uint8Array;
  boldFont?: Uint8Array;
}

const PAGE = { width: 841.89, height: 595.28 };
const MARGIN = { left: 42, right: 42, top: 70, bottom: 42 };
const SIZE = 9;
const LINE = SIZE * 1.25;
const COLUMNS: { key: keyof AuditReport["rows"][number] | "no"; title: string; width: number }[] = [
  { key: "no", title: "STT", width: 30 },
  { key: "timeText", title: "Thời điểm", width: 96 },
  { key: "action", title: "Hoạt động", width: 96 },
  { key: "actor", title: "Người thực hiện", width: 120 },
  { key: "subject", title: "Đối tượng", width: 90 },
  { key: "summary", title: "Nội dung", width: 243 },
  { key: "shortHash", title: "Mã băm (16 ký tự đầu)", width: 82 },
];

function wrap(text: string, font: EmbeddedFont, size: number, width: number): string[] {
  const out: string[] = [];
  for (const para of text.normalize("NFC").split(/\r?\n/)) {
    let line = "";
    for (const word of para.split(/\s+/).filter(Boolean)) {
      const trial = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(trial, size) <= width) {
        line = trial;
        continue;
      }
      if (line) out.push(line);
      // A word longer than the column (a hash) is cut by characters.
      let rest = word;
      while (font.widthOfTextAtSize(rest, size) > width) {
        let n = rest.length;
        while (n > 1 && font.widthOfTextAtSize(rest.slice(0, n), size) > width) n--;
        out.push(rest.slice(0, n));
        rest = rest.slice(n);
      }
      line = rest;
    }
    out.push(line);
  }
  return out;
}

export async function renderAuditReportPdf(report: AuditReport, o: RenderAuditReportOptions): Promise<Uint8Array> {
  // The one PDF library of the project (it also signs): embedded fonts are subset at save.
  const doc = PDF.create();
  const font = doc.embedFont(o.font);
  const bold = o.boldFont ? doc.embedFont(o.boldFont) : font;
  doc.setTitle(`${report.title} — ${report.officeName}`);
  doc.setLanguage("vi");
  doc.setCreator("Văn thư số");
  const contentWidth = PAGE.width - MARGIN.left - MARGIN.right;
  const pages: PDFPage[] = [];
  let page!: PDFPage;
  let y = 0;

  const newPage = () => {
    page = doc.addPage({ width: PAGE.width, height: PAGE.height });
    pages.push(page);
    y = PAGE.height - MARGIN.top;
  };
  const text = (s: string, x: number, f: EmbeddedFont, size: number, color = rgb(0, 0, 0)) => page.drawText(s, { x, y, font: f, size, color });
  const centred = (s: string, f: EmbeddedFont, size: number) => {
    for (const line of wrap(s, f, size, contentWidth)) {
      text(line, MARGIN.left + (contentWidth - f.widthOfTextAtSize(line, size)) / 2, f, size);
      y -= size * 1.3;
    }
  };
  const para = (s: string, f: EmbeddedFont, size: number, color = rgb(0, 0, 0)) => {
    for (const line of wrap(s, f, size, contentWidth)) {
      if (y < MARGIN.bottom + size) newPage();
      text(line, MARGIN.left, f, size, color);
      y -= size * 1.3;
    }
  };
  const header = () => {
    let x = MARGIN.left;
    const h = LINE * 2 + 4;
    page.drawRectangle({ x, y: y - h + LINE, width: contentWidth, height: h, color: rgb(0.93, 0.93, 0.93) });
    for (const c of COLUMNS) {
      const lines = wrap(c.title, bold, SIZE, c.width - 6);
      lines.forEach((l, k) => page.drawText(l, { x: x + 3, y: y - k * LINE, font: bold, size: SIZE }));
      x += c.width;
    }
    y -= h;
  };

  newPage();
  centred(report.officeName.toLocaleUpperCase("vi"), bold, 11);
  y -= 4;
  centred(report.title, bold, 14);
  centred(report.periodText, font, 11);
  centred(`${report.generatedAtText}; người lập: ${report.generatedBy}`, font, 10);
  y -= 6;
  para(report.integrityText, bold, 10, report.integrityOk ? rgb(0, 0.35, 0) : rgb(0.7, 0, 0));
  for (const p of report.problems) para(`– ${p}`, font, 10, rgb(0.7, 0, 0));
  para(report.headText, font, 9);
  y -= 8;
  header();

  report.rows.forEach((r, i) => {
    const cells = COLUMNS.map((c) => wrap(c.key === "no" ? String(i + 1) : String(r[c.key]), font, SIZE, c.width - 6));
    const height = Math.max(...cells.map((c) => c.length)) * LINE + 4;
    if (y - height < MARGIN.bottom) {
      newPage();
      header();
    }
    let x = MARGIN.left;
    cells.forEach((lines, k) => {
      lines.forEach((l, j) => page.drawText(l, { x: x + 3, y: y - j * LINE, font, size: SIZE }));
      x += COLUMNS[k]!.width;
    });
    page.drawLine({
      start: { x: MARGIN.left, y: y - height + LINE - 2 },
      end: { x: MARGIN.left + contentWidth, y: y - height + LINE - 2 },
      thickness: 0.4,
      color: rgb(0.6, 0.6, 0.6),
    });
    y -= height;
  });
  if (report.rows.length === 0) para("Không có mục nào trong khoảng thời gian này.", font, 10);

  pages.forEach((p, i) => {
    const label = `Trang ${i + 1}/${pages.length}`;
    p.drawText(label, { x: PAGE.width - MARGIN.right - font.widthOfTextAtSize(label, 8), y: 20, font, size: 8 });
  });
  return doc.save({ subsetFonts: true, useXRefStream: false });
}
