/**
 * A picture of the page that carries the new signature, for the consent page: drawn here, in
 * the agent, from the very bytes that get signed — never a picture the calling page sends.
 *
 * pdf.js (already the PWA's renderer) in Node with @napi-rs/canvas, which pdf.js itself
 * uses in Node: both come from npm with prebuilt binaries for Windows, macOS and Linux, so a
 * clerk's fresh machine needs no system package (pdftoppm would need poppler installed,
 * which Windows machines do not have). Fonts embedded in the PDF are drawn from the file.
 */
export interface RenderedPage {
  png: Uint8Array;
  width: number;
  height: number;
}

const MAX_PIXELS = 1400 * 1400;

export async function renderPage(pdf: Uint8Array, pageIndex: number, cssWidth = 620): Promise<RenderedPage> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const { createCanvas } = await import("@napi-rs/canvas");
  const task = pdfjs.getDocument({ data: pdf.slice(), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 });
  try {
    const doc = await task.promise;
    const page = await doc.getPage(pageIndex + 1);
    const base = page.getViewport({ scale: 1 });
    let scale = (cssWidth * 1.25) / base.width;
    if (base.width * base.height * scale * scale > MAX_PIXELS) scale = Math.sqrt(MAX_PIXELS / (base.width * base.height));
    const viewport = page.getViewport({ scale });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({ canvasContext: ctx as unknown as CanvasRenderingContext2D, viewport, canvas: canvas as unknown as HTMLCanvasElement }).promise;
    return { png: new Uint8Array(canvas.toBuffer("image/png")), width: canvas.width, height: canvas.height };
  } finally {
    await task.destroy();
  }
}
