/**
 * Where the Điều 13 appearances go on a page. Pure geometry over text positions, so each
 * rule is tested without a PDF. Coordinates are PDF user space: points, origin bottom-left.
 */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A run of text on one baseline, split from its neighbours by a wide gap. */
export interface TextSegment {
  text: string;
  box: Box;
  fontSize: number;
}

/**
 * Titles (chức vụ) that open the signature block of an administrative document
 * (Nghị định 30/2020, Phụ lục I, mục "Chức vụ, họ tên và chữ ký của người có thẩm quyền"):
 * the authority line "TM." / "KT." / "TL." / "TUQ." / "Q." and the title itself, in capitals.
 */
const TITLE_PATTERN =
  /^(?:(?:TM|KT|TL|TUQ|Q)\.\s*)?(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|TRƯỞNG\s+(?:BAN|PHÒNG|CÔNG\s+AN|ĐOÀN)|CHÁNH\s+VĂN\s+PHÒNG|BÍ\s+THƯ|THỦ\s+TRƯỞNG|ỦY\s+BAN\s+NHÂN\s+DÂN|HỘI\s+ĐỒNG\s+NHÂN\s+DÂN|CỤC\s+TRƯỞNG|VỤ\s+TRƯỞNG|TỔNG\s+CỤC\s+TRƯỞNG|BỘ\s+TRƯỞNG|THỨ\s+TRƯỞNG|CHỦ\s+NHIỆM|KẾ\s+TOÁN\s+TRƯỞNG|NGƯỜI\s+KÝ)\b/u;

export function isTitleText(text: string): boolean {
  const t = text.normalize("NFC").trim().replace(/\s+/g, " ");
  if (!TITLE_PATTERN.test(t)) return false;
  // A title line is in capitals; a sentence that merely mentions "Chủ tịch" is not.
  return t === t.toLocaleUpperCase("vi");
}

function overlapX(a: Box, b: Box): number {
  return Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
}

function centreX(b: Box): number {
  return b.x + b.width / 2;
}

export interface SignatureBlock {
  /** The title lines (one or two: "KT. CHỦ TỊCH" over "PHÓ CHỦ TỊCH"), top first. */
  title: TextSegment[];
  /** The signer's name under the space left for the signature. */
  name: TextSegment;
}

/**
 * Finds the signature block: the lowest title on the page whose column, further down,
 * holds a line of text that is not itself a title (the signer's name). The space between
 * them is where the handwritten signature goes.
 */
export function findSignatureBlock(segments: TextSegment[]): SignatureBlock | undefined {
  const titles = segments.filter((s) => isTitleText(s.text)).sort((a, b) => a.box.y - b.box.y);
  for (const lowest of titles) {
    // Title lines directly above (same column, within two line heights) belong to the block.
    const block = [lowest];
    for (;;) {
      const top = block[0]!;
      const above = titles.find(
        (t) => !block.includes(t) && t.box.y > top.box.y && t.box.y - (top.box.y + top.box.height) < top.fontSize * 1.6 && Math.abs(centreX(t.box) - centreX(top.box)) < Math.max(t.box.width, top.box.width) / 2,
      );
      if (!above) break;
      block.unshift(above);
    }
    if (titles.some((t) => t.box.y < lowest.box.y && overlapX(t.box, lowest.box) > 0 && !block.includes(t))) continue;
    const below = segments
      .filter((s) => s.box.y + s.box.height <= lowest.box.y + 0.5 && !isTitleText(s.text) && s.text.trim().length > 1)
      .filter((s) => Math.abs(centreX(s.box) - centreX(lowest.box)) < Math.max(lowest.box.width, s.box.width) * 0.75)
      .sort((a, b) => b.box.y - a.box.y);
    const name = below[0];
    if (name && lowest.box.y - (name.box.y + name.box.height) >= lowest.fontSize * 1.5) return { title: block, name };
  }
  return undefined;
}

/**
 * The signature image's box: centred on the title column, centred vertically in the space
 * between the title and the name, keeping the image's aspect ratio, with a small margin.
 */
export function signatureImageBox(block: SignatureBlock, imageAspect: number): Box {
  const lowestTitle = block.title[block.title.length - 1]!;
  const top = lowestTitle.box.y - lowestTitle.fontSize * 0.3;
  const bottom = block.name.box.y + block.name.box.height + block.name.fontSize * 0.3;
  const cx = centreX({
    x: Math.min(...block.title.map((t) => t.box.x)),
    y: 0,
    width: Math.max(...block.title.map((t) => t.box.x + t.box.width)) - Math.min(...block.title.map((t) => t.box.x)),
    height: 0,
  });
  const maxHeight = Math.max(10, top - bottom);
  const maxWidth = Math.max(...block.title.map((t) => t.box.width), block.name.box.width) * 1.4;
  let height = Math.min(maxHeight, 80);
  let width = height * imageAspect;
  if (width > maxWidth) {
    width = maxWidth;
    height = width / imageAspect;
  }
  return { x: cx - width / 2, y: bottom + (top - bottom - height) / 2, width, height };
}

export const POINTS_PER_MM = 72 / 25.4;

/**
 * The seal (dấu) at its real size, overlapping about one third of the signature image on
 * its left side (Điều 13.2.b): the seal's right edge falls one third into the signature,
 * and the two are centred on the same horizontal line.
 */
export function sealBox(signatureBox: Box, sealMm: number, sealAspect = 1): Box {
  const height = sealMm * POINTS_PER_MM;
  const width = height * sealAspect;
  const right = signatureBox.x + signatureBox.width / 3;
  const cy = signatureBox.y + signatureBox.height / 2;
  return { x: right - width, y: cy - height / 2, width, height };
}

/** The text block of copies, attachments and appendices: top right of page 1. */
export function topRightTextBox(page: { width: number; height: number }, textWidth: number, lineCount: number, fontSize: number): Box {
  const margin = 15 * POINTS_PER_MM;
  // In the top margin (Nghị định 30/2020: 20–25 mm), above the national motto.
  const top = 5 * POINTS_PER_MM;
  const lineHeight = fontSize * 1.2;
  const width = textWidth + 4;
  const height = lineCount * lineHeight + 4;
  return { x: page.width - margin - width, y: page.height - top - height, width, height };
}
