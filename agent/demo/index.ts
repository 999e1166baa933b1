/**
 * Demo mode (`vanthu agent` with no --module, and `npm start`): a SoftHSM2 token that the
 * project initialises under the data folder, holding a person's and an organisation's key
 * with certificates from a demo CA the project generates — every name labelled
 * "CHỈ DÙNG THỬ — không có giá trị pháp lý". Without SoftHSM2, an in-memory key with the
 * same label. Either way the agent says so loudly at start and on every page.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { webcrypto } from "node:crypto";
import pkcs11js from "pkcs11js";
import { DemoCertificationAuthority, DEMO_LABEL } from "../../shared/pki/demo-ca.ts";
import { x509 } from "../../shared/pki/x509.ts";
import { acquireModule } from "../pkcs11/module.ts";
import { presentTokens } from "../pkcs11/tokens.ts";
import { Pkcs11TokenProvider } from "../tokens/pkcs11-provider.ts";
import { WebCryptoTokenProvider } from "../tokens/webcrypto-provider.ts";
import type { TokenProvider } from "../tokens/provider.ts";
import { AGENT_DEFAULT_PORT } from "../../shared/agent-protocol/index.ts";

const run = promisify(execFile);

export const SOFTHSM_MODULE_PATHS = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so", "/usr/local/lib/softhsm/libsofthsm2.so", "/opt/homebrew/lib/softhsm/libsofthsm2.so"];
export const DEMO_TOKEN_LABEL = "VANTHU DEMO";
export const DEMO_PIN = "123456";
const DEMO_SO_PIN = "12345678";

export interface DemoTokens {
  provider: TokenProvider;
  pin: string;
  kind: "softhsm" | "memory";
  /** PEM of the demo root CA, written to the data folder so verifiers can be told to trust it. */
  caFile: string;
  /** What to print, loudly. */
  notice: string;
  /**
   * A fresh CRL of the demo CA (nothing revoked), served by the agent at DEMO_CRL_PATH and
   * named in the demo certificates, so that documents signed in a demo can be fully verified
   * (R10 asks for revocation data) by the PWA and `vanthu verify`.
   */
  crl(): Promise<Uint8Array>;
}

export const DEMO_CRL_PATH = "/demo/ca.crl";
const demoCrlUrl = () => `http://127.0.0.1:${AGENT_DEFAULT_PORT}${DEMO_CRL_PATH}`;

async function crlOf(ca: DemoCertificationAuthority): Promise<Uint8Array> {
  // Valid for a day: a verifier that wants current revocation data gets it on each check.
  return new Uint8Array((await ca.crl([], new Date(Date.now() - 60_000), new Date(Date.now() + 24 * 3600e3))).rawData);
}

export function findSoftHsmModule(): string | undefined {
  return SOFTHSM_MODULE_PATHS.find((p) => existsSync(p));
}

async function softHsmUtilAvailable(): Promise<boolean> {
  try {
    await run("softhsm2-util", ["--version"]);
    return true;
  } catch {
    return false;
  }
}

const PERSON = { commonName: `Nguyễn Văn Thử (${DEMO_LABEL})`, title: "Chủ tịch", organization: `UBND xã Demo — ${DEMO_LABEL}`, locality: "Hải Phòng" };
const ORGANISATION = { commonName: "ỦY BAN NHÂN DÂN XÃ DEMO", organization: `UBND thành phố Hải Phòng — ${DEMO_LABEL}`, locality: "Hải Phòng" };

export async function openDemoTokens(dataDir: string, options: { forceMemory?: boolean } = {}): Promise<DemoTokens> {
  mkdirSync(dataDir, { recursive: true });
  const caFile = join(dataDir, "demo-ca.pem");
  const module = findSoftHsmModule();
  if (!options.forceMemory && module && (await softHsmUtilAvailable())) {
    const keyFile = join(dataDir, "demo-ca.key");
    const provider = await openSoftHsmDemo(join(dataDir, "softhsm"), module, caFile, keyFile);
    const ca = await DemoCertificationAuthority.load(new Uint8Array(new x509.X509Certificate(readFileSync(caFile, "utf8")).rawData), new Uint8Array(readFileSync(keyFile)), webcrypto as unknown as Crypto);
    return {
      provider,
      crl: () => crlOf(ca),
      pin: DEMO_PIN,
      kind: "softhsm",
      caFile,
      notice: banner([
        `CHẾ ĐỘ THỬ: đang dùng token SoftHSM2 "${DEMO_TOKEN_LABEL}" (${join(dataDir, "softhsm")}), mã PIN ${DEMO_PIN}.`,
        `Chứng thư số do CA thử của dự án cấp — ${DEMO_LABEL}.`,
        `DEMO MODE: SoftHSM2 token "${DEMO_TOKEN_LABEL}", PIN ${DEMO_PIN}; demo CA certificate: ${caFile}.`,
        "Để ký thật, chạy: vanthu agent --module <thư viện PKCS#11 của token> (xem agent/README.md).",
      ]),
    };
  }
  const ca = await DemoCertificationAuthority.create({}, webcrypto as unknown as Crypto);
  writeFileSync(caFile, ca.certificate.toString("pem"));
  const person = await ca.issue({ ...PERSON, crlUrl: demoCrlUrl() });
  return {
    provider: new WebCryptoTokenProvider(person, DEMO_PIN),
    crl: () => crlOf(ca),
    pin: DEMO_PIN,
    kind: "memory",
    caFile,
    notice: banner([
      `CHẾ ĐỘ THỬ: không có SoftHSM2 — đang dùng KHÓA THỬ TRONG BỘ NHỚ (mất khi tắt chương trình), mã PIN ${DEMO_PIN}.`,
      `Chứng thư số do CA thử cấp — ${DEMO_LABEL}.`,
      `DEMO MODE: SoftHSM2 is not installed; using an in-memory demo key, PIN ${DEMO_PIN}; demo CA certificate: ${caFile}.`,
      "Cài softhsm2 (apt-get install softhsm2) để có token thử lưu trên đĩa.",
    ]),
  };
}

function banner(lines: string[]): string {
  const bar = "!".repeat(78);
  return [bar, ...lines.map((l) => `!! ${l}`), bar].join("\n");
}

/** Initialises (once) the demo token and its keys and certificates, then opens it. */
async function openSoftHsmDemo(dir: string, module: string, caFile: string, keyFile: string): Promise<TokenProvider> {
  const tokenDir = join(dir, "tokens");
  mkdirSync(tokenDir, { recursive: true });
  const conf = join(dir, "softhsm2.conf");
  if (!existsSync(conf)) writeFileSync(conf, `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  // Must be set before the library's C_Initialize in this process.
  process.env.SOFTHSM2_CONF = conf;
  const marker = join(dir, "provisioned.json");
  // Provision again when any part is missing (a deleted token folder must not leave a demo without keys).
  // A demo made before the CA key was kept (no CRLs possible) is made again too.
  if (!existsSync(marker) || !existsSync(caFile) || !existsSync(keyFile) || readdirSync(tokenDir).length === 0) {
    for (const old of readdirSync(tokenDir)) rmSync(join(tokenDir, old), { recursive: true, force: true });
    await run("softhsm2-util", ["--init-token", "--free", "--label", DEMO_TOKEN_LABEL, "--pin", DEMO_PIN, "--so-pin", DEMO_SO_PIN], { env: { ...process.env, SOFTHSM2_CONF: conf } });
    const ca = await DemoCertificationAuthority.create({}, webcrypto as unknown as Crypto);
    const mod = acquireModule(module);
    try {
      const token = presentTokens(mod.pkcs11).filter((t) => t.label === DEMO_TOKEN_LABEL).at(-1);
      if (!token) throw new Error("demo token not found after initialisation");
      await provisionOnToken(mod.pkcs11, token.slot, ca, "01", "Nguyễn Văn Thử", { ...PERSON, crlUrl: demoCrlUrl() });
      await provisionOnToken(mod.pkcs11, token.slot, ca, "02", "UBND xã Demo", { ...ORGANISATION, crlUrl: demoCrlUrl() });
    } finally {
      mod.release();
    }
    writeFileSync(caFile, ca.certificate.toString("pem"));
    writeFileSync(keyFile, await ca.exportPrivateKey(), { mode: 0o600 });
    writeFileSync(marker, JSON.stringify({ token: DEMO_TOKEN_LABEL, at: new Date().toISOString() }));
  }
  return new Pkcs11TokenProvider(module, { demo: true, description: `SoftHSM2 — token thử "${DEMO_TOKEN_LABEL}" — ${DEMO_LABEL}` });
}

/** Generates an RSA key pair on the token and stores the demo CA's certificate for it beside it. */
async function provisionOnToken(
  p: pkcs11js.PKCS11,
  slot: Buffer,
  ca: DemoCertificationAuthority,
  idHex: string,
  label: string,
  subject: { commonName: string; title?: string; organization: string; locality: string; crlUrl?: string },
): Promise<void> {
  const s = p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
  try {
    p.C_Login(s, pkcs11js.CKU_USER, DEMO_PIN);
    const id = Buffer.from(idHex, "hex");
    const kp = p.C_GenerateKeyPair(
      s,
      { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
      [
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_PRIVATE, value: false },
        { type: pkcs11js.CKA_VERIFY, value: true },
        { type: pkcs11js.CKA_MODULUS_BITS, value: 2048 },
        { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
        { type: pkcs11js.CKA_ID, value: id },
        { type: pkcs11js.CKA_LABEL, value: label },
      ],
      [
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_PRIVATE, value: true },
        { type: pkcs11js.CKA_SENSITIVE, value: true },
        { type: pkcs11js.CKA_EXTRACTABLE, value: false },
        { type: pkcs11js.CKA_SIGN, value: true },
        { type: pkcs11js.CKA_ID, value: id },
        { type: pkcs11js.CKA_LABEL, value: label },
      ],
    );
    const [n, e] = p.C_GetAttributeValue(s, kp.publicKey, [{ type: pkcs11js.CKA_MODULUS }, { type: pkcs11js.CKA_PUBLIC_EXPONENT }]);
    const b64u = (b: Buffer) => b.toString("base64url");
    const publicKey = await webcrypto.subtle.importKey("jwk", { kty: "RSA", n: b64u(n!.value as Buffer), e: b64u(e!.value as Buffer), alg: "RS256", ext: true }, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["verify"]);
    const cert = await ca.issueFor(publicKey as unknown as CryptoKey, subject);
    const writeCert = (c: x509.X509Certificate, certId: Buffer, certLabel: string) =>
      p.C_CreateObject(s, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
        { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_PRIVATE, value: false },
        { type: pkcs11js.CKA_ID, value: certId },
        { type: pkcs11js.CKA_LABEL, value: certLabel },
        { type: pkcs11js.CKA_SUBJECT, value: Buffer.from(c.subjectName.toArrayBuffer()) },
        { type: pkcs11js.CKA_ISSUER, value: Buffer.from(c.issuerName.toArrayBuffer()) },
        { type: pkcs11js.CKA_SERIAL_NUMBER, value: Buffer.from(c.serialNumber, "hex") },
        { type: pkcs11js.CKA_VALUE, value: Buffer.from(c.rawData) },
      ]);
    writeCert(cert, id, label);
    if (idHex === "01") writeCert(ca.certificate, Buffer.from("ca", "hex"), "Demo Root CA");
  } finally {
    try {
      p.C_Logout(s);
    } catch {
      /* not logged in */
    }
    p.C_CloseSession(s);
  }
}

/** For the README and `vanthu agent --help`: the demo CA certificate, once generated. */
export function readDemoCa(dataDir: string): string | undefined {
  const f = join(dataDir, "demo-ca.pem");
  return existsSync(f) ? readFileSync(f, "utf8") : undefined;
}
