import { describe, expect, it } from "vitest";
import { DemoCertificationAuthority } from "../../pki/demo-ca.ts";
import { addToInventory, expiryWarnings, fromBase64, inventoryEntryFromCertificate } from "./inventory.ts";

describe("inventory (R19)", () => {
  it("reads holder, title, organisation, serial and validity from a certificate, DER or PEM", async () => {
    const ca = await DemoCertificationAuthority.create({ commonName: "Demo CA — thử nghiệm" });
    const person = await ca.issue({
      commonName: "Nguyễn Văn An",
      title: "Phó Chủ tịch",
      organization: "UBND phường Hồng Bàng",
      organizationalUnit: "Văn phòng HĐND và UBND",
      email: "nvan@haiphong.gov.vn",
      notBefore: new Date("2025-01-01T00:00:00Z"),
      notAfter: new Date("2026-12-15T00:00:00Z"),
    });
    const der = new Uint8Array(person.certificate.rawData);
    const e = await inventoryEntryFromCertificate(der, { officeId: "o1", source: "token", tokenId: "TK-001", addedAt: "2026-11-25T09:00:00+07:00" });
    expect(e).toMatchObject({
      holderKind: "person",
      holder: "Nguyễn Văn An",
      title: "Phó Chủ tịch",
      organisation: "Văn phòng HĐND và UBND, UBND phường Hồng Bàng",
      email: "nvan@haiphong.gov.vn",
      serialNumber: person.certificate.serialNumber.toUpperCase(),
      issuer: "Demo CA — thử nghiệm",
      notBefore: "2025-01-01T00:00:00.000Z",
      notAfter: "2026-12-15T00:00:00.000Z",
      tokenId: "TK-001",
    });
    expect(e.id).toMatch(/^[0-9a-f]{64}$/);
    expect(fromBase64(e.certificateBase64)).toEqual(der);
    const pem = new TextEncoder().encode(person.certificate.toString("pem"));
    expect((await inventoryEntryFromCertificate(pem, { officeId: "o1", source: "file", addedAt: "x" })).id).toBe(e.id);

    const org = await ca.issue({
      commonName: "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG",
      organization: "UBND thành phố Hải Phòng",
      notAfter: new Date("2027-06-01T00:00:00Z"),
    });
    const o = await inventoryEntryFromCertificate(new Uint8Array(org.certificate.rawData), { officeId: "o1", source: "token", addedAt: "x" });
    expect(o.holderKind).toBe("organisation");
    expect(o.title).toBeUndefined();

    let inv = addToInventory([], e);
    inv = addToInventory(inv, o);
    expect(() => addToInventory(inv, e)).toThrow(/already in the inventory/);
    const warnings = expiryWarnings(inv, "2026-11-25T03:00:00Z");
    expect(warnings.map((w) => [w.entry.holder, w.status.status, w.status.daysLeft])).toEqual([["Nguyễn Văn An", "expiring", 20]]);
  });

  it("refuses a file that is not a certificate", async () => {
    await expect(
      inventoryEntryFromCertificate(new TextEncoder().encode("không phải chứng thư"), { officeId: "o1", source: "file", addedAt: "x" }),
    ).rejects.toMatchObject({
      code: "certificate.unreadable",
      messageVi: "Tệp không phải là chứng thư số (X.509, DER hoặc PEM).",
    });
  });
});
