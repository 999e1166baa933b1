/**
 * Điều 13.2.b from the rendered page: the seal, at its real size, overlaps about one third
 * of the signer's signature image, on its left. Judged from poppler's pixels, not from the
 * rectangles the engine meant to draw.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { signPdf } from "../../shared/sign/index.ts";
import { POINTS_PER_MM } from "../../shared/sign/layout.ts";
import { officialDocumentPdf } from "../support/documents.ts";
import { testIdentities, type TestIdentities } from "../support/identities.ts";
import { signaturePng, sealPng } from "../support/png.ts";
import { boxOf, isBlue, isRed, renderPage } from "../support/raster.ts";

let ids: TestIdentities;
let dir: string;

beforeAll(async () => {
  ids = await testIdentities();
  dir = mkdtempSync(join(tmpdir(), "vanthu-pixels-"));
});

describe("signer then issuer, as rendered by pdftoppm", () => {
  it.each([
    { title: ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], sealMm: 36 },
    { title: ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], sealMm: 40 },
  ])("the seal overlaps the left third of the signature ($title.1, $sealMm mm)", async ({ title, sealMm }) => {
    const base = await officialDocumentPdf({ title });
    const signed = await signPdf(base, { type: "signer", signer: ids.officialSigner, image: signaturePng() });
    const sealed = await signPdf(signed.bytes, { type: "issuer", signer: ids.organisationSigner, image: sealPng(), sealMm });
    writeFileSync(join(dir, "signed.pdf"), signed.bytes);
    writeFileSync(join(dir, "sealed.pdf"), sealed.bytes);

    const sig = boxOf(await renderPage(join(dir, "signed.pdf"), 1, join(dir, "signed")), isBlue);
    const seal = boxOf(await renderPage(join(dir, "sealed.pdf"), 1, join(dir, "sealed")), isRed);
    expect(sig, "the signature image is visible").toBeDefined();
    expect(seal, "the seal is visible").toBeDefined();

    // The signature sits between the title line and the name (title at y≈300-16k, name at y=160).
    expect(sig!.y).toBeGreaterThan(170);
    expect(sig!.y + sig!.height).toBeLessThan(300 - (title.length - 1) * 16);

    // Real size: the seal image's outer ring spans 232 of its 240 pixels.
    const expected = sealMm * POINTS_PER_MM * (232 / 240);
    expect(Math.abs(seal!.width - expected)).toBeLessThan(3);

    // On the left, overlapping about one third of the signature.
    expect(seal!.x).toBeLessThan(sig!.x);
    const overlap = seal!.x + seal!.width - sig!.x;
    expect(overlap / sig!.width).toBeGreaterThan(0.25);
    expect(overlap / sig!.width).toBeLessThan(0.42);
    // And at the same height.
    const sealCentre = seal!.y + seal!.height / 2;
    expect(sealCentre).toBeGreaterThan(sig!.y - 5);
    expect(sealCentre).toBeLessThan(sig!.y + sig!.height + 5);
  });
});
