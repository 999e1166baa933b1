import { PDFDocument, rgb } from "pdf-lib";
import fontkit from "@pdf-lib/fontkit";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const TINOS = new Uint8Array(readFileSync(fileURLToPath(new URL("../../shared/assets/fonts/Tinos-Regular.ttf", import.meta.url))));
const TINOS_BOLD_PATH = "/usr/share/fonts/truetype/croscore/Tinos-Bold.ttf";

/**
 * An administrative document laid out as Nghị định 30/2020 Phụ lục I shows: header, body,
 * and at the bottom "Nơi nhận:" on the left and the signature block on the right.
 */
export async function officialDocumentPdf(options: { pages?: number; title?: string[]; name?: string; draft?: boolean } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const regular = await doc.embedFont(TINOS, { subset: true });
  let bold = regular;
  try {
    bold = await doc.embedFont(readFileSync(TINOS_BOLD_PATH), { subset: true });
  } catch {
    // Bold is cosmetic here.
  }
  const pages = options.pages ?? 1;
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText("ỦY BAN NHÂN DÂN", { x: 70, y: 770, size: 13, font: regular });
    page.drawText("PHƯỜNG HỒNG BÀNG", { x: 62, y: 754, size: 13, font: bold });
    page.drawText("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", { x: 300, y: 770, size: 12, font: bold });
    page.drawText("Độc lập - Tự do - Hạnh phúc", { x: 345, y: 754, size: 13, font: bold });
    // A draft leaves the number, the day and the month blank (filled when the number is taken).
    page.drawText(options.draft ? "Số:          /UBND-VP" : "Số: 125/UBND-VP", { x: 75, y: 735, size: 13, font: regular });
    if (options.draft) page.drawText("Hồng Bàng, ngày        tháng        năm 2026", { x: 320, y: 735, size: 13, font: regular });
    page.drawText(`Về việc triển khai chữ ký số chuyên dùng công vụ (trang ${p + 1})`, { x: 70, y: 700, size: 13, font: regular });
    for (let i = 0; i < 12; i++)
      page.drawText(`Nội dung văn bản dòng ${i + 1}: Ủy ban nhân dân phường đề nghị các đơn vị thực hiện.`, {
        x: 70,
        y: 660 - i * 20,
        size: 13,
        font: regular,
        color: rgb(0, 0, 0),
      });
    if (p === pages - 1) {
      page.drawText("Nơi nhận:", { x: 70, y: 300, size: 12, font: bold });
      page.drawText("- Như trên;", { x: 70, y: 285, size: 11, font: regular });
      page.drawText("- Lưu: VT.", { x: 70, y: 272, size: 11, font: regular });
      const title = options.title ?? ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"];
      title.forEach((t, i) => page.drawText(t, { x: 400, y: 300 - i * 16, size: 13, font: bold }));
      page.drawText(options.name ?? "Nguyễn Văn An", { x: 405, y: 160, size: 13, font: bold });
    }
  }
  return doc.save({ useObjectStreams: false });
}
