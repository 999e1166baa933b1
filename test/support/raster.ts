import { readFileSync } from "node:fs";
import { tool } from "./tools.ts";

export interface Raster {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** Renders one page with poppler at 72 dpi (1 pixel = 1 point) as a PPM and reads it. */
export async function renderPage(pdfFile: string, page: number, outPrefix: string): Promise<Raster> {
  const r = await tool("pdftoppm", ["-r", "72", "-f", String(page), "-l", String(page), "-singlefile", pdfFile, outPrefix]);
  if (r.code !== 0) throw new Error(`pdftoppm failed: ${r.stderr}`);
  const data = readFileSync(`${outPrefix}.ppm`);
  // P6 header: magic, width, height, maxval, each separated by whitespace.
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(data.subarray(0, 64).toString("latin1"));
  if (!header) throw new Error("not a PPM");
  return { width: Number(header[1]), height: Number(header[2]), rgb: new Uint8Array(data.subarray(header[0].length)) };
}

/** Bounding box (in PDF points, origin bottom-left) of the pixels that match. */
export function boxOf(
  r: Raster,
  match: (red: number, green: number, blue: number) => boolean,
): { x: number; y: number; width: number; height: number } | undefined {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      const o = (y * r.width + x) * 3;
      if (match(r.rgb[o]!, r.rgb[o + 1]!, r.rgb[o + 2]!)) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  if (minX === Infinity) return undefined;
  return { x: minX, y: r.height - 1 - maxY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

export const isBlue = (r: number, g: number, b: number) => b > 150 && r < 100 && g < 120;
export const isRed = (r: number, g: number, b: number) => r > 170 && g < 90 && b < 90;
