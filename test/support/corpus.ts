import { PDFDocument, PDFName, PDFNumber } from "pdf-lib";
import { randomBytes } from "node:crypto";
import { deflateSync } from "node:zlib";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { officialDocumentPdf } from "./documents.ts";
import { tool } from "./tools.ts";

/** HTML laid out like an administrative document, for LibreOffice to turn into a PDF. */
const OFFICIAL_HTML = `<!DOCTYPE html><html><head><meta charset="utf-8"><style>
body{font-family:'Liberation Serif','Tinos',serif;font-size:13pt} td{vertical-align:top;font-size:13pt}
</style></head><body>
<table width="100%"><tr><td align="center">ỦY BAN NHÂN DÂN<br><b>PHƯỜNG LÊ CHÂN</b></td>
<td align="center"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b></td></tr></table>
<p>Số: 07/UBND-VP</p>
<p>V/v tổ chức tiếp nhận văn bản điện tử có chữ ký số chuyên dùng công vụ</p>
<p>Ủy ban nhân dân phường Lê Chân đề nghị các đơn vị thực hiện việc tiếp nhận, kiểm tra chữ ký số và vào sổ văn bản đến theo quy định.</p>
<table width="100%"><tr><td width="50%"><b>Nơi nhận:</b><br>- Như trên;<br>- Lưu: VT.</td>
<td align="center"><b>TM. ỦY BAN NHÂN DÂN</b><br><b>CHỦ TỊCH</b><br><br><br><br><br><br><b>Trần Thị Bình</b></td></tr></table>
</body></html>`;

export interface Corpus {
  dir: string;
  libreoffice: Uint8Array;
  pdfLib: Uint8Array;
  objectStreams: Uint8Array;
  scanned: Uint8Array;
  linearized: Uint8Array;
}

/** A scanned document: pages that are one large image each, no text (about `mb` MB). */
export async function scannedPdf(mb = 10): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const pages = 2;
  const w = 2480,
    h = Math.ceil((mb * 1024 * 1024) / pages / w);
  for (let p = 0; p < pages; p++) {
    // Noise does not compress: the file keeps the size of a real scan.
    const pixels = deflateSync(randomBytes(w * h), { level: 1 });
    // pdf-lib's flateStream would compress again: keep the already-deflated bytes as they are.
    const ref = doc.context.register(
      doc.context.stream(pixels, {
        Type: "XObject",
        Subtype: "Image",
        Width: w,
        Height: h,
        ColorSpace: "DeviceGray",
        BitsPerComponent: 8,
        Filter: "FlateDecode",
      }),
    );
    const page = doc.addPage([595.28, 841.89]);
    page.node.setXObject(PDFName.of("Scan"), ref);
    const content = doc.context.stream(`q 595.28 0 0 841.89 0 0 cm /Scan Do Q`);
    page.node.set(PDFName.of("Contents"), doc.context.register(content));
  }
  return doc.save({ useObjectStreams: false });
}

/** Builds the input files of the interop tests, each made by the tool it stands for. */
export async function buildCorpus(): Promise<Corpus> {
  const dir = mkdtempSync(join(tmpdir(), "vanthu-corpus-"));
  const pdfLib = await officialDocumentPdf();
  writeFileSync(join(dir, "pdflib.pdf"), pdfLib);

  writeFileSync(join(dir, "official.html"), OFFICIAL_HTML);
  const lo = await tool(
    "soffice",
    [
      "--headless",
      "--norestore",
      `-env:UserInstallation=file://${dir}/lo-profile`,
      "--convert-to",
      "pdf:writer_web_pdf_Export",
      "--outdir",
      dir,
      join(dir, "official.html"),
    ],
    { timeoutMs: 180_000 },
  );
  let libreoffice: Uint8Array;
  try {
    libreoffice = new Uint8Array(readFileSync(join(dir, "official.pdf")));
  } catch {
    throw new Error(`LibreOffice did not convert the document: ${lo.stderr}${lo.stdout}`);
  }

  const os = await tool("qpdf", ["--object-streams=generate", join(dir, "pdflib.pdf"), join(dir, "objstm.pdf")]);
  if (os.code !== 0 && os.code !== 3) throw new Error(`qpdf failed: ${os.stderr}`);
  const objectStreams = new Uint8Array(readFileSync(join(dir, "objstm.pdf")));

  const lin = await tool("qpdf", ["--linearize", join(dir, "pdflib.pdf"), join(dir, "linearized.pdf")]);
  if (lin.code !== 0 && lin.code !== 3) throw new Error(`qpdf failed: ${lin.stderr}`);
  const linearized = new Uint8Array(readFileSync(join(dir, "linearized.pdf")));

  const scanned = await scannedPdf(10);
  return { dir, libreoffice, pdfLib, objectStreams, scanned, linearized };
}
