import { deflateSync } from "node:zlib";

/** A minimal RGBA PNG encoder for test images (no library needed for solid shapes). */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Uint8Array {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0;
    for (let x = 0; x < width; x++) {
      const [r, g, b, a] = pixel(x, y);
      const o = y * (width * 4 + 1) + 1 + x * 4;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
      raw[o + 3] = a;
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk("IHDR", ihdr),
      chunk("IDAT", deflateSync(raw)),
      chunk("IEND", Buffer.alloc(0)),
    ]),
  );
}

let table: number[] | undefined;
function crc32(buf: Buffer): number {
  table ??= Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = 0xffffffff;
  for (const b of buf) c = table[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A blue handwritten-like stroke on a transparent background (3:1). */
export function signaturePng(): Uint8Array {
  const w = 300,
    h = 100;
  return encodePng(w, h, (x, y) => {
    const curve = 50 + 30 * Math.sin(x / 25);
    return Math.abs(y - curve) < 4 ? [20, 40, 200, 255] : [0, 0, 0, 0];
  });
}

/** A red seal: a ring and a star-ish centre on a transparent background. */
export function sealPng(): Uint8Array {
  const s = 240;
  return encodePng(s, s, (x, y) => {
    const d = Math.hypot(x - s / 2, y - s / 2);
    if ((d > 100 && d < 116) || (d > 80 && d < 86) || d < 18) return [220, 20, 20, 255];
    return [0, 0, 0, 0];
  });
}
