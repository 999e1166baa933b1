import { describe, expect, it } from "vitest";
import { verifyPdf } from "../../shared/verify/index.ts";
import { demoPki, documentPdf, signedDocument } from "../e2e/helpers.ts";

/**
 * Điều 13 (R2): the organisation's seal is stamped over a third of the official's signature,
 * so it covers part of the block's title or name. That is the regulation's layout, not the
 * Sneaky Signature Attack (a later signature painting over the body), and must verify valid.
 */
describe("a seal stamped over the official's signature (R2)", () => {
  const letter = () =>
    documentPdf({
      issuer: "UBND phường Hồng Bàng",
      number: "07/QĐ-UBND",
      title: "Quyết định",
      summary: "Về việc thử",
      body: "Nội dung quyết định.",
      signerTitle: "Chủ tịch",
      signerName: "Nguyễn Văn Thử",
    });

  it("is valid even though the seal covers the block's title", async () => {
    const pki = await demoPki("http://127.0.0.1:9/ca.crl", "Ủy ban nhân dân phường Hồng Bàng", { name: "Nguyễn Văn Thử", title: "Chủ tịch" });
    const signed = await signedDocument(pki, await letter());
    const report = await verifyPdf(signed, { trustAnchors: [pki.ca.certificate], crls: [pki.crlDer] });
    expect(report.signatures).toHaveLength(2);
    for (const s of report.signatures) expect(s.changes.disallowed).toEqual([]);
    expect(report.status).toBe("valid");
  });
});
