/** PAdES B-T: a signature-time-stamp from a real RFC 3161 authority (OpenSSL's) over the signature value. */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import * as pkijs from "pkijs";
import { signPdf } from "../../shared/sign/index.ts";
import { OID } from "../../shared/pki/cms-build.ts";
import { exactBytes } from "../../shared/bytes.ts";
import { officialDocumentPdf, TINOS } from "../support/documents.ts";
import { testIdentities, type TestIdentities } from "../support/identities.ts";
import { startTestTsa } from "../support/tsa.ts";
import { pdfsig, qpdfCheck } from "../support/tools.ts";

let ids: TestIdentities;
let tsa: Awaited<ReturnType<typeof startTestTsa>>;
let dir: string;

beforeAll(async () => {
  ids = await testIdentities();
  tsa = await startTestTsa(ids.ca);
  dir = mkdtempSync(join(tmpdir(), "vanthu-bt-"));
});
afterAll(() => tsa?.close());

function cmsOf(pdf: Uint8Array): pkijs.SignedData {
  const tail = Buffer.from(pdf).toString("latin1");
  const all = [...tail.matchAll(/\/Contents <([0-9A-F]+)>/g)];
  const hex = all.at(-1)![1]!;
  const der = Buffer.from(hex, "hex");
  const info = pkijs.ContentInfo.fromBER(new Uint8Array(der).buffer);
  return new pkijs.SignedData({ schema: info.content });
}

describe("B-T signatures", () => {
  it("embeds a time-stamp token whose imprint is the SHA-256 of the signature value", async () => {
    const base = await officialDocumentPdf();
    const { bytes } = await signPdf(base, { type: "attachment", docNumber: "12/UBND-VP", font: TINOS, signer: ids.organisationSigner, tsaUrl: tsa.url });
    expect(tsa.requests).toBeGreaterThan(0);
    const file = join(dir, "bt.pdf");
    writeFileSync(file, bytes);
    const sigs = await pdfsig(file);
    expect(sigs).toHaveLength(1);
    expect(sigs[0]!.valid).toBe(true);
    expect((await qpdfCheck(file)).ok).toBe(true);

    const sd = cmsOf(bytes);
    const si = sd.signerInfos[0]!;
    const attr = si.unsignedAttrs?.attributes.find((a) => a.type === OID.signatureTimeStampToken);
    expect(attr).toBeDefined();
    const token = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: attr!.values[0] }).content });
    const tst = pkijs.TSTInfo.fromBER(token.encapContentInfo.eContent!.getValue());
    const imprint = new Uint8Array(tst.messageImprint.hashedMessage.valueBlock.valueHexView);
    const expected = new Uint8Array(await crypto.subtle.digest("SHA-256", exactBytes(si.signature.valueBlock.valueHexView)));
    expect(Buffer.from(imprint).equals(Buffer.from(expected))).toBe(true);
    expect(Math.abs(tst.genTime.getTime() - Date.now())).toBeLessThan(10 * 60_000);
  });

  it("an unreachable authority fails the signing with a clear error and no output", async () => {
    const base = await officialDocumentPdf();
    await expect(
      signPdf(base, { type: "appendix", docNumber: "12/UBND-VP", font: TINOS, signer: ids.organisationSigner, tsaUrl: "http://127.0.0.1:9/tsa" }),
    ).rejects.toMatchObject({
      code: "TSA_FAILED",
    });
  });
});
