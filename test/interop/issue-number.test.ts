/**
 * The number and date of issue, written into the draft's blanks in the revision the official
 * signs (so that no later page change touches a signed document): poppler reads them back,
 * pdfsig and our verifier find the signatures valid.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { signPdf } from "../../shared/sign/index.ts";
import { findIssueBlanks, formatIssueNumber, issueDateParts } from "../../shared/sign/layout.ts";
import { printedIssueMismatch, printedIssueOf } from "../../shared/sign/printed-issue.ts";
import { verifyPdf } from "../../shared/verify/index.ts";
import { officialDocumentPdf, TINOS } from "../support/documents.ts";
import { testIdentities, type TestIdentities } from "../support/identities.ts";
import { signaturePng, sealPng } from "../support/png.ts";
import { pdfsig, qpdfCheck, tool } from "../support/tools.ts";

let ids: TestIdentities;
let dir: string;

beforeAll(async () => {
  ids = await testIdentities();
  dir = mkdtempSync(join(tmpdir(), "vanthu-issue-"));
});

describe("number and date of issue", () => {
  it("are written at the official's signature; the seal follows; all valid", async () => {
    const draft = await officialDocumentPdf({ draft: true });
    const signed = await signPdf(draft, {
      type: "signer",
      image: signaturePng(),
      signer: ids.officialSigner,
      issueNumber: "7",
      issueDate: new Date("2026-02-03T03:00:00Z"),
      font: TINOS,
    });
    const issued = await signPdf(signed.bytes, { type: "issuer", image: sealPng(), signer: ids.organisationSigner });
    const file = join(dir, "issued.pdf");
    writeFileSync(file, issued.bytes);
    const text = (await tool("pdftotext", ["-f", "1", "-l", "1", "-layout", file, "-"])).stdout.normalize("NFC");
    expect(text).toMatch(/Số:\s*07\s*\/UBND-VP/);
    expect(text).toMatch(/ngày\s+03\s+tháng\s+02\s+năm 2026/);
    const sigs = await pdfsig(file);
    expect(sigs.map((s) => s.valid)).toEqual([true, true]);
    expect((await qpdfCheck(file)).ok).toBe(true);
    const rep = await verifyPdf(issued.bytes, {
      trustAnchors: [ids.root.certificate],
      crls: [new Uint8Array((await ids.ca.crl([])).rawData), new Uint8Array((await ids.root.crl([])).rawData)],
    });
    expect(rep.status).toBe("valid");
    // What the PDF prints is read back and held against the register.
    const printed = await printedIssueOf(issued.bytes);
    expect(printed).toEqual({ numberAndSymbol: "07/UBND-VP", issueDate: "2026-02-03" });
    expect(printedIssueMismatch(printed, { numberAndSymbol: "07/UBND-VP", issueDate: "2026-02-03" })).toBeUndefined();
    expect(printedIssueMismatch(printed, { numberAndSymbol: "125/UBND-VP", issueDate: "2026-02-03" })).toContain("125/UBND-VP");
    expect(printedIssueMismatch(printed, { numberAndSymbol: "07/UBND-VP", issueDate: "2026-11-20" })).toContain("20/11/2026");
    expect(printedIssueMismatch(await printedIssueOf(draft), { numberAndSymbol: "07/UBND-VP", issueDate: "2026-02-03" })).toContain("Không đọc được");
  });

  it("are refused once the document carries a signature (they would change a signed page)", async () => {
    const draft = await officialDocumentPdf({ draft: true });
    const first = await signPdf(draft, { type: "signer", image: signaturePng(), signer: ids.officialSigner });
    await expect(
      signPdf(first.bytes, { type: "signer", image: signaturePng(), signer: ids.officialSigner, issueNumber: "8", font: TINOS }),
    ).rejects.toMatchObject({ code: "ISSUE_AFTER_SIGNATURE" });
  });

  it("a document without a number blank is refused with a clear message", async () => {
    const numbered = await officialDocumentPdf();
    await expect(signPdf(numbered, { type: "signer", image: signaturePng(), signer: ids.officialSigner, issueNumber: "9", font: TINOS })).rejects.toMatchObject(
      { code: "NO_NUMBER_BLANK" },
    );
  });

  it("formats as the decree writes: 07, ngày 03 tháng 02, tháng 11", () => {
    expect(formatIssueNumber("7")).toBe("07");
    expect(formatIssueNumber("125")).toBe("125");
    expect(issueDateParts(new Date("2026-02-03T03:00:00Z"))).toEqual({ day: "03", month: "02", year: "2026" });
    expect(issueDateParts(new Date("2026-11-24T20:00:00Z"))).toEqual({ day: "25", month: "11", year: "2026" });
  });

  it("finds the blanks from character positions", () => {
    const chars = (text: string, x0: number, baseline: number) =>
      [...text].map((char, i) => ({ char, box: { x: x0 + i * 6, y: baseline - 2, width: 6, height: 12 }, fontSize: 12, baseline }));
    const b = findIssueBlanks([...chars("Số:        /UBND-VP", 70, 735), ...chars("Hồng Bàng, ngày      tháng      năm", 300, 735)]);
    expect(b.number?.xRight).toBeCloseTo(70 + 11 * 6 - 1.8, 5); // "/" is the 12th character
    expect(b.day?.xCentre).toBeGreaterThan(300 + 15 * 6);
    expect(b.year).toBeDefined();
  });
});
