import { VanthuError } from "../errors.ts";

/** Where the placeholders of one signature dictionary sit in the file. */
export interface SignaturePlaceholder {
  /** Offset of '[' of /ByteRange and of the matching ']'. */
  byteRangeStart: number;
  byteRangeEnd: number;
  /** Offset of '<' and of '>' of /Contents. */
  contentsStart: number;
  contentsEnd: number;
}

const latin1 = new TextDecoder("latin1");

/**
 * Finds the placeholders of the signature dictionary `objectNumber` in the appended part of
 * the file (after `from`). Searching inside that object only — not the last "/ByteRange"
 * of the file — keeps a /ByteRange string planted elsewhere from being patched.
 */
export function findSignaturePlaceholder(bytes: Uint8Array, objectNumber: number, from: number): SignaturePlaceholder {
  const tail = latin1.decode(bytes.subarray(from));
  const head = new RegExp(`(?:^|[\\r\\n\\s])${objectNumber}\\s+0\\s+obj\\b`, "g");
  let m: RegExpExecArray | null;
  let objStart = -1;
  while ((m = head.exec(tail))) objStart = m.index;
  const fail = () => new VanthuError("PLACEHOLDER", "Lỗi nội bộ khi chuẩn bị chữ ký", `signature placeholder of object ${objectNumber} not found`);
  if (objStart < 0) throw fail();
  const objEnd = tail.indexOf("endobj", objStart);
  if (objEnd < 0) throw fail();
  const body = tail.slice(objStart, objEnd);
  const br = /\/ByteRange\s*\[/.exec(body);
  const ct = /\/Contents\s*</.exec(body);
  if (!br || !ct) throw fail();
  const byteRangeStart = from + objStart + br.index + br[0].length - 1;
  const byteRangeEnd = from + objStart + body.indexOf("]", br.index);
  const contentsStart = from + objStart + ct.index + ct[0].length - 1;
  const contentsEnd = from + objStart + body.indexOf(">", ct.index + ct[0].length);
  if (byteRangeEnd < byteRangeStart || contentsEnd < contentsStart) throw fail();
  return { byteRangeStart, byteRangeEnd, contentsStart, contentsEnd };
}

/** The two ranges signed: everything but the /Contents hex string, delimiters included. */
export function signedRanges(fileLength: number, p: SignaturePlaceholder): [number, number, number, number] {
  return [0, p.contentsStart, p.contentsEnd + 1, fileLength - (p.contentsEnd + 1)];
}

export function patchByteRange(bytes: Uint8Array, p: SignaturePlaceholder, range: [number, number, number, number]): void {
  const width = p.byteRangeEnd - p.byteRangeStart - 1;
  const text = range.join(" ");
  if (text.length > width) throw new VanthuError("PLACEHOLDER", "Lỗi nội bộ khi chuẩn bị chữ ký", "ByteRange does not fit its placeholder");
  const padded = text.padEnd(width, " ");
  for (let i = 0; i < width; i++) bytes[p.byteRangeStart + 1 + i] = padded.charCodeAt(i);
}

const HEX = "0123456789ABCDEF";

export function patchContents(bytes: Uint8Array, p: SignaturePlaceholder, cms: Uint8Array): void {
  const room = p.contentsEnd - p.contentsStart - 1;
  if (cms.length * 2 > room) {
    throw new VanthuError(
      "PLACEHOLDER_TOO_SMALL",
      "Chữ ký lớn hơn chỗ dành sẵn trong tệp",
      `CMS of ${cms.length} bytes does not fit ${room / 2} reserved bytes`,
    );
  }
  let o = p.contentsStart + 1;
  for (const b of cms) {
    bytes[o++] = HEX.charCodeAt(b >> 4);
    bytes[o++] = HEX.charCodeAt(b & 15);
  }
  // The rest stays '0': zero padding after a DER structure is what every verifier expects.
}
