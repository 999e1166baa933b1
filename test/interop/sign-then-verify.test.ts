/**
 * Our own signatures through our own verifier: every Điều 13 sequence a clerk performs must
 * leave each earlier signature TOTAL_PASSED with only allowed changes after it — in
 * particular a copy (R3) of an already signed original, whose text block must then not touch
 * page content.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { signPdf, type SignPdfResult } from "../../shared/sign/index.ts";
import { verifyPdf } from "../../shared/verify/index.ts";
import { officialDocumentPdf, TINOS } from "../support/documents.ts";
import { testIdentities, type TestIdentities } from "../support/identities.ts";
import { signaturePng, sealPng } from "../support/png.ts";

let ids: TestIdentities;
let base: Uint8Array;

beforeAll(async () => {
  ids = await testIdentities();
  base = await officialDocumentPdf();
});

async function report(bytes: Uint8Array) {
  const crl = await ids.ca.crl([]);
  const rootCrl = await ids.root.crl([]);
  return verifyPdf(bytes, { trustAnchors: [ids.root.certificate], crls: [new Uint8Array(crl.rawData), new Uint8Array(rootCrl.rawData)] });
}

describe("signed by us, judged by us", () => {
  it("signer → issuer → copy → appendix: every signature passes, every later change allowed", async () => {
    const steps: SignPdfResult[] = [];
    let b = base;
    for (const o of [
      { type: "signer" as const, image: signaturePng(), signer: ids.officialSigner },
      { type: "issuer" as const, image: sealPng(), signer: ids.organisationSigner },
      { type: "copy" as const, copyForm: "sao y", org: "Ủy ban nhân dân phường Lê Chân", font: TINOS, signer: ids.organisationSigner },
      { type: "appendix" as const, docNumber: "125/UBND-VP", font: TINOS, signer: ids.organisationSigner },
    ]) {
      const r = await signPdf(b, o);
      steps.push(r);
      b = r.bytes;
    }
    const rep = await report(b);
    expect(rep.signatures).toHaveLength(4);
    for (const s of rep.signatures) {
      expect(s.indication, `${s.field}: ${JSON.stringify(s.subIndication)}`).toBe("TOTAL_PASSED");
      expect(["none", "allowed"]).toContain(s.modifiedAfter);
    }
    expect(rep.status).toBe("valid");
    // The two text blocks on page 1 do not cover each other.
    const [copy, appendix] = [steps[2]!.textBlock!, steps[3]!.textBlock!];
    const overlap =
      copy.x < appendix.x + appendix.width && appendix.x < copy.x + copy.width && copy.y < appendix.y + appendix.height && appendix.y < copy.y + copy.height;
    expect(overlap).toBe(false);
  });

  it("a copy of an unsigned original is valid too (its block is in the signed page content)", async () => {
    const r = await signPdf(base, { type: "copy", copyForm: "trích sao", org: "Ủy ban nhân dân xã An Hưng", font: TINOS, signer: ids.organisationSigner });
    const rep = await report(r.bytes);
    expect(rep.status).toBe("valid");
    expect(r.rect.width).toBe(0);
  });
});
