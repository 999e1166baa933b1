import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DemoCertificationAuthority, type IssueOptions, type IssuedIdentity } from "../../shared/pki/demo-ca.ts";
import { WebCryptoSigner } from "../../shared/sign/webcrypto-signer.ts";
import { tool } from "./tools.ts";

export interface TestIdentities {
  root: DemoCertificationAuthority;
  ca: DemoCertificationAuthority;
  official: IssuedIdentity;
  organisation: IssuedIdentity;
  officialSigner: WebCryptoSigner;
  organisationSigner: WebCryptoSigner;
}

export function signerOf(id: IssuedIdentity): WebCryptoSigner {
  return new WebCryptoSigner(id.keys.privateKey, { certificate: new Uint8Array(id.certificate.rawData), chain: id.chain }, "khóa thử", true);
}

/** A two-level demo PKI shaped like the government's: root → sub-CA → official and organisation. */
export async function testIdentities(extra: Partial<IssueOptions> = {}): Promise<TestIdentities> {
  const root = await DemoCertificationAuthority.create({ commonName: "Demo RootCA chuyên dùng — thử nghiệm" });
  const ca = await root.issueSubordinate({ commonName: "Demo CA phục vụ các cơ quan Nhà nước — thử nghiệm", organization: "Ban Cơ yếu Chính phủ (thử)" });
  const validity = { notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date(Date.now() + 2 * 365 * 86400e3) };
  const official = await ca.issue({
    commonName: "Nguyễn Văn An",
    title: "Phó Chủ tịch",
    organization: "UBND phường Hồng Bàng",
    locality: "Hải Phòng",
    ...validity,
    ...extra,
  });
  const organisation = await ca.issue({
    commonName: "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG",
    organization: "UBND thành phố Hải Phòng",
    locality: "Hải Phòng",
    ...validity,
    ...extra,
  });
  return { root, ca, official, organisation, officialSigner: signerOf(official), organisationSigner: signerOf(organisation) };
}

function pem(label: string, der: ArrayBuffer | Uint8Array): string {
  const b64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString("base64");
  return `-----BEGIN ${label}-----\n${(b64.match(/.{1,64}/g) ?? []).join("\n")}\n-----END ${label}-----\n`;
}

/** Writes the identity as a PKCS#12 file with OpenSSL (AES-256 / PBKDF2, OpenSSL 3's default). */
export async function writePkcs12(id: IssuedIdentity, dir: string, name: string, password: string): Promise<string> {
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", id.keys.privateKey);
  const keyFile = join(dir, `${name}.key.pem`);
  const certFile = join(dir, `${name}.crt.pem`);
  const chainFile = join(dir, `${name}.chain.pem`);
  writeFileSync(keyFile, pem("PRIVATE KEY", pkcs8));
  writeFileSync(certFile, id.certificate.toString("pem") + "\n");
  writeFileSync(chainFile, id.chain.map((c) => pem("CERTIFICATE", c)).join(""));
  const out = join(dir, `${name}.p12`);
  const r = await tool("openssl", [
    "pkcs12",
    "-export",
    "-inkey",
    keyFile,
    "-in",
    certFile,
    "-certfile",
    chainFile,
    "-name",
    name,
    "-out",
    out,
    "-passout",
    `pass:${password}`,
  ]);
  if (r.code !== 0) throw new Error(`openssl pkcs12 failed: ${r.stderr}`);
  return out;
}

/** An NSS database holding the identity, for poppler's `pdfsig -add-signature`. */
export async function nssDatabaseWith(p12: string, password: string, dir: string): Promise<string> {
  const db = join(dir, "nssdb");
  await tool("mkdir", ["-p", db]);
  const a = await tool("certutil", ["-N", "-d", `sql:${db}`, "--empty-password"]);
  if (a.code !== 0) throw new Error(`certutil failed: ${a.stderr}`);
  const b = await tool("pk12util", ["-i", p12, "-d", `sql:${db}`, "-W", password]);
  if (b.code !== 0) throw new Error(`pk12util failed: ${b.stderr}${b.stdout}`);
  return db;
}
