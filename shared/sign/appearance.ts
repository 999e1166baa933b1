import { PdfArray, PdfDict, PdfName, PdfNumber, type PDF, type PdfRef } from "@libpdf/core";
import type { Box } from "./layout.ts";

type EmbeddedFont = ReturnType<PDF["embedFont"]>;

/** Formats a number for a content stream: no exponent, at most 4 decimals. */
function n(v: number): string {
  return (Math.round(v * 10000) / 10000).toString();
}

/**
 * The appearance of a signature widget: a Form XObject of the widget's size.
 * Images are drawn scaled into given boxes (relative to the widget), text lines in an
 * embedded Type0 font (Identity-H, so every Vietnamese letter is one glyph code).
 */
export class AppearanceBuilder {
  private readonly ops: string[] = [];
  private readonly xobjects = new PdfDict();
  private readonly fonts = new PdfDict();
  private imageCount = 0;

  constructor(
    private readonly pdf: PDF,
    readonly width: number,
    readonly height: number,
  ) {}

  drawImage(image: { ref: PdfRef }, box: Box): this {
    const name = `Im${++this.imageCount}`;
    this.xobjects.set(name, image.ref);
    this.ops.push(`q ${n(box.width)} 0 0 ${n(box.height)} ${n(box.x)} ${n(box.y)} cm /${name} Do Q`);
    return this;
  }

  /** Lines of black text, left-aligned at x, first baseline at y, going down. */
  drawTextLines(font: EmbeddedFont, lines: string[], x: number, y: number, fontSize: number, lineHeight = fontSize * 1.2): this {
    const fontRef = this.pdf.getFontRef(font) ?? font.ref;
    this.fonts.set("F1", fontRef);
    const parts = [`BT 0 g /F1 ${n(fontSize)} Tf ${n(lineHeight)} TL ${n(x)} ${n(y)} Td`];
    lines.forEach((line, i) => {
      // The content stream carries glyph ids (CIDToGIDMap maps them after subsetting).
      const hex = font
        .encodeTextToGids(line.normalize("NFC"))
        .map((c) => c.toString(16).padStart(4, "0"))
        .join("");
      parts.push(`${i === 0 ? "" : "T* "}<${hex}> Tj`);
    });
    parts.push("ET");
    this.ops.push(parts.join("\n"));
    return this;
  }

  /** Registers the Form XObject and returns its reference (for the widget's /AP /N). */
  build(): PdfRef {
    const resources = new PdfDict();
    if (this.xobjects.size > 0) resources.set("XObject", this.xobjects);
    if (this.fonts.size > 0) resources.set("Font", this.fonts);
    resources.set("ProcSet", new PdfArray([PdfName.of("PDF"), PdfName.of("Text"), PdfName.of("ImageC")]));
    const content = new TextEncoder().encode(this.ops.join("\n"));
    return this.pdf.createStream(
      {
        Type: PdfName.of("XObject"),
        Subtype: PdfName.of("Form"),
        BBox: new PdfArray([PdfNumber.of(0), PdfNumber.of(0), PdfNumber.of(this.width), PdfNumber.of(this.height)]),
        Resources: resources,
      },
      content,
    );
  }
}

/** Width of a line of text in points (getWidth takes code points). */
export function textWidth(font: EmbeddedFont, text: string, fontSize: number): number {
  let w = 0;
  for (const code of font.encodeText(text.normalize("NFC"))) w += font.getWidth(code);
  return (w * fontSize) / 1000;
}
