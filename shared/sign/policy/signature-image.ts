import * as upngModule from "@pdf-lib/upng";
import { VanthuError } from "../../errors.ts";
import { pngSize } from "../png.ts";

/**
 * Điều 13: the official's signature image is a PNG on a transparent background in ink
 * colour (blue, or red as some offices use), the seal a red PNG on a transparent background.
 * An opaque black scan pasted over the block hides the title and name and is no such image.
 * The PNG is decoded by UPNG (the decoder pdf-lib ships); this only counts pixels.
 */
// CommonJS in Node (the functions one or two `default`s deep), an ES module in Vite.
type Upng = { decode: typeof upngModule.decode; toRGBA8: typeof upngModule.toRGBA8 };
function upng(): Upng {
  let m: unknown = upngModule;
  for (let i = 0; i < 3 && m && typeof (m as Upng).decode !== "function"; i++) m = (m as { default?: unknown }).default;
  return m as Upng;
}
export type ImageRole = "signature" | "seal";

export interface InkSummary {
  /** Share of pixels that are (nearly) transparent. */
  transparentShare: number;
  /** Of the visible pixels: share blue, share red. */
  blueShare: number;
  redShare: number;
}

const MAX_SAMPLES = 250_000;

export function inkSummary(png: Uint8Array): InkSummary {
  if (!pngSize(png)) throw new VanthuError("BAD_IMAGE", "Ảnh không phải là tệp PNG hợp lệ", "image is not a valid PNG file");
  let img: ReturnType<Upng["decode"]>;
  let rgba: Uint8Array;
  try {
    img = upng().decode(new Uint8Array(png).buffer);
    rgba = new Uint8Array(upng().toRGBA8(img)[0]!);
  } catch (e) {
    throw new VanthuError("BAD_IMAGE", "Ảnh PNG bị hỏng hoặc không được hỗ trợ", `PNG could not be decoded: ${(e as Error).message}`, { cause: e });
  }
  const pixels = img.width * img.height;
  const step = Math.max(1, Math.floor(pixels / MAX_SAMPLES));
  let seen = 0;
  let transparent = 0;
  let visible = 0;
  let blue = 0;
  let red = 0;
  for (let p = 0; p < pixels; p += step) {
    seen++;
    const o = p * 4;
    const [r, g, b, a] = [rgba[o]!, rgba[o + 1]!, rgba[o + 2]!, rgba[o + 3]!];
    if (a < 32) {
      transparent++;
      continue;
    }
    if (a < 128) continue; // anti-aliased edges say nothing of the colour
    visible++;
    if (b >= r + 40 && b >= g + 20) blue++;
    else if (r >= g + 60 && r >= b + 40) red++;
  }
  return { transparentShare: seen ? transparent / seen : 0, blueShare: visible ? blue / visible : 0, redShare: visible ? red / visible : 0 };
}

export function signatureImageProblem(png: Uint8Array, role: ImageRole): VanthuError | undefined {
  let s: InkSummary;
  try {
    s = inkSummary(png);
  } catch (e) {
    if (e instanceof VanthuError) return e;
    throw e;
  }
  const what = role === "seal" ? "Ảnh con dấu" : "Ảnh chữ ký";
  if (s.transparentShare < 0.2) {
    return new VanthuError(
      "IMAGE_NOT_TRANSPARENT",
      `${what} phải là ảnh PNG nền trong suốt (Điều 13); ảnh này có nền đặc, sẽ che chức vụ và họ tên`,
      `${role} image has no transparent background (${Math.round(s.transparentShare * 100)}% transparent pixels)`,
    );
  }
  const ok = role === "seal" ? s.redShare >= 0.6 : s.blueShare + s.redShare >= 0.6;
  if (!ok) {
    return new VanthuError(
      "IMAGE_INK_COLOUR",
      role === "seal" ? "Ảnh con dấu phải có màu đỏ (Điều 13)" : "Ảnh chữ ký phải có màu mực xanh (hoặc đỏ) (Điều 13); ảnh này có màu khác",
      `${role} image ink is ${Math.round(s.blueShare * 100)}% blue, ${Math.round(s.redShare * 100)}% red`,
    );
  }
  return undefined;
}

export function assertSignatureImage(png: Uint8Array, role: ImageRole): void {
  const p = signatureImageProblem(png, role);
  if (p) throw p;
}
