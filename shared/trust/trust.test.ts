import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { BUNDLED_ANCHORS, bundledTrustAnchors, parseCertificates } from "./index.ts";
import { VGCA_ROOT_G2_PEM, VGCA_ROOT_G2_SHA256 } from "./vgca-root-g2.ts";

describe("bundled trust anchors", () => {
  it("RootCA chuyên dùng Chính phủ G2 has the pinned SHA-256 (F04BA4B4…FDB8, sourced in README.md)", () => {
    const der = Buffer.from(VGCA_ROOT_G2_PEM.replace(/-----[^-]+-----|\s/g, ""), "base64");
    expect(createHash("sha256").update(der).digest("hex").toUpperCase()).toBe("F04BA4B459A7C9A1B971AD9B1CB833E695A80C79AEA63B174B66A70EDFE2FDB8");
    expect(VGCA_ROOT_G2_SHA256).toBe("F04BA4B459A7C9A1B971AD9B1CB833E695A80C79AEA63B174B66A70EDFE2FDB8");
    expect(createHash("sha1").update(der).digest("hex").toUpperCase()).toBe("761A8D4043C70E020B8578B78F89BC16A637918B");
  });

  it("is the same certificate as the project's /work/shared/trust/vgca-root-g2.pem when that file is present", () => {
    let pem: string;
    try {
      pem = readFileSync("/work/shared/trust/vgca-root-g2.pem", "utf8");
    } catch {
      return;
    }
    expect(pem.trim()).toBe(VGCA_ROOT_G2_PEM.trim());
  });

  it("loads with its subject, validity and CA constraints", async () => {
    const [root] = await bundledTrustAnchors();
    expect(root!.subject).toContain("RootCA chuyên dùng Chính phủ G2");
    expect(root!.subject).toContain("Ban Cơ yếu Chính phủ");
    expect(root!.notAfter.toISOString().slice(0, 10)).toBe("2048-08-14");
    expect(BUNDLED_ANCHORS).toHaveLength(1);
  });

  it("refuses a swapped anchor whose fingerprint does not match the pin", async () => {
    const saved = BUNDLED_ANCHORS[0]!.sha256;
    (BUNDLED_ANCHORS[0] as { sha256: string }).sha256 = "00".repeat(32);
    try {
      await expect(bundledTrustAnchors()).rejects.toMatchObject({ code: "TRUST_PIN_MISMATCH" });
    } finally {
      (BUNDLED_ANCHORS[0] as { sha256: string }).sha256 = saved;
    }
  });

  it("parses several PEM blocks and DER", () => {
    const der = new Uint8Array(Buffer.from(VGCA_ROOT_G2_PEM.replace(/-----[^-]+-----|\s/g, ""), "base64"));
    expect(parseCertificates(VGCA_ROOT_G2_PEM + "\n" + VGCA_ROOT_G2_PEM)).toHaveLength(2);
    expect(parseCertificates(der)).toHaveLength(1);
  });
});
