import { foldVietnamese } from "./search-text.ts";

/**
 * R8 on the signature block itself (Nghị định 30/2020, Điều 8 and Phụ lục I): what the
 * title lines printed above the signature say about who may sign there.
 *
 *   CHỦ TỊCH                         the head signs directly
 *   KT. CHỦ TỊCH / PHÓ CHỦ TỊCH      a deputy signs in the head's place (ký thay)
 *   TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH   on behalf of the collective (thay mặt), then as above
 *   TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG   by order (thừa lệnh): the named unit head
 *   TUQ. CHỦ TỊCH / GIÁM ĐỐC …       by written authorisation (thừa ủy quyền)
 *   Q. CHỦ TỊCH                      the acting head (quyền)
 *
 * A deputy ("Phó …") signs only under KT.; whoever signs, the last title line is their own
 * and must be the certificate's title, the name under the signature the certificate's holder.
 */
export type BlockCapacity = "direct" | "TM." | "KT." | "TL." | "TUQ." | "Q.";

export interface ParsedSignatureBlock {
  /** The innermost capacity: KT., TL., TUQ. or Q. win over TM. */
  capacity: BlockCapacity;
  /** Every capacity prefix found, top first ("TM.", "KT."). */
  prefixes: BlockCapacity[];
  /** The title the signer holds, as printed (the last line, without its prefix). */
  ownTitle: string;
  /** The title of the one signed for ("CHỦ TỊCH" of "KT. CHỦ TỊCH"). */
  principal?: string;
}

const PREFIX = /^(TM|KT|TL|TUQ|Q)\s*\.\s*/iu;

export function parseSignatureBlockTitle(lines: readonly string[]): ParsedSignatureBlock | undefined {
  const clean = lines.map((l) => l.normalize("NFC").replace(/\s+/g, " ").trim()).filter(Boolean);
  if (clean.length === 0) return undefined;
  const prefixes: BlockCapacity[] = [];
  let principal: string | undefined;
  let last = "";
  for (const line of clean) {
    const m = PREFIX.exec(line);
    if (m) {
      const p = `${m[1]!.toUpperCase()}.` as BlockCapacity;
      prefixes.push(p);
      if (p !== "TM.") principal = line.slice(m[0].length).trim();
      last = line.slice(m[0].length).trim();
    } else {
      last = line;
    }
  }
  const inner = [...prefixes].reverse().find((p) => p !== "TM.");
  const capacity: BlockCapacity = inner ?? (prefixes.includes("TM.") ? "TM." : "direct");
  // "KT. CHỦ TỊCH" alone (no own-title line): the own title is not printed.
  const lastLine = clean[clean.length - 1]!;
  const ownTitle = PREFIX.test(lastLine) && capacity !== "TM." && capacity !== "Q." ? "" : last;
  return { capacity, prefixes, ownTitle, ...(principal ? { principal } : {}) };
}

function fold(s: string | undefined): string {
  return foldVietnamese(s ?? "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

export function sameTitle(a: string | undefined, b: string | undefined): boolean {
  return fold(a) !== "" && fold(a) === fold(b);
}

export function isDeputyTitle(title: string | undefined): boolean {
  return /^pho\b/.test(fold(title));
}

export interface BlockProblem {
  code: string;
  messageVi: string;
  messageEn: string;
}

/**
 * The block printed on the page against the certificate: name (CN) and title (2.5.4.12).
 * A certificate without a title attribute is judged on its name (and the inventory's title
 * when the caller passes one as `certificateTitle`).
 */
export function checkBlockAgainstCertificate(
  block: { titleLines: readonly string[]; name?: string },
  cert: { commonName: string; title?: string },
): BlockProblem[] {
  const problems: BlockProblem[] = [];
  const parsed = parseSignatureBlockTitle(block.titleLines);
  const printed = block.titleLines.join(" / ");
  if (block.name && fold(block.name) !== fold(cert.commonName)) {
    problems.push({
      code: "policy.r8-other-person",
      messageVi: `Khối chữ ký ghi tên "${block.name}", nhưng chứng thư số là của ${cert.commonName}: mỗi người ký bằng chứng thư số của chính mình.`,
      messageEn: `block names "${block.name}", certificate holder is "${cert.commonName}"`,
    });
  }
  if (!parsed) return problems;
  if (isDeputyTitle(cert.title) && parsed.capacity !== "KT.") {
    problems.push({
      code: "policy.r8-deputy-without-kt",
      messageVi: `Chứng thư số của ${cert.title} ${cert.commonName}: cấp phó chỉ được ký thay người đứng đầu dưới dòng "KT." (khối chữ ký đang ghi "${printed}").`,
      messageEn: `deputy certificate (${cert.title}) on a block without KT.: "${printed}"`,
    });
    return problems;
  }
  if (parsed.capacity === "Q.") {
    const acting = fold(cert.title).replace(/^(?:quyen|q) /, "");
    if (cert.title && acting !== fold(parsed.ownTitle) && !sameTitle(cert.title, parsed.ownTitle)) {
      problems.push({
        code: "policy.r8-other-title",
        messageVi: `Chức danh trên chứng thư số (${cert.title}) không phải "Q. ${parsed.ownTitle}".`,
        messageEn: `certificate title "${cert.title}" is not acting "${parsed.ownTitle}"`,
      });
    }
    return problems;
  }
  if (cert.title && parsed.ownTitle && !sameTitle(cert.title, parsed.ownTitle)) {
    problems.push({
      code: "policy.r8-other-title",
      messageVi: `Chức danh ghi ở khối chữ ký (${parsed.ownTitle}) khác chức danh trên chứng thư số (${cert.title}).`,
      messageEn: `block title "${parsed.ownTitle}" differs from certificate title "${cert.title}"`,
    });
  }
  if (cert.title && parsed.capacity === "KT." && !isDeputyTitle(cert.title) && !parsed.ownTitle) {
    problems.push({
      code: "policy.r8-kt-needs-deputy",
      messageVi: `Dòng "KT." dành cho cấp phó ký thay; chức danh trên chứng thư số là ${cert.title}.`,
      messageEn: `KT. block but certificate title "${cert.title}" is not a deputy's`,
    });
  }
  return problems;
}
