/**
 * `vanthu sign` as scripts and district IT run it: a child process, real files, a real
 * PKCS#11 token (SoftHSM2 through pkcs11js), and poppler's pdfsig as the judge.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { PDFDocument } from "pdf-lib";
import fontkit from "@pdf-lib/fontkit";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { x509 } from "../../../shared/pki/x509.ts";
import { officialDocumentPdf, TINOS } from "../../../test/support/documents.ts";
import { testIdentities, writePkcs12, type TestIdentities } from "../../../test/support/identities.ts";
import { signaturePng, sealPng } from "../../../test/support/png.ts";
import { SoftHsm, requireSoftHsm, softHsmInstalled } from "../../../test/support/softhsm.ts";
import { pdfsig, tool } from "../../../test/support/tools.ts";

const VANTHU = fileURLToPath(new URL("../../vanthu.mjs", import.meta.url));
let dir: string;
let ids: TestIdentities;
let hsm: SoftHsm;
/** The demo root as the trusted root, the sub-CA's CRL, nothing fetched: how an office signs offline. */
let TRUST: string[];

async function vanthu(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return tool(process.execPath, [VANTHU, ...args], { env });
}

async function markedPdf(mark: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.load(await officialDocumentPdf());
  pdf.registerFontkit(fontkit);
  pdf.getPage(0).drawText(mark, { x: 90, y: 718, size: 13, font: await pdf.embedFont(TINOS, { subset: true }) });
  return pdf.save({ useObjectStreams: false });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "vanthu-cli-sign-"));
  ids = await testIdentities();
  writeFileSync(join(dir, "doc.pdf"), await officialDocumentPdf());
  writeFileSync(join(dir, "sig.png"), signaturePng());
  writeFileSync(join(dir, "seal.png"), sealPng());
  await writePkcs12(ids.official, dir, "official", "mật khẩu 1");
  await writePkcs12(ids.organisation, dir, "org", "matkhau2");
  const caOnly = await ids.ca.issue({ commonName: "Khóa chỉ để ký chứng thư", keyUsages: x509.KeyUsageFlags.keyCertSign });
  await writePkcs12(caOnly, dir, "wrong-usage", "x");
  const expired = await ids.ca.issue({ commonName: "Chứng thư hết hạn", notBefore: new Date("2020-01-01"), notAfter: new Date("2021-01-01") });
  await writePkcs12(expired, dir, "expired", "x");
  writeFileSync(join(dir, "not-a-pdf.pdf"), "Đây không phải là PDF\n");
  mkdirSync(join(dir, "trust"));
  writeFileSync(join(dir, "trust", "root.pem"), ids.root.certificate.toString("pem") + "\n");
  const revoked = await ids.ca.issue({
    commonName: "Nguyễn Văn An",
    title: "Phó Chủ tịch",
    organization: "UBND phường Hồng Bàng",
    notBefore: new Date("2025-01-01"),
  });
  await writePkcs12(revoked, dir, "revoked", "x");
  const chairman = await ids.ca.issue({
    commonName: "Trần Thị Bình",
    title: "Chủ tịch",
    organization: "UBND phường Hồng Bàng",
    notBefore: new Date("2025-01-01"),
  });
  await writePkcs12(chairman, dir, "chairman", "x");
  const stranger = await testIdentities();
  await writePkcs12(stranger.official, dir, "untrusted", "x");
  writeFileSync(
    join(dir, "ca.crl"),
    new Uint8Array((await ids.ca.crl([{ serialNumber: revoked.certificate.serialNumber, revocationDate: new Date(Date.now() - 86400e3) }])).rawData),
  );
  writeFileSync(join(dir, "plain-chu-tich.pdf"), await officialDocumentPdf({ title: ["CHỦ TỊCH"] }));
  writeFileSync(join(dir, "chairman.pdf"), await officialDocumentPdf({ title: ["CHỦ TỊCH"], name: "Trần Thị Bình" }));
  writeFileSync(join(dir, "secret.pdf"), await markedPdf("TỐI MẬT - KHẨN"));
  TRUST = ["--trust", join(dir, "trust"), "--crl", join(dir, "ca.crl"), "--offline", "--cache-dir", join(dir, ".cache")];
  const enc = await tool("qpdf", ["--encrypt", "user", "owner", "256", "--", join(dir, "doc.pdf"), join(dir, "encrypted.pdf")]);
  if (enc.code !== 0) throw new Error(enc.stderr);
  if (softHsmInstalled()) hsm = SoftHsm.create();
}, 120_000);

afterAll(() => hsm?.cleanup());

describe("vanthu sign with a PKCS#12 file", () => {
  it("signs as the official, then as the organisation; both valid in pdfsig", async () => {
    const a = await vanthu([
      "sign",
      join(dir, "doc.pdf"),
      "-o",
      join(dir, "a.pdf"),
      "--type",
      "signer",
      "--p12",
      join(dir, "official.p12"),
      "--pass",
      "mật khẩu 1",
      "--image",
      join(dir, "sig.png"),
      ...TRUST,
    ]);
    expect(a.code, a.stderr).toBe(0);
    const b = await vanthu([
      "sign",
      join(dir, "a.pdf"),
      "-o",
      join(dir, "b.pdf"),
      "--type",
      "issuer",
      "--p12",
      join(dir, "org.p12"),
      "--pass",
      "matkhau2",
      "--image",
      join(dir, "seal.png"),
      "--seal-mm",
      "38",
      ...TRUST,
    ]);
    expect(b.code, b.stderr).toBe(0);
    const sigs = await pdfsig(join(dir, "b.pdf"));
    expect(sigs.map((s) => s.valid)).toEqual([true, true]);
    expect(sigs[1]!.totalDocumentSigned).toBe(true);
  });

  it("writes the number and date of issue into a draft's blanks as the official signs", async () => {
    writeFileSync(join(dir, "draft.pdf"), await officialDocumentPdf({ draft: true }));
    const r = await vanthu([
      "sign",
      join(dir, "draft.pdf"),
      "-o",
      join(dir, "numbered.pdf"),
      "--type",
      "signer",
      "--p12",
      join(dir, "official.p12"),
      "--pass",
      "mật khẩu 1",
      "--image",
      join(dir, "sig.png"),
      "--issue-number",
      "125",
      "--issue-date",
      "2026-11-24",
      ...TRUST,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const text = (await tool("pdftotext", ["-layout", "-f", "1", "-l", "1", join(dir, "numbered.pdf"), "-"])).stdout.normalize("NFC");
    expect(text).toMatch(/Số:\s*125\s*\/UBND-VP/);
    expect(text).toMatch(/ngày\s+24\s+tháng\s+11\s+năm 2026/);
    expect((await pdfsig(join(dir, "numbered.pdf")))[0]!.valid).toBe(true);
    const bad = await vanthu([
      "sign",
      join(dir, "draft.pdf"),
      "-o",
      join(dir, "x.pdf"),
      "--type",
      "signer",
      "--p12",
      join(dir, "official.p12"),
      "--pass",
      "mật khẩu 1",
      "--image",
      join(dir, "sig.png"),
      "--issue-number",
      "1",
      "--issue-date",
      "2026-02-30",
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--issue-date không hợp lệ/);
  });

  it("prints usage with --help and exits 0", async () => {
    const r = await vanthu(["sign", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--type signer|issuer|copy|attachment|appendix");
  });
});

describe("the signing policy refuses before the key is used: exit 1, nothing written", () => {
  const sign = (pdf: string, p12: string, pass: string, extra: string[] = []) => [
    "sign",
    join(dir, pdf),
    "-o",
    join(dir, `out-${p12}-${pdf}`),
    "--type",
    "signer",
    "--image",
    join(dir, "sig.png"),
    "--p12",
    join(dir, `${p12}.p12`),
    "--pass",
    pass,
    ...extra,
  ];
  const refusals: { name: string; args: () => string[]; says: RegExp }[] = [
    { name: "a revoked certificate", args: () => sign("doc.pdf", "revoked", "x", TRUST), says: /bị thu hồi/ },
    { name: "a certificate of an untrusted root", args: () => sign("doc.pdf", "untrusted", "x", TRUST), says: /chứng thư gốc tin cậy/ },
    { name: "an expired certificate", args: () => sign("doc.pdf", "expired", "x", TRUST), says: /hết hạn/ },
    { name: "a document marked TỐI MẬT - KHẨN", args: () => sign("secret.pdf", "official", "mật khẩu 1", TRUST), says: /độ mật/ },
    { name: "a deputy's certificate on a plain CHỦ TỊCH block", args: () => sign("plain-chu-tich.pdf", "official", "mật khẩu 1", TRUST), says: /KT\./ },
    { name: "the organisation's certificate as the signer", args: () => sign("doc.pdf", "org", "matkhau2", TRUST), says: /chứng thư số của cơ quan/ },
    {
      name: "an unknown revocation status offline with no CRL",
      args: () => sign("doc.pdf", "official", "mật khẩu 1", ["--trust", join(dir, "trust"), "--offline", "--cache-dir", join(dir, ".cache")]),
      says: /thu hồi/,
    },
  ];
  it.each(refusals)("$name", async ({ args, says }) => {
    const before = readdirSync(dir).sort();
    const r = await vanthu(args());
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^vanthu: Không ký: /);
    expect(lines[0]).toMatch(says);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it("signs the matching official's own unmarked document with --trust DIR --crl FILE --offline", async () => {
    const out = join(dir, "chairman-signed.pdf");
    const r = await vanthu([
      "sign",
      join(dir, "chairman.pdf"),
      "-o",
      out,
      "--type",
      "signer",
      "--image",
      join(dir, "sig.png"),
      "--p12",
      join(dir, "chairman.p12"),
      "--pass",
      "x",
      ...TRUST,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect((await pdfsig(out)).map((s) => s.valid)).toEqual([true]);
  });

  it("signs with an unknown status only with --accept-unknown-revocation, and warns", async () => {
    const out = join(dir, "accepted.pdf");
    const r = await vanthu([
      "sign",
      join(dir, "doc.pdf"),
      "-o",
      out,
      "--type",
      "signer",
      "--image",
      join(dir, "sig.png"),
      "--p12",
      join(dir, "official.p12"),
      "--pass",
      "mật khẩu 1",
      "--trust",
      join(dir, "trust"),
      "--offline",
      "--cache-dir",
      join(dir, ".cache"),
      "--accept-unknown-revocation",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/cảnh báo: đã ký khi chưa xác định được tình trạng thu hồi/);
  });
});

describe("bad input: one clear line, a non-zero exit, nothing written", () => {
  const cases: { name: string; args: () => string[]; code: number; says: RegExp }[] = [
    {
      name: "not a PDF",
      args: () => [
        "sign",
        join(dir, "not-a-pdf.pdf"),
        "-o",
        join(dir, "x1.pdf"),
        "--type",
        "copy",
        "--copy-form",
        "sao y",
        "--org",
        "UBND",
        "--p12",
        join(dir, "org.p12"),
        "--pass",
        "matkhau2",
      ],
      code: 1,
      says: /không phải là tệp PDF/,
    },
    {
      name: "an encrypted PDF",
      args: () => [
        "sign",
        join(dir, "encrypted.pdf"),
        "-o",
        join(dir, "x2.pdf"),
        "--type",
        "copy",
        "--copy-form",
        "sao y",
        "--org",
        "UBND",
        "--p12",
        join(dir, "org.p12"),
        "--pass",
        "matkhau2",
      ],
      code: 1,
      says: /mã hóa|mật khẩu/,
    },
    {
      name: "a wrong password",
      args: () => [
        "sign",
        join(dir, "doc.pdf"),
        "-o",
        join(dir, "x3.pdf"),
        "--type",
        "signer",
        "--image",
        join(dir, "sig.png"),
        "--p12",
        join(dir, "official.p12"),
        "--pass",
        "sai",
      ],
      code: 1,
      says: /Sai mật khẩu/,
    },
    {
      name: "a missing image",
      args: () => [
        "sign",
        join(dir, "doc.pdf"),
        "-o",
        join(dir, "x4.pdf"),
        "--type",
        "signer",
        "--image",
        join(dir, "none.png"),
        "--p12",
        join(dir, "official.p12"),
        "--pass",
        "mật khẩu 1",
      ],
      code: 1,
      says: /Không đọc được tệp ảnh/,
    },
    {
      name: "no image at all for a visible signature",
      args: () => ["sign", join(dir, "doc.pdf"), "-o", join(dir, "x5.pdf"), "--type", "signer", "--p12", join(dir, "official.p12"), "--pass", "mật khẩu 1"],
      code: 1,
      says: /Thiếu ảnh chữ ký/,
    },
    {
      name: "a certificate without a signing key usage",
      args: () => [
        "sign",
        join(dir, "doc.pdf"),
        "-o",
        join(dir, "x6.pdf"),
        "--type",
        "appendix",
        "--doc-number",
        "1/UBND",
        "--p12",
        join(dir, "wrong-usage.p12"),
        "--pass",
        "x",
      ],
      code: 1,
      says: /không được phép dùng để ký/,
    },
    {
      name: "an expired certificate",
      args: () => [
        "sign",
        join(dir, "doc.pdf"),
        "-o",
        join(dir, "x7.pdf"),
        "--type",
        "appendix",
        "--doc-number",
        "1/UBND",
        "--p12",
        join(dir, "expired.p12"),
        "--pass",
        "x",
      ],
      code: 1,
      says: /hết hạn/,
    },
    {
      name: "the output over the input",
      args: () => [
        "sign",
        join(dir, "doc.pdf"),
        "-o",
        join(dir, "doc.pdf"),
        "--type",
        "appendix",
        "--doc-number",
        "1/UBND",
        "--p12",
        join(dir, "org.p12"),
        "--pass",
        "matkhau2",
      ],
      code: 2,
      says: /không ghi đè/,
    },
    {
      name: "an unknown type",
      args: () => ["sign", join(dir, "doc.pdf"), "-o", join(dir, "x8.pdf"), "--type", "seal", "--p12", join(dir, "org.p12"), "--pass", "matkhau2"],
      code: 2,
      says: /--type/,
    },
    {
      name: "a bad copy form",
      args: () => [
        "sign",
        join(dir, "doc.pdf"),
        "-o",
        join(dir, "x9.pdf"),
        "--type",
        "copy",
        "--copy-form",
        "photo",
        "--org",
        "UBND",
        "--p12",
        join(dir, "org.p12"),
        "--pass",
        "matkhau2",
      ],
      code: 1,
      says: /Hình thức sao không hợp lệ/,
    },
  ];
  it.each(cases)("$name", async ({ args, code, says }) => {
    const before = readdirSync(dir).sort();
    const original = readFileSync(join(dir, "doc.pdf"));
    const r = await vanthu([...args(), ...TRUST]);
    expect(r.code).toBe(code);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(says);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(readFileSync(join(dir, "doc.pdf")).equals(original)).toBe(true);
  });
});

describe("vanthu sign with a PKCS#11 token (SoftHSM2 through pkcs11js)", () => {
  beforeAll(() => requireSoftHsm());
  it.each([
    { keyType: "RSA" as const, bits: 2048 },
    { keyType: "RSA" as const, bits: 3072 },
    { keyType: "EC" as const, bits: 256 },
  ])("signs with a $keyType $bits key on the token; pdfsig says valid", async ({ keyType, bits }) => {
    const label = `Token ${keyType}${bits}`;
    await hsm.initToken(label, "123456");
    await hsm.provision(ids.ca, {
      tokenLabel: label,
      pin: "123456",
      keyType,
      bits,
      commonName: "Nguyễn Văn An",
      title: "Phó Chủ tịch",
      organization: "UBND phường Hồng Bàng",
      withChain: true,
      notBefore: new Date("2025-01-01"),
    });
    const out = join(dir, `p11-${keyType}${bits}.pdf`);
    const env = { ...hsm.env, TOKEN_PIN: "123456" };
    const r = await vanthu(
      [
        "sign",
        join(dir, "doc.pdf"),
        "-o",
        out,
        "--type",
        "signer",
        "--image",
        join(dir, "sig.png"),
        "--pkcs11",
        hsm.module,
        "--pin-env",
        "TOKEN_PIN",
        "--token",
        label,
        ...TRUST,
      ],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const sigs = await pdfsig(out);
    expect(sigs).toHaveLength(1);
    expect(sigs[0]!.valid).toBe(true);
    expect(sigs[0]!.totalDocumentSigned).toBe(true);
  });

  it("a wrong PIN is refused with the tries left, and nothing is written", async () => {
    const label = "Token PIN";
    await hsm.initToken(label, "123456");
    await hsm.provision(ids.ca, {
      tokenLabel: label,
      pin: "123456",
      commonName: "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG",
      organization: "UBND thành phố Hải Phòng",
      withChain: true,
      notBefore: new Date("2025-01-01"),
    });
    const out = join(dir, "p11-wrong.pdf");
    const r = await vanthu(
      [
        "sign",
        join(dir, "doc.pdf"),
        "-o",
        out,
        "--type",
        "appendix",
        "--doc-number",
        "1/UBND",
        "--pkcs11",
        hsm.module,
        "--pin-env",
        "TOKEN_PIN",
        "--token",
        label,
        ...TRUST,
      ],
      { ...hsm.env, TOKEN_PIN: "000000" },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/PIN/);
    expect(r.stderr).not.toContain("000000");
    expect(existsSync(out)).toBe(false);
  });
});
