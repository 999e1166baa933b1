import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import {
  BUNDLED_ANCHORS,
  BUNDLED_CERTIFICATES,
  bundledIntermediates,
  bundledIssuersOf,
  bundledTrustAnchors,
  knownGovernmentCa,
  parseCertificates,
} from "./index.ts";
import { x509 } from "../pki/x509.ts";
import { findCertificationPath } from "../pki/path.ts";
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
    expect(BUNDLED_ANCHORS).toHaveLength(2);
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

  // Pins from /work/shared/trust/README.md (each file checked there against independent public projects).
  const PINS: Record<string, string> = {
    "vgca-root-g2.pem": "F04BA4B459A7C9A1B971AD9B1CB833E695A80C79AEA63B174B66A70EDFE2FDB8",
    "vgca-root-g1.pem": "F7BC89054CEC7F12730D7B8CD3EB7955B163835087E5EB873EDFB584763B3F90",
    "vgca-g1-chinh-phu.pem": "75E969C07BA35C29C72BBC1BFB880F20F3891A619B00B77EB02CA6160736A1FE",
    "vgca-g1-dang-cong-san.pem": "6E218B3EBC2F31B0D03205C64FD7E8920FB47187D37AFCDB4CB2BB4178BF4635",
    "vgca-g1-bo-cong-an.pem": "ECBF8428266C549EB1BFDC2715270D5B9DFF3BBBE2D3F0C33E0FD91F70B2D943",
    "vgca-g1-bo-tai-chinh.pem": "A262CFA489DBBE666F8B89FAB832547809874D5A06FA9F7A38FC227EBDF40514",
    "vgca-g1-bo-ngoai-giao.pem": "3C4281296F92D292CC952295FE41AD7D0B37438FF1D143B56C4642CC1B14BD93",
  };

  it("holds G2 and the G1 root as anchors and the five G1 sub-CAs, each with the fingerprint pinned in the README", () => {
    expect(BUNDLED_CERTIFICATES).toHaveLength(7);
    expect(BUNDLED_ANCHORS.map((a) => a.generation).sort()).toEqual(["G1", "G2"]);
    const pinned = new Set(Object.values(PINS));
    for (const c of BUNDLED_CERTIFICATES) {
      const der = Buffer.from(c.pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
      const fp = createHash("sha256").update(der).digest("hex").toUpperCase();
      expect(fp, c.name).toBe(c.sha256);
      expect(pinned.has(fp), c.name).toBe(true);
    }
    expect(new Set(BUNDLED_CERTIFICATES.map((c) => c.sha256)).size).toBe(7);
  });

  it("bundles byte for byte the files of /work/shared/trust when they are present", () => {
    for (const [file, fp] of Object.entries(PINS)) {
      let pem: string;
      try {
        pem = readFileSync(`/work/shared/trust/${file}`, "utf8");
      } catch {
        continue;
      }
      const entry = BUNDLED_CERTIFICATES.find((c) => c.sha256 === fp);
      expect(entry?.pem.trim(), file).toBe(pem.trim());
    }
  });

  it("completes a path from each G1 sub-CA to the G1 root (SHA-1 CA signatures, flagged as weak, known government CAs)", async () => {
    const anchors = await bundledTrustAnchors();
    const subs = await bundledIntermediates();
    expect(subs).toHaveLength(5);
    for (const sub of subs) {
      const path = await findCertificationPath(sub, [], anchors, new Date("2026-01-01T00:00:00Z"));
      expect(path, sub.subject).toBeDefined();
      expect(path!.certificates.at(-1)!.subject).toContain("RootCA");
      expect(path!.weakAlgorithms.join()).toContain("sha1WithRSAEncryption");
      expect(knownGovernmentCa(sub)?.generation).toBe("G1");
    }
    expect(knownGovernmentCa(parseCertificates(VGCA_ROOT_G2_PEM)[0]!)?.role).toBe("anchor");
  });

  it("writes each certificate's subject and issuer as the certificate holds them", () => {
    for (const b of BUNDLED_CERTIFICATES) {
      const [c] = parseCertificates(b.pem);
      expect(b.subject, b.name).toBe(c!.subject);
      expect(b.issuer, b.name).toBe(c!.issuer);
    }
  });

  it("bundledIssuersOf gives the sub-CAs named as issuers (by name as path building compares them), none for other CAs", async () => {
    const subs = await bundledIntermediates();
    // Another CA's certificates, and the G1 sub-CAs themselves (issued by the G1 root, an anchor).
    expect(await bundledIssuersOf(await bundledTrustAnchors())).toEqual([]);
    expect(await bundledIssuersOf(subs)).toEqual([]);
    // A certificate whose issuer is "Bộ Công an (G1)" written in capitals and as PrintableString
    // (the bundled one is UTF8String): the same name for sameName, so that sub-CA is a candidate.
    const keys = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      false,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const named = await x509.X509CertificateGenerator.createSelfSigned({
      name: "C=VN, O=BAN CO YEU CHINH PHU, CN=CO QUAN CHUNG THUC SO BO CONG AN",
      keys,
      signingAlgorithm: { name: "RSASSA-PKCS1-v1_5" },
      notBefore: new Date("2025-01-01T00:00:00Z"),
      notAfter: new Date("2027-01-01T00:00:00Z"),
    });
    const found = await bundledIssuersOf([named]);
    expect(found.map((c) => knownGovernmentCa(c)?.name)).toEqual(["Cơ quan chứng thực số Bộ Công an (G1)"]);
  });

  it("refuses a swapped sub-CA whose fingerprint does not match the pin", async () => {
    const entry = BUNDLED_CERTIFICATES.find((c) => c.role === "intermediate")! as { sha256: string };
    const saved = entry.sha256;
    entry.sha256 = "00".repeat(32);
    try {
      await expect(bundledIntermediates()).rejects.toMatchObject({ code: "TRUST_PIN_MISMATCH" });
    } finally {
      entry.sha256 = saved;
    }
  });
});
