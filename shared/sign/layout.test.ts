import { describe, it, expect } from "vitest";
import { findSignatureBlock, isTitleText, sealBox, signatureImageBox, topRightTextBox, POINTS_PER_MM, type TextSegment } from "./layout.ts";

const seg = (text: string, x: number, y: number, width = text.length * 7, fontSize = 13): TextSegment => ({
  text,
  box: { x, y, width, height: fontSize * 0.8 },
  fontSize,
});

describe("isTitleText", () => {
  it.each(["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "GIÁM ĐỐC", "Q. CHỦ TỊCH"])(
    "%s is a title",
    (t) => {
      expect(isTitleText(t)).toBe(true);
    },
  );
  it.each(["Chủ tịch Ủy ban nhân dân phường đề nghị", "Nơi nhận:", "Nguyễn Văn An", "CHỦ ĐỀ"])("%s is not", (t) => {
    expect(isTitleText(t)).toBe(false);
  });
  it("accepts decomposed Unicode (NFD) as PDFs sometimes carry it", () => {
    expect(isTitleText("KT. CHỦ TỊCH".normalize("NFD"))).toBe(true);
  });
});

describe("findSignatureBlock", () => {
  it("finds a two-line title and the name below it, ignoring the left column", () => {
    const block = findSignatureBlock([
      seg("Nơi nhận:", 70, 300),
      seg("- Như trên;", 70, 285),
      seg("KT. CHỦ TỊCH", 400, 300),
      seg("PHÓ CHỦ TỊCH", 400, 284),
      seg("Nguyễn Văn An", 405, 160),
    ]);
    expect(block?.title.map((t) => t.text)).toEqual(["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]);
    expect(block?.name.text).toBe("Nguyễn Văn An");
  });

  it("ignores a title mentioned in the body, far from any name gap", () => {
    const block = findSignatureBlock([
      seg("CHỦ TỊCH", 70, 600),
      seg("có trách nhiệm thi hành.", 70, 590),
      seg("TM. ỦY BAN NHÂN DÂN", 380, 300),
      seg("CHỦ TỊCH", 420, 284),
      seg("Trần Thị Bình", 410, 170),
    ]);
    expect(block?.title.map((t) => t.text)).toEqual(["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]);
  });

  it("returns nothing when there is no room between title and name", () => {
    expect(findSignatureBlock([seg("CHỦ TỊCH", 400, 300), seg("Nguyễn Văn An", 400, 288)])).toBeUndefined();
  });

  it("returns nothing on a page without a signature block", () => {
    expect(findSignatureBlock([seg("Nội dung", 70, 600)])).toBeUndefined();
  });
});

describe("boxes", () => {
  it("places the signature between title and name, centred on the title column", () => {
    const block = findSignatureBlock([seg("CHỦ TỊCH", 400, 300, 60), seg("Nguyễn Văn An", 395, 160, 80)])!;
    const box = signatureImageBox(block, 3);
    expect(box.y).toBeGreaterThan(160 + 10);
    expect(box.y + box.height).toBeLessThan(300);
    expect(box.x + box.width / 2).toBeCloseTo(430, 5);
    expect(box.width / box.height).toBeCloseTo(3, 5);
  });

  it("the seal is its real size and overlaps the left third of the signature", () => {
    const sig = { x: 400, y: 200, width: 120, height: 40 };
    const seal = sealBox(sig, 36);
    expect(seal.width).toBeCloseTo(36 * POINTS_PER_MM, 5);
    expect(seal.x + seal.width).toBeCloseTo(440, 5);
    expect(seal.y + seal.height / 2).toBeCloseTo(220, 5);
  });

  it("the text block sits at the top right of the page", () => {
    const b = topRightTextBox({ width: 595, height: 842 }, 120, 3, 10);
    expect(b.x + b.width).toBeLessThan(595);
    expect(b.x + b.width).toBeGreaterThan(595 - 20 * POINTS_PER_MM);
    expect(b.y + b.height).toBeLessThanOrEqual(842);
    expect(b.y).toBeGreaterThan(842 - 25 * POINTS_PER_MM);
  });
});
