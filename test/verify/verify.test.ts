/**
 * The verification engine against a corpus the test builds: signatures by @libpdf/core,
 * poppler's pdfsig and our own signing engine; certificates good, expired, not yet valid,
 * revoked, untrusted, with the wrong key usage or a broken CA chain; tampered, truncated
 * and non-PDF files. Each case names the ETSI EN 319 102-1 indication it must get.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createServer, type Server } from "node:http";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import * as pkijs from "pkijs";
import * as asn1js from "asn1js";
import { verifyPdf, type VerifyOptions } from "../../shared/verify/index.ts";
import { x509 } from "../../shared/pki/x509.ts";
import type { CrlCache } from "../../shared/pki/revocation.ts";
import {
  DemoCertificationAuthority,
  issue,
  issueWithKey,
  makePdf,
  signLibpdf,
  signOurs,
  signPkijs,
  buildPdf,
  nssDatabase,
  signPdfsig,
  pdfsigReport,
  editBytes,
  type Identity,
} from "./corpus.ts";
import { signPdf } from "../../shared/sign/index.ts";
import { WebCryptoSigner } from "../../shared/sign/webcrypto-signer.ts";
import { startTestTsa } from "../support/tsa.ts";
import { officialDocumentPdf } from "../support/documents.ts";
import { signaturePng, sealPng } from "../support/png.ts";

const DAY = 86400e3;
let root: DemoCertificationAuthority;
let other: DemoCertificationAuthority;
let good: Identity;
let crlDer: Uint8Array;
let server: Server;
let crlUrl: string;
let served = 0;
let base: Uint8Array;

async function options(extra: Partial<VerifyOptions> = {}): Promise<VerifyOptions> {
  return { trustAnchors: [root.certificate], crls: [crlDer], ...extra };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    served++;
    if (req.url === "/root.crl") res.end(Buffer.from(crlDer));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  crlUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/root.crl`;
  root = await DemoCertificationAuthority.create({ commonName: "Demo RootCA — kiểm thử xác minh" });
  other = await DemoCertificationAuthority.create({ commonName: "Untrusted CA" });
  good = await issue(root, { commonName: "Nguyễn Văn An", title: "Phó Chủ tịch", organization: "UBND phường Hồng Bàng", crlUrl });
  crlDer = new Uint8Array((await root.crl([])).rawData);
  base = await makePdf();
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("valid signatures from several signers", () => {
  it("@libpdf/core, RSA PKCS#1 v1.5 SHA-256: TOTAL_PASSED, signer's title from X.520 title", async () => {
    const r = await verifyPdf(await signLibpdf(base, good), await options());
    expect(r.status).toBe("valid");
    const s = r.signatures[0]!;
    expect(s).toMatchObject({ indication: "TOTAL_PASSED", coversWholeDocument: true, modifiedAfter: "none", signingTimeSource: "claimed-M" });
    expect(s.signer).toMatchObject({ commonName: "Nguyễn Văn An", title: "Phó Chủ tịch", organization: "UBND phường Hồng Bàng" });
    expect(s.revocation[0]).toMatchObject({ status: "good", source: "given-crl", fresh: true });
    expect(s.message).toContain("hợp lệ");
  });

  it("ECDSA P-256 (@libpdf/core): TOTAL_PASSED", async () => {
    const id = await issueWithKey(root, "ECDSA", { commonName: "Ký ECDSA" });
    const r = await verifyPdf(await signLibpdf(base, id), await options());
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_PASSED", signatureAlgorithm: "ECDSA" });
  });

  it.each([
    ["RSA-PSS", "SHA-256"],
    ["RSASSA-PKCS1-v1_5", "SHA-384"],
    ["RSASSA-PKCS1-v1_5", "SHA-512"],
    ["ECDSA", "SHA-384"],
  ] as const)("%s with %s (our engine): TOTAL_PASSED", async (alg, digest) => {
    const id = await issueWithKey(root, alg, { commonName: `Ký ${alg} ${digest}` }, digest);
    const r = await verifyPdf(await signOurs(base, id, digest), await options());
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_PASSED", signatureAlgorithm: alg, digestAlgorithm: digest });
  });

  it("a signature that declares SHA-384 but was made with SHA-256 (a @libpdf/core quirk): SIG_CRYPTO_FAILURE, as pdfsig says", async () => {
    const r = await verifyPdf(await signLibpdf(base, good, { digest: "SHA-384" }), await options());
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_FAILED", subIndication: "SIG_CRYPTO_FAILURE" });
  });

  it("pdfsig -add-signature (NSS, adbe.pkcs7.detached, BER): TOTAL_PASSED; a second signature keeps the first valid", async () => {
    const nss = await nssDatabase(good);
    const once = signPdfsig(base, nss, { field: "VanThu1" });
    const r1 = await verifyPdf(once, await options());
    expect(r1.signatures[0]).toMatchObject({ field: "VanThu1", subFilter: "adbe.pkcs7.detached", indication: "TOTAL_PASSED" });
    const twice = await signLibpdf(once, good, { fieldName: "VanThu2" });
    const r2 = await verifyPdf(twice, await options());
    expect(r2.status).toBe("valid");
    expect(r2.signatures.map((s) => [s.field, s.indication, s.modifiedAfter, s.coversWholeDocument])).toEqual([
      ["VanThu1", "TOTAL_PASSED", "allowed", false],
      ["VanThu2", "TOTAL_PASSED", "none", true],
    ]);
  });

  it("our engine (signPdf: signer, then issuer with a B-T timestamp from a real RFC 3161 TSA): TOTAL_PASSED, time from the timestamp", async () => {
    const tsa = await startTestTsa(root);
    try {
      const signer = new WebCryptoSigner(good.privateKey, { certificate: new Uint8Array(good.certificate.rawData), chain: good.chain }, "khóa thử", true);
      const org = await issue(root, { commonName: "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG", organization: "UBND thành phố Hải Phòng", crlUrl });
      const orgSigner = new WebCryptoSigner(org.privateKey, { certificate: new Uint8Array(org.certificate.rawData), chain: org.chain }, "khóa thử", true);
      const doc = await officialDocumentPdf();
      const a = (await signPdf(doc, { type: "signer", signer, image: signaturePng() })).bytes;
      const b = (await signPdf(a, { type: "issuer", signer: orgSigner, image: sealPng(), tsaUrl: tsa.url })).bytes;
      const r = await verifyPdf(b, await options());
      expect(r.status).toBe("valid");
      expect(r.signatures).toHaveLength(2);
      expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_PASSED", modifiedAfter: "allowed", signingTimeSource: "claimed-M" });
      expect(r.signatures[1]).toMatchObject({ indication: "TOTAL_PASSED", modifiedAfter: "none", signingTimeSource: "timestamp" });
      expect(r.signatures[1]!.timestamp?.trusted).toBe(true);
      expect(r.signatures[1]!.signer?.commonName).toBe("ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG");
    } finally {
      await tsa.close();
    }
  });
});

describe("certificates", () => {
  it("expired at the claimed signing time: INDETERMINATE / OUT_OF_BOUNDS_NO_POE", async () => {
    const id = await issue(root, { commonName: "Hết hạn", notBefore: new Date(Date.now() - 3 * 365 * DAY), notAfter: new Date(Date.now() - 30 * DAY) });
    const r = await verifyPdf(await signLibpdf(base, id), await options());
    expect(r.status).toBe("indeterminate");
    expect(r.signatures[0]).toMatchObject({ indication: "INDETERMINATE", subIndication: "OUT_OF_BOUNDS_NO_POE" });
    expect(r.signatures[0]!.message).toContain("không còn hiệu lực");
  });

  it("claimed time inside the validity, expired now, not revoked: INDETERMINATE / OUT_OF_BOUNDS_NOT_REVOKED", async () => {
    const id = await issue(root, {
      commonName: "Hết hạn sau khi ký",
      notBefore: new Date(Date.now() - 3 * 365 * DAY),
      notAfter: new Date(Date.now() - 30 * DAY),
    });
    const r = await verifyPdf(await signLibpdf(base, id, { signingTime: new Date(Date.now() - 60 * DAY) }), await options());
    expect(r.signatures[0]).toMatchObject({ indication: "INDETERMINATE", subIndication: "OUT_OF_BOUNDS_NOT_REVOKED" });
  });

  it("not yet valid: INDETERMINATE / NOT_YET_VALID", async () => {
    const id = await issue(root, { commonName: "Chưa hiệu lực", notBefore: new Date(Date.now() + 10 * DAY), notAfter: new Date(Date.now() + 400 * DAY) });
    const r = await verifyPdf(await signLibpdf(base, id), await options());
    expect(r.signatures[0]).toMatchObject({ indication: "INDETERMINATE", subIndication: "NOT_YET_VALID" });
  });

  it("revoked before signing (CRL given): TOTAL_FAILED / REVOKED", async () => {
    const id = await issue(root, { commonName: "Bị thu hồi" });
    const crl = new Uint8Array((await root.crl([{ serialNumber: id.certificate.serialNumber, revocationDate: new Date(Date.now() - 3600e3) }])).rawData);
    const r = await verifyPdf(await signLibpdf(base, id), await options({ crls: [crl] }));
    expect(r.status).toBe("invalid");
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_FAILED", subIndication: "REVOKED" });
    expect(r.signatures[0]!.message).toContain("thu hồi");
  });

  it("revoked after the claimed signing time, no timestamp: INDETERMINATE / REVOKED_NO_POE", async () => {
    const id = await issue(root, { commonName: "Thu hồi sau", notBefore: new Date(Date.now() - 30 * DAY) });
    const crl = new Uint8Array((await root.crl([{ serialNumber: id.certificate.serialNumber, revocationDate: new Date(Date.now() - DAY) }])).rawData);
    const r = await verifyPdf(await signLibpdf(base, id, { signingTime: new Date(Date.now() - 5 * DAY) }), await options({ crls: [crl] }));
    expect(r.signatures[0]).toMatchObject({ indication: "INDETERMINATE", subIndication: "REVOKED_NO_POE" });
  });

  it("issued by a CA that is not trusted: INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND", async () => {
    const id = await issue(other, { commonName: "Không tin cậy" });
    const r = await verifyPdf(await signLibpdf(base, id), await options());
    expect(r.signatures[0]).toMatchObject({ indication: "INDETERMINATE", subIndication: "NO_CERTIFICATE_CHAIN_FOUND" });
  });

  it("the bundled VGCA root alone does not trust a demo signature", async () => {
    const { bundledTrustAnchors } = await import("../../shared/trust/index.ts");
    const r = await verifyPdf(await signLibpdf(base, good), { trustAnchors: await bundledTrustAnchors(), crls: [crlDer] });
    expect(r.signatures[0]!.subIndication).toBe("NO_CERTIFICATE_CHAIN_FOUND");
  });

  it("key usage without digitalSignature/nonRepudiation: INDETERMINATE / CHAIN_CONSTRAINTS_FAILURE", async () => {
    const id = await issue(root, { commonName: "Sai mục đích", keyUsages: x509.KeyUsageFlags.keyEncipherment });
    const r = await verifyPdf(await signLibpdf(base, id), await options());
    expect(r.signatures[0]).toMatchObject({ indication: "INDETERMINATE", subIndication: "CHAIN_CONSTRAINTS_FAILURE" });
  });

  it("a root with pathLenConstraint 0 above a sub-CA: CHAIN_CONSTRAINTS_FAILURE", async () => {
    const strict = await DemoCertificationAuthority.create({ commonName: "Root pathLen 0", pathLength: 0 });
    const sub = await strict.issueSubordinate({ commonName: "Sub-CA" });
    const id = await issue(sub, { commonName: "Dưới sub-CA" });
    const crls = [new Uint8Array((await strict.crl([])).rawData), new Uint8Array((await sub.crl([])).rawData)];
    const r = await verifyPdf(await signLibpdf(base, id), { trustAnchors: [strict.certificate], crls });
    expect(r.signatures[0]).toMatchObject({ indication: "INDETERMINATE", subIndication: "CHAIN_CONSTRAINTS_FAILURE" });
    expect(r.signatures[0]!.findings.map((f) => f.code)).toContain("PATH_LENGTH");
  });

  it("a sub-CA without keyCertSign: CHAIN_CONSTRAINTS_FAILURE; a proper sub-CA: TOTAL_PASSED", async () => {
    const r0 = await DemoCertificationAuthority.create({ commonName: "Root 2" });
    const bad = await r0.issueSubordinate({
      commonName: "Sub-CA không được cấp chứng thư",
      keyUsages: x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
    });
    const okSub = await r0.issueSubordinate({ commonName: "Sub-CA đúng" });
    const crl0 = new Uint8Array((await r0.crl([])).rawData);
    const idBad = await issue(bad, { commonName: "A" });
    const idOk = await issue(okSub, { commonName: "B" });
    const rb = await verifyPdf(await signLibpdf(base, idBad), { trustAnchors: [r0.certificate], crls: [crl0, new Uint8Array((await bad.crl([])).rawData)] });
    expect(rb.signatures[0]!.subIndication).toBe("CHAIN_CONSTRAINTS_FAILURE");
    expect(rb.signatures[0]!.findings.map((f) => f.code)).toContain("CA_KEY_USAGE");
    const ro = await verifyPdf(await signLibpdf(base, idOk), { trustAnchors: [r0.certificate], crls: [crl0, new Uint8Array((await okSub.crl([])).rawData)] });
    expect(ro.signatures[0]!.indication).toBe("TOTAL_PASSED");
    expect(ro.signatures[0]!.chain).toHaveLength(3);
  });
});

describe("revocation sources", () => {
  it("offline without a CRL: INDETERMINATE / TRY_LATER; nothing fetched", async () => {
    const before = served;
    const r = await verifyPdf(await signLibpdf(base, good), await options({ crls: [] }));
    expect(r.signatures[0]).toMatchObject({ indication: "INDETERMINATE", subIndication: "TRY_LATER" });
    expect(served).toBe(before);
  });

  it("online: the CRL is fetched from the distribution point, cached, then used offline", async () => {
    const store = new Map<string, Uint8Array>();
    const cache: CrlCache = { get: async (u) => store.get(u), put: async (u, d) => void store.set(u, d) };
    const signed = await signLibpdf(base, good);
    const before = served;
    const r1 = await verifyPdf(signed, await options({ crls: [], crlCache: cache, fetch: (u, i) => fetch(u, i) }));
    expect(served).toBe(before + 1);
    expect(r1.signatures[0]!.indication).toBe("TOTAL_PASSED");
    expect(r1.signatures[0]!.revocation[0]).toMatchObject({ source: "fetched-crl", url: crlUrl });
    const r2 = await verifyPdf(signed, await options({ crls: [], crlCache: cache }));
    expect(r2.signatures[0]!.indication).toBe("TOTAL_PASSED");
    expect(r2.signatures[0]!.revocation[0]).toMatchObject({ source: "cached-crl", fresh: true });
    expect(served).toBe(before + 1);
  });

  it("a stale CRL issued before the signature: TRY_LATER, and the report says how old", async () => {
    const stale = new Uint8Array((await root.crl([], new Date(Date.now() - 20 * DAY), new Date(Date.now() - 13 * DAY))).rawData);
    const r = await verifyPdf(await signLibpdf(base, good), await options({ crls: [stale] }));
    expect(r.signatures[0]).toMatchObject({ indication: "INDETERMINATE", subIndication: "TRY_LATER" });
    expect(r.signatures[0]!.revocation[0]).toMatchObject({ status: "good", fresh: false });
  });

  it("a backdated claim cannot make an expired CRL count: TRY_LATER", async () => {
    const old = new Uint8Array((await root.crl([], new Date(Date.now() - 5 * DAY), new Date(Date.now() - DAY))).rawData);
    const id = await issue(root, { commonName: "Khai lùi ngày", notBefore: new Date(Date.now() - 30 * DAY) });
    const r = await verifyPdf(await signLibpdf(base, id, { signingTime: new Date(Date.now() - 10 * DAY) }), await options({ crls: [old] }));
    expect(r.signatures[0]).toMatchObject({ indication: "INDETERMINATE", subIndication: "TRY_LATER" });
  });

  it("a CRL signed by another CA is not accepted", async () => {
    const forged = new Uint8Array((await other.crl([])).rawData);
    const r = await verifyPdf(await signLibpdf(base, good), await options({ crls: [forged] }));
    expect(r.signatures[0]!.subIndication).toBe("TRY_LATER");
  });
});

function cmsOf(pdf: Uint8Array): { hexStart: number; hexEnd: number; der: Uint8Array } {
  const text = Buffer.from(pdf).toString("latin1");
  const m = [...text.matchAll(/\/Contents\s*<([0-9A-Fa-f]+)>/g)].at(-1)!;
  const hexStart = m.index! + m[0].indexOf("<") + 1;
  const hexEnd = hexStart + m[1]!.length;
  return { hexStart, hexEnd, der: new Uint8Array(Buffer.from(m[1]!, "hex")) };
}

function replaceCms(pdf: Uint8Array, der: Uint8Array): Uint8Array {
  const { hexStart, hexEnd } = cmsOf(pdf);
  const hex = Buffer.from(der)
    .toString("hex")
    .toUpperCase()
    .padEnd(hexEnd - hexStart, "0");
  if (hex.length !== hexEnd - hexStart) throw new Error("CMS too large");
  const out = new Uint8Array(pdf);
  out.set(Buffer.from(hex, "latin1"), hexStart);
  return out;
}

function signedDataOf(pdf: Uint8Array): pkijs.SignedData {
  return new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(cmsOf(pdf).der.slice().buffer).content });
}

function encode(sd: pkijs.SignedData): Uint8Array {
  return new Uint8Array(new pkijs.ContentInfo({ contentType: "1.2.840.113549.1.7.2", content: sd.toSchema(true) }).toSchema().toBER());
}

describe("tampering and damaged files", () => {
  it("a byte changed in the signed range: TOTAL_FAILED / HASH_FAILURE", async () => {
    const signed = await signLibpdf(base, good);
    const tampered = editBytes(signed, "595 842", "595 843");
    const r = await verifyPdf(tampered, await options());
    expect(r.status).toBe("invalid");
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_FAILED", subIndication: "HASH_FAILURE" });
    expect(r.signatures[0]!.message).toContain("đã bị thay đổi");
  });

  it("a byte changed in the signature value: TOTAL_FAILED / SIG_CRYPTO_FAILURE", async () => {
    const signed = await signLibpdf(base, good);
    const sd = signedDataOf(signed);
    const sig = new Uint8Array(sd.signerInfos[0]!.signature.valueBlock.valueHexView);
    sig[10] = sig[10]! ^ 0xff;
    sd.signerInfos[0]!.signature = new asn1js.OctetString({ valueHex: sig });
    const r = await verifyPdf(replaceCms(signed, encode(sd)), await options());
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_FAILED", subIndication: "SIG_CRYPTO_FAILURE" });
  });

  it("the signer's certificate removed from the CMS: INDETERMINATE / NO_SIGNING_CERTIFICATE_FOUND", async () => {
    const signed = await signLibpdf(base, good);
    const sd = signedDataOf(signed);
    sd.certificates = [];
    const r = await verifyPdf(replaceCms(signed, encode(sd)), await options());
    expect(r.signatures[0]).toMatchObject({ indication: "INDETERMINATE", subIndication: "NO_SIGNING_CERTIFICATE_FOUND" });
  });

  it("another certificate with the signer's name and serial swapped in: TOTAL_FAILED, signing-certificate mismatch noted", async () => {
    const signed = await signLibpdf(base, good);
    const impostor = await issue(root, {
      commonName: "Nguyễn Văn An",
      title: "Phó Chủ tịch",
      organization: "UBND phường Hồng Bàng",
      serialNumber: good.certificate.serialNumber,
    });
    const sd = signedDataOf(signed);
    sd.certificates = [pkijs.Certificate.fromBER(impostor.certificate.rawData)];
    const r = await verifyPdf(replaceCms(signed, encode(sd)), await options());
    expect(r.signatures[0]!.indication).toBe("TOTAL_FAILED");
    expect(r.signatures[0]!.findings.map((f) => f.code)).toEqual(expect.arrayContaining(["SIGNATURE", "SIGNING_CERTIFICATE"]));
  });

  it("truncated anywhere: a clean error, never valid", async () => {
    const signed = await signLibpdf(base, good);
    for (const cut of [10, 100, Math.floor(signed.length / 3), Math.floor(signed.length / 2), signed.length - 200, signed.length - 7]) {
      const r = await verifyPdf(signed.subarray(0, cut), await options());
      expect(r.status).toBe("error");
      expect(r.error?.messageVi).toBeTruthy();
    }
  });

  it("not a PDF, empty, random bytes: status error with a Vietnamese message", async () => {
    for (const bytes of [new Uint8Array(), new TextEncoder().encode("Xin chào, đây không phải PDF"), crypto.getRandomValues(new Uint8Array(5000))]) {
      const r = await verifyPdf(bytes, await options());
      expect(r.status).toBe("error");
      expect(r.message).toMatch(/Không kiểm tra được tệp/);
    }
  });

  it("an unsigned PDF is 'unsigned'", async () => {
    const r = await verifyPdf(base, await options());
    expect(r.status).toBe("unsigned");
  });

  it.each([["--linearize"], ["--object-streams=generate"], ["--qdf"]])("a file rewritten by qpdf %s, then signed twice: valid", async (flag) => {
    const dir = mkdtempSync(join(tmpdir(), "vanthu-qpdf-"));
    writeFileSync(join(dir, "in.pdf"), await makePdf({ pages: 3 }));
    execFileSync("qpdf", [flag, join(dir, "in.pdf"), join(dir, "out.pdf")]);
    const once = await signLibpdf(new Uint8Array(readFileSync(join(dir, "out.pdf"))), good);
    const r = await verifyPdf(await signLibpdf(once, good, { fieldName: "Second" }), await options());
    expect(r.status).toBe("valid");
    expect(r.signatures.map((s) => s.modifiedAfter)).toEqual(["allowed", "none"]);
  });

  it("object streams and cross-reference streams are read", async () => {
    const withStreams = await makePdf({ objectStreams: true });
    const r = await verifyPdf(await signLibpdf(withStreams, good), await options());
    expect(r.status).toBe("valid");
  });
});

describe("weak algorithms (SHA-1)", () => {
  it("a SHA-1 signature digest: INDETERMINATE / CRYPTO_CONSTRAINTS_FAILURE_NO_POE, flagged", async () => {
    const id = await issueWithKey(root, "RSASSA-PKCS1-v1_5", { commonName: "Ký SHA-1" }, "SHA-1");
    const plain = buildPdf([
      { num: 1, body: "<< /Type /Catalog /Pages 2 0 R >>" },
      { num: 2, body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>" },
      { num: 3, body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>" },
    ]).bytes;
    const r = await verifyPdf(await signPkijs(plain, id, "SHA-1"), await options());
    expect(r.signatures[0]).toMatchObject({ indication: "INDETERMINATE", subIndication: "CRYPTO_CONSTRAINTS_FAILURE_NO_POE", digestAlgorithm: "SHA-1" });
    expect(r.signatures[0]!.weakAlgorithms).toContain("SHA-1");
    expect(r.signatures[0]!.message).toMatch(/thuật toán yếu/);
    const r256 = await verifyPdf(
      await signPkijs(plain, await issueWithKey(root, "RSASSA-PKCS1-v1_5", { commonName: "Ký SHA-256" }), "SHA-256"),
      await options(),
    );
    expect(r256.signatures[0]!.indication).toBe("TOTAL_PASSED");
  });

  it("a G1-like chain whose CA certificates are signed with SHA-1: judged, the weakness noted, not refused", async () => {
    const sha1 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-1", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
    const rootKeys = (await crypto.subtle.generateKey(sha1, true, ["sign", "verify"])) as CryptoKeyPair;
    const g1 = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: "0101",
      name: "C=VN, O=Ban Co yeu Chinh phu (demo), CN=Co quan chung thuc so Chinh phu (demo G1)",
      notBefore: new Date(Date.now() - 365 * DAY),
      notAfter: new Date(Date.now() + 365 * DAY),
      keys: rootKeys,
      signingAlgorithm: sha1,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ],
    });
    const leafKeys = (await crypto.subtle.generateKey({ ...sha1, hash: "SHA-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber: "0202",
      subject: "C=VN, CN=Nguyen Van G1",
      issuer: g1.subject,
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 100 * DAY),
      publicKey: leafKeys.publicKey,
      signingKey: rootKeys.privateKey,
      signingAlgorithm: sha1,
      extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true)],
    });
    const crl = await x509.X509CrlGenerator.create({
      issuer: g1.subject,
      thisUpdate: new Date(),
      nextUpdate: new Date(Date.now() + DAY),
      entries: [],
      signingKey: rootKeys.privateKey,
      signingAlgorithm: sha1,
    });
    const id: Identity = { certificate: leaf, privateKey: leafKeys.privateKey, chain: [new Uint8Array(g1.rawData)], algorithm: "RSASSA-PKCS1-v1_5" };
    const r = await verifyPdf(await signLibpdf(base, id), { trustAnchors: [g1], crls: [new Uint8Array(crl.rawData)] });
    expect(r.signatures[0]!.indication).toBe("TOTAL_PASSED");
    expect(r.signatures[0]!.weakAlgorithms.join()).toMatch(/sha1WithRSAEncryption/);
    expect(r.signatures[0]!.message).toMatch(/Lưu ý: có thuật toán yếu/);
  });
});

describe("path building from the network and the cache", () => {
  it("a signature carrying only its own certificate: offline NO_CERTIFICATE_CHAIN_FOUND; online the sub-CA comes from caIssuers and is cached; then offline it passes", async () => {
    const sub = await root.issueSubordinate({ commonName: "Demo CA phục vụ cơ quan Nhà nước — AIA" });
    const subCrl = new Uint8Array((await sub.crl([])).rawData);
    const aiaServer = createServer((req, res) => (req.url === "/sub.crt" ? res.end(Buffer.from(sub.certificate.rawData)) : res.writeHead(404).end()));
    await new Promise<void>((r) => aiaServer.listen(0, "127.0.0.1", () => r()));
    try {
      const aia = `http://127.0.0.1:${(aiaServer.address() as AddressInfo).port}/sub.crt`;
      const keys = (await crypto.subtle.generateKey(
        { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 },
        true,
        ["sign", "verify"],
      )) as CryptoKeyPair;
      const certificate = await x509.X509CertificateGenerator.create({
        serialNumber: "0c01",
        subject: "C=VN, CN=Chỉ có chứng thư của mình",
        issuer: sub.certificate.subject,
        notBefore: new Date(Date.now() - 3600e3),
        notAfter: new Date(Date.now() + 365 * DAY),
        publicKey: keys.publicKey,
        signingKey: sub.keys.privateKey,
        signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
        extensions: [
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.AuthorityInfoAccessExtension({ caIssuers: [new x509.GeneralName("url", aia)] }),
        ],
      });
      const leafOnly: Identity = { certificate, privateKey: keys.privateKey, chain: [], algorithm: "RSASSA-PKCS1-v1_5" };
      const signed = await signLibpdf(base, leafOnly);
      const crls = [crlDer, subCrl];
      const offline = await verifyPdf(signed, await options({ crls }));
      expect(offline.signatures[0]!.subIndication).toBe("NO_CERTIFICATE_CHAIN_FOUND");
      const cached: x509.X509Certificate[] = [];
      const online = await verifyPdf(signed, await options({ crls, fetch: (u, i) => fetch(u, i), onIntermediate: (c) => cached.push(c) }));
      expect(online.signatures[0]!.indication).toBe("TOTAL_PASSED");
      expect(online.signatures[0]!.chain).toHaveLength(3);
      expect(cached.map((c) => c.subject)).toEqual([sub.certificate.subject]);
      const fromCache = await verifyPdf(signed, await options({ crls, intermediates: cached }));
      expect(fromCache.signatures[0]!.indication).toBe("TOTAL_PASSED");
    } finally {
      await new Promise<void>((r) => aiaServer.close(() => r()));
    }
  });
});

describe("agreement with pdfsig on integrity", () => {
  it("where poppler says the signature is (in)valid, our digest/signature check says the same", async () => {
    const signed = await signLibpdf(base, good);
    const sd = signedDataOf(signed);
    const sig = new Uint8Array(sd.signerInfos[0]!.signature.valueBlock.valueHexView);
    sig[5] = sig[5]! ^ 0x01;
    sd.signerInfos[0]!.signature = new asn1js.OctetString({ valueHex: sig });
    const cases = {
      libpdf: signed,
      pdfsig: signPdfsig(base, await nssDatabase(good), { field: "P" }),
      ours: await signOurs(base, good),
      tamperedBytes: editBytes(signed, "595 842", "595 843"),
      tamperedSignature: replaceCms(signed, encode(sd)),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      const poppler = /Signature is Valid/.test(pdfsigReport(bytes));
      const r = await verifyPdf(bytes, await options());
      const ours = !["HASH_FAILURE", "SIG_CRYPTO_FAILURE", "FORMAT_FAILURE"].includes(r.signatures[0]!.subIndication ?? "");
      expect(ours, name).toBe(poppler);
    }
  });
});
