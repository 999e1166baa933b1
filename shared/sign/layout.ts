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
        (t) =>
          !block.includes(t) &&
          t.box.y > top.box.y &&
          t.box.y - (top.box.y + top.box.height) < top.fontSize * 1.6 &&
          Math.abs(centreX(t.box) - centreX(top.box)) < Math.max(t.box.width, top.box.width) / 2,
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

/** One character on a page, as text extraction gives it. */
export interface PageChar {
  char: string;
  box: Box;
  fontSize: number;
  baseline: number;
}

/** Where a short text goes on a baseline: from x, ending at xRight, or centred on xCentre. */
export interface TextAnchor {
  x?: number;
  xRight?: number;
  xCentre?: number;
  baseline: number;
  fontSize: number;
}

/** The blanks a draft leaves for the number and the date of issue. */
export interface IssueBlanks {
  number?: TextAnchor;
  day?: TextAnchor;
  month?: TextAnchor;
  year?: TextAnchor;
}

function charLines(chars: PageChar[]): PageChar[][] {
  const sorted = [...chars].sort((a, b) => b.baseline - a.baseline || a.box.x - b.box.x);
  const out: PageChar[][] = [];
  for (const c of sorted) {
    const line = out.at(-1);
    if (line && Math.abs(line[0]!.baseline - c.baseline) < Math.max(2, c.fontSize * 0.3)) line.push(c);
    else out.push([c]);
  }
  return out.map((l) => l.sort((a, b) => a.box.x - b.box.x));
}

/**
 * The blanks of a draft (Nghị định 30/2020 Phụ lục I): the number in "Số:    /UBND-VP", and
 * the day, month (and the year when blank) in "…, ngày    tháng    năm 2026". Found from the
 * characters' positions, top of the page first.
 */
export function findIssueBlanks(chars: PageChar[]): IssueBlanks {
  const out: IssueBlanks = {};
  for (const line of charLines(chars)) {
    const text = line.map((c) => c.char).join("");
    // Extraction gives one character per glyph; a line whose text does not map one to one is skipped.
    if ([...text].length !== line.length) continue;
    const at = (i: number) => line[i]!;
    if (!out.number) {
      const m = /Số\s*:/u.exec(text);
      if (m) {
        const colon = m.index + m[0].length - 1;
        let j = colon + 1;
        while (j < line.length && /\s/.test(at(j).char)) j++;
        const { fontSize, baseline } = at(colon);
        const blankStart = at(colon).box.x + at(colon).box.width;
        if (j < line.length && at(j).char === "/" && at(j).box.x - blankStart > fontSize)
          out.number = { xRight: at(j).box.x - fontSize * 0.15, baseline, fontSize };
        else if (j >= line.length) out.number = { x: blankStart + fontSize * 0.3, baseline, fontSize };
      }
    }
    if (!out.day) {
      const m = /ngày(\s+)tháng(\s+)năm(\s*)(\d{4})?/u.exec(text);
      if (m) {
        const dayEnd = m.index + 4;
        const monthStart = dayEnd + m[1]!.length;
        const yearWordStart = monthStart + 5 + m[2]!.length;
        const { fontSize, baseline } = at(m.index);
        const gapCentre = (endExclusive: number, next: number) => (at(endExclusive - 1).box.x + at(endExclusive - 1).box.width + at(next).box.x) / 2;
        out.day = { xCentre: gapCentre(dayEnd, monthStart), baseline, fontSize };
        out.month = { xCentre: gapCentre(monthStart + 5, yearWordStart), baseline, fontSize };
        if (!m[4]) out.year = { x: at(yearWordStart + 2).box.x + at(yearWordStart + 2).box.width + fontSize * 0.3, baseline, fontSize };
      }
    }
    if (out.number && out.day) break;
  }
  return out;
}

/**
 * What page 1 prints as the number and date of issue once the blanks are filled:
 * "Số: 01/UBND-VP" and "ngày 30 tháng 11 năm 2026" (yyyy-mm-dd). Read from the characters'
 * positions, so spaces the extraction leaves out do not matter. Absent when not printed.
 */
export function readPrintedIssue(chars: PageChar[]): { numberAndSymbol?: string; issueDate?: string } {
  const out: { numberAndSymbol?: string; issueDate?: string } = {};
  for (const line of charLines(chars)) {
    // The filled-in digits lie over the blank's spaces: in x order they interleave.
    const text = line
      .map((c) => c.char)
      .join("")
      .normalize("NFC")
      .replace(/(\d)\s+(?=\d)/gu, "$1");
    if (!out.numberAndSymbol) {
      const m = /Số\s*:\s*(\d{1,6})\s*\/\s*([\p{L}\p{N}][\p{L}\p{N}.-]*)/u.exec(text);
      if (m) out.numberAndSymbol = `${m[1]}/${m[2]}`;
    }
    if (!out.issueDate) {
      const m = /ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})/u.exec(text);
      if (m) out.issueDate = `${m[3]}-${m[2]!.padStart(2, "0")}-${m[1]!.padStart(2, "0")}`;
    }
    if (out.numberAndSymbol && out.issueDate) break;
  }
  return out;
}

/** Day and month as Nghị định 30/2020 writes them: a leading 0 for days below 10 and for months 1 and 2. */
export function issueDateParts(d: Date): { day: string; month: string; year: string } {
  const v = new Date(d.getTime() + 7 * 3600_000);
  const day = v.getUTCDate();
  const month = v.getUTCMonth() + 1;
  return { day: day < 10 ? `0${day}` : String(day), month: month <= 2 ? `0${month}` : String(month), year: String(v.getUTCFullYear()) };
}

/** Numbers below 10 take a leading 0 (Nghị định 30/2020 Phụ lục I). */
export function formatIssueNumber(n: string): string {
  const t = n.trim();
  return /^\d$/.test(t) ? `0${t}` : t;
}
