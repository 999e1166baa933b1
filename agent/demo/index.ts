/**
 * Demo mode (`vanthu agent` with no --module, and `npm start`): two SoftHSM2 tokens that the
 * project initialises under the data folder, as an office has them — the leader's own token
 * with his personal certificate, and the office's token with its organisation certificate
 * (named like the demo office of the sync server's seed, so that issuing matches) — issued
 * by a demo CA the project generates and labelled "CHỈ DÙNG THỬ — không có giá trị pháp lý".
 * Two tokens, so that a lost-token incident on one leaves the other's certificate usable
 * (the request letter to the Sở is signed with it). The certificates name the demo CA's CRL
 * at the agent's actual port. Without SoftHSM2, an in-memory key of the leader with the same
 * label. Either way the agent says so loudly at start and on every page.
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

export const SOFTHSM_MODULE_PATHS = [
  "/usr/lib/softhsm/libsofthsm2.so",
  "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
  "/usr/local/lib/softhsm/libsofthsm2.so",
  "/opt/homebrew/lib/softhsm/libsofthsm2.so",
];
/** The leader's own token (personal certificate) and the office's token (organisation certificate). */
export const DEMO_TOKEN_LABELS = { leader: "VANTHU DEMO LANH DAO", office: "VANTHU DEMO CO QUAN" } as const;
/** @deprecated one token per holder now: DEMO_TOKEN_LABELS. */
export const DEMO_TOKEN_LABEL = DEMO_TOKEN_LABELS.leader;
/** Bumped when what is provisioned changes, so that an older demo folder is provisioned again. */
const DEMO_LAYOUT = 2;
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
/** Where the agent serves the demo CRL: its actual port (0 = a test's free port, which is not known yet: the default). */
export const demoCrlUrl = (port?: number) => `http://127.0.0.1:${port || AGENT_DEFAULT_PORT}${DEMO_CRL_PATH}`;

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

/**
 * The holders, named as the sync server's demo seed names them (sync-server/seed.ts): the
 * leader account lanhdao.hongbang is this person, and the office is UBND phường Hồng Bàng.
 * The demo label is in O (and in the CA's name), so that the names themselves match.
 */
export const DEMO_LEADER_NAME = "Nguyễn Văn Thử";
export const DEMO_ORGANISATION_NAME = "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG";
const PERSON = { commonName: DEMO_LEADER_NAME, title: "Chủ tịch", organization: `UBND phường Hồng Bàng — ${DEMO_LABEL}`, locality: "Hải Phòng" };
const ORGANISATION = { commonName: DEMO_ORGANISATION_NAME, organization: `UBND thành phố Hải Phòng — ${DEMO_LABEL}`, locality: "Hải Phòng" };

export async function openDemoTokens(dataDir: string, options: { forceMemory?: boolean; port?: number } = {}): Promise<DemoTokens> {
  mkdirSync(dataDir, { recursive: true });
  const caFile = join(dataDir, "demo-ca.pem");
  const module = findSoftHsmModule();
  if (!options.forceMemory && module && (await softHsmUtilAvailable())) {
    const keyFile = join(dataDir, "demo-ca.key");
    const provider = await openSoftHsmDemo(join(dataDir, "softhsm"), module, caFile, keyFile, demoCrlUrl(options.port));
    const ca = await DemoCertificationAuthority.load(
      new Uint8Array(new x509.X509Certificate(readFileSync(caFile, "utf8")).rawData),
      new Uint8Array(readFileSync(keyFile)),
      webcrypto as unknown as Crypto,
    );
    return {
      provider,
      crl: () => crlOf(ca),
      pin: DEMO_PIN,
      kind: "softhsm",
      caFile,
      notice: banner([
        `CHẾ ĐỘ THỬ: hai token SoftHSM2 (${join(dataDir, "softhsm")}), mã PIN ${DEMO_PIN}:`,
        `  "${DEMO_TOKEN_LABELS.leader}" — chứng thư số cá nhân của lãnh đạo ${DEMO_LEADER_NAME} (Chủ tịch);`,
        `  "${DEMO_TOKEN_LABELS.office}" — chứng thư số của cơ quan ${DEMO_ORGANISATION_NAME} (văn thư giữ).`,
        `Chứng thư số do CA thử của dự án cấp — ${DEMO_LABEL}; danh sách thu hồi tại ${demoCrlUrl(options.port)}.`,
        `DEMO MODE: SoftHSM2 tokens "${DEMO_TOKEN_LABELS.leader}" and "${DEMO_TOKEN_LABELS.office}", PIN ${DEMO_PIN}; demo CA certificate: ${caFile}.`,
        "Để ký thật, chạy: vanthu agent --module <thư viện PKCS#11 của token> (xem agent/README.md).",
      ]),
    };
  }
  const ca = await DemoCertificationAuthority.create({}, webcrypto as unknown as Crypto);
  writeFileSync(caFile, ca.certificate.toString("pem"));
  const person = await ca.issue({ ...PERSON, crlUrl: demoCrlUrl(options.port) });
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

/**
 * Initialises (once) the two demo tokens and their keys and certificates, then opens them.
 * Provisioned again when any part is missing (a deleted token folder must not leave a demo
 * without keys), when the demo was made by an older layout, or when the agent now listens on
 * another port than the one its certificates name for the CRL.
 */
async function openSoftHsmDemo(dir: string, module: string, caFile: string, keyFile: string, crlUrl: string): Promise<TokenProvider> {
  const tokenDir = join(dir, "tokens");
  mkdirSync(tokenDir, { recursive: true });
  const conf = join(dir, "softhsm2.conf");
  if (!existsSync(conf)) writeFileSync(conf, `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  // Must be set before the library's C_Initialize in this process.
  process.env.SOFTHSM2_CONF = conf;
  const marker = join(dir, "provisioned.json");
  const made = existsSync(marker) ? (JSON.parse(readFileSync(marker, "utf8")) as { layout?: number; crlUrl?: string }) : undefined;
  if (!made || made.layout !== DEMO_LAYOUT || made.crlUrl !== crlUrl || !existsSync(caFile) || !existsSync(keyFile) || readdirSync(tokenDir).length < 2) {
    for (const old of readdirSync(tokenDir)) rmSync(join(tokenDir, old), { recursive: true, force: true });
    const env = { env: { ...process.env, SOFTHSM2_CONF: conf } };
    for (const label of [DEMO_TOKEN_LABELS.leader, DEMO_TOKEN_LABELS.office])
      await run("softhsm2-util", ["--init-token", "--free", "--label", label, "--pin", DEMO_PIN, "--so-pin", DEMO_SO_PIN], env);
    const ca = await DemoCertificationAuthority.create({}, webcrypto as unknown as Crypto);
    const mod = acquireModule(module);
    try {
      const slotOf = (label: string) => {
        const token = presentTokens(mod.pkcs11)
          .filter((t) => t.label === label)
          .at(-1);
        if (!token) throw new Error(`demo token ${label} not found after initialisation`);
        return token.slot;
      };
      await provisionOnToken(mod.pkcs11, slotOf(DEMO_TOKEN_LABELS.leader), ca, "01", DEMO_LEADER_NAME, { ...PERSON, crlUrl });
      await provisionOnToken(mod.pkcs11, slotOf(DEMO_TOKEN_LABELS.office), ca, "02", "UBND phường Hồng Bàng", { ...ORGANISATION, crlUrl });
    } finally {
      mod.release();
    }
    writeFileSync(caFile, ca.certificate.toString("pem"));
    writeFileSync(keyFile, await ca.exportPrivateKey(), { mode: 0o600 });
    writeFileSync(marker, JSON.stringify({ layout: DEMO_LAYOUT, tokens: Object.values(DEMO_TOKEN_LABELS), crlUrl, at: new Date().toISOString() }));
  }
  return new Pkcs11TokenProvider(module, {
    demo: true,
    description: `SoftHSM2 — token thử "${DEMO_TOKEN_LABELS.leader}", "${DEMO_TOKEN_LABELS.office}" — ${DEMO_LABEL}`,
  });
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
    const publicKey = await webcrypto.subtle.importKey(
      "jwk",
      { kty: "RSA", n: b64u(n!.value as Buffer), e: b64u(e!.value as Buffer), alg: "RS256", ext: true },
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      true,
      ["verify"],
    );
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
    writeCert(ca.certificate, Buffer.from("ca", "hex"), "Demo Root CA");
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
