import { describe, it, expect, beforeAll } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { openPkcs12 } from "./pkcs12.ts";
import { testIdentities, writePkcs12, type TestIdentities } from "../../test/support/identities.ts";

let ids: TestIdentities;
let p12: Uint8Array;

beforeAll(async () => {
  ids = await testIdentities();
  const dir = mkdtempSync(join(tmpdir(), "vanthu-p12-"));
  p12 = new Uint8Array(readFileSync(await writePkcs12(ids.official, dir, "a", "Mật khẩu")));
});

describe("openPkcs12 (files written by OpenSSL 3)", () => {
  it("returns the key, its certificate, and the chain ordered upward", async () => {
    const c = await openPkcs12(p12, "Mật khẩu");
    expect(c.certificate.subject).toContain("Nguyễn Văn An");
    expect(c.chain.map((x) => x.subject)).toEqual([ids.ca.certificate.subject, ids.root.certificate.subject]);
    expect(c.privateKey.type).toBe("private");
  });
  it("says the password is wrong", async () => {
    await expect(openPkcs12(p12, "sai")).rejects.toMatchObject({ code: "P12_BAD_PASSWORD" });
  });
  it("says a file is not PKCS#12", async () => {
    await expect(openPkcs12(new TextEncoder().encode("hello"), "x")).rejects.toMatchObject({ code: "P12_NOT_PKCS12" });
  });
});

describe("DemoCertificationAuthority.load", () => {
  it("a saved demo CA issues CRLs that verify with its certificate", async () => {
    const { DemoCertificationAuthority } = await import("./demo-ca.ts");
    const ca = await DemoCertificationAuthority.create();
    const again = await DemoCertificationAuthority.load(new Uint8Array(ca.certificate.rawData), await ca.exportPrivateKey());
    const crl = await again.crl([]);
    expect(await crl.verify({ publicKey: ca.certificate.publicKey })).toBe(true);
    expect(again.certificate.subject).toBe(ca.certificate.subject);
  });
});
