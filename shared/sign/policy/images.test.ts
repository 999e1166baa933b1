import { describe, expect, it } from "vitest";
import { encodePng, sealPng, signaturePng } from "../../../test/support/png.ts";
import { signatureImageProblem } from "./signature-image.ts";
import { assertSealOnPage } from "./seal-on-page.ts";

describe("signature and seal images (Điều 13)", () => {
  it("accepts a blue signature and a red seal on transparent backgrounds", () => {
    expect(signatureImageProblem(signaturePng(), "signature")).toBeUndefined();
    expect(signatureImageProblem(sealPng(), "seal")).toBeUndefined();
  });
  it("refuses an opaque image, a black signature, a blue seal", () => {
    const opaqueBlack = encodePng(60, 20, () => [0, 0, 0, 255]);
    expect(signatureImageProblem(opaqueBlack, "signature")?.code).toBe("IMAGE_NOT_TRANSPARENT");
    const blackInk = encodePng(60, 20, (x, y) => (Math.abs(y - 10) < 2 ? [10, 10, 10, 255] : [0, 0, 0, 0]));
    expect(signatureImageProblem(blackInk, "signature")?.code).toBe("IMAGE_INK_COLOUR");
    expect(signatureImageProblem(signaturePng(), "seal")?.code).toBe("IMAGE_INK_COLOUR");
    expect(signatureImageProblem(new Uint8Array([1, 2, 3]), "signature")?.code).toBe("BAD_IMAGE");
  });
  it("keeps the seal whole on the page", () => {
    const page = { width: 612, height: 792 };
    expect(() => assertSealOnPage({ x: 10, y: 100, width: 102, height: 102 }, page, 1)).not.toThrow();
    expect(() => assertSealOnPage({ x: -29.6, y: 100, width: 102, height: 102 }, page, 1)).toThrow(
      expect.objectContaining({ code: "SEAL_OFF_PAGE", messageVi: expect.stringMatching(/--page và --rect/) }),
    );
  });
});
