/**
 * A real SoftHSM2 token for tests: a temporary SOFTHSM2_CONF and token directory, tokens
 * initialised with softhsm2-util, key pairs generated ON the token with pkcs11-tool (as a
 * real token would), and certificates issued for them by a DemoCertificationAuthority.
 *
 * Everything goes through child processes, so the test process can still choose when to
 * load the library. SOFTHSM2_CONF must be set (useInProcess()) before the first
 * C_Initialize of libsofthsm2 in this process: one SoftHsm per test file.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { webcrypto } from "node:crypto";
import { x509 } from "../../shared/pki/x509.ts";
import { DemoCertificationAuthority, type IssueOptions } from "../../shared/pki/demo-ca.ts";

const run = promisify(execFile);

export const SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so";

export function softHsmInstalled(): boolean {
  return existsSync(SOFTHSM_MODULE) && existsSync("/usr/bin/softhsm2-util") && existsSync("/usr/bin/pkcs11-tool");
}

/**
 * For the tests that need a real token: fails them (never skips them) when SoftHSM2 or
 * pkcs11-tool is missing, saying how to install them.
 */
export function requireSoftHsm(): void {
  if (!softHsmInstalled())
    throw new Error(
      "SoftHSM2 and OpenSC are needed for this test: run `npm test` (bin/setup-system.mjs installs them) or `apt-get install -y softhsm2 opensc`",
    );
}

export interface ProvisionOptions extends Partial<IssueOptions> {
  tokenLabel: string;
  pin: string;
  /** CKA_ID, hex (default: a fresh one). */
  id?: string;
  /** CKA_LABEL of the key pair and the certificate. */
  keyLabel?: string;
  keyType?: "RSA" | "EC";
  /** RSA size (default 2048). */
  bits?: number;
  /** Also write the issuing CA's certificate on the token (as real tokens carry the chain). */
  withChain?: boolean;
}

export interface ProvisionedIdentity {
  certificate: x509.X509Certificate;
  der: Uint8Array;
  id: string;
  keyLabel: string;
}

export class SoftHsm {
  readonly module = SOFTHSM_MODULE;
  private idCounter = 1;

  private constructor(
    readonly dir: string,
    readonly conf: string,
    readonly tokenDir: string,
  ) {}

  /** A fresh, empty SoftHSM2 store under a temporary directory (or `dir` when given). */
  static create(dir?: string): SoftHsm {
    const root = dir ?? mkdtempSync(join(tmpdir(), "vanthu-softhsm-"));
    const tokenDir = join(root, "tokens");
    rmSync(tokenDir, { recursive: true, force: true });
    const conf = join(root, "softhsm2.conf");
    // objectstore file: plain files we can inspect (and delete to pull the token out)
    writeFileSync(conf, `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = true\n`);
    mkdirSync(tokenDir, { recursive: true });
    return new SoftHsm(root, conf, tokenDir);
  }

  get env(): NodeJS.ProcessEnv {
    return { ...process.env, SOFTHSM2_CONF: this.conf };
  }

  /** Points this process's future C_Initialize of libsofthsm2 at this store. */
  useInProcess(): void {
    process.env.SOFTHSM2_CONF = this.conf;
  }

  async initToken(label: string, pin: string, soPin = "87654321"): Promise<void> {
    await run("softhsm2-util", ["--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", soPin], { env: this.env });
  }

  private tool(args: string[]) {
    return run("pkcs11-tool", ["--module", this.module, ...args], { env: this.env, encoding: "buffer", maxBuffer: 16 * 1024 * 1024 });
  }

  /**
   * Generates a key pair on the token, has `ca` issue a certificate for its public key, and
   * writes the certificate beside it with the same CKA_ID.
   */
  async provision(ca: DemoCertificationAuthority, o: ProvisionOptions): Promise<ProvisionedIdentity> {
    const id = o.id ?? (this.idCounter++).toString(16).padStart(2, "0") + Date.now().toString(16).slice(-6);
    const keyLabel = o.keyLabel ?? `key-${id}`;
    const keyType = o.keyType === "EC" ? "EC:prime256v1" : `rsa:${o.bits ?? 2048}`;
    const base = ["--token-label", o.tokenLabel, "--login", "--pin", o.pin];
    await this.tool([...base, "--keypairgen", "--key-type", keyType, "--id", id, "--label", keyLabel, "--usage-sign"]);
    const pubFile = join(this.dir, `pub-${id}.der`);
    await this.tool(["--token-label", o.tokenLabel, "--read-object", "--type", "pubkey", "--id", id, "-o", pubFile]);
    const spki = readFileSync(pubFile);
    const alg = o.keyType === "EC" ? { name: "ECDSA", namedCurve: "P-256" } : { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    const publicKey = await webcrypto.subtle.importKey("spki", spki, alg, true, ["verify"]);
    const { tokenLabel: _t, pin: _p, id: _i, keyLabel: _k, keyType: _kt, bits: _b, withChain, ...issue } = o;
    const certificate = await ca.issueFor(publicKey as CryptoKey, { commonName: keyLabel, ...issue });
    const der = new Uint8Array(certificate.rawData);
    await this.writeCertificate(o.tokenLabel, o.pin, der, id, keyLabel);
    if (withChain) {
      for (const [i, c] of ca.chain.entries()) await this.writeCertificate(o.tokenLabel, o.pin, c, `ca${i.toString(16).padStart(2, "0")}${id}`, `CA ${i}`);
    }
    return { certificate, der, id, keyLabel };
  }

  async writeCertificate(tokenLabel: string, pin: string, der: Uint8Array, id: string, label: string): Promise<void> {
    const f = join(this.dir, `cert-${id}.der`);
    writeFileSync(f, der);
    await this.tool(["--token-label", tokenLabel, "--login", "--pin", pin, "--write-object", f, "--type", "cert", "--id", id, "--label", label]);
  }

  /** The directory that holds one token's files (SoftHSM2 file backend). */
  tokenPath(label: string): string {
    for (const d of readdirSync(this.tokenDir)) {
      const obj = join(this.tokenDir, d, "token.object");
      if (!existsSync(obj)) continue;
      const attrs = readObjectFile(readFileSync(obj));
      const l = attrs.get(CKA_OS_TOKENLABEL);
      if (l && Buffer.isBuffer(l) && l.toString("utf8").trimEnd() === label) return join(this.tokenDir, d);
    }
    throw new Error(`no SoftHSM token labelled ${label}`);
  }

  /** Pulls the token out: its files disappear, as a USB token does from the reader. */
  removeToken(label: string): void {
    rmSync(this.tokenPath(label), { recursive: true, force: true });
  }

  /**
   * Sets or clears bits of the token's flags as SoftHSM2 stores them, e.g. CKF_USER_PIN_LOCKED
   * or CKF_USER_PIN_FINAL_TRY: SoftHSM2 itself never locks a PIN, a hardware token does.
   * The token reports the new flags through C_GetTokenInfo like a real one.
   */
  setTokenFlags(label: string, set: number, clear = 0): void {
    const file = join(this.tokenPath(label), "token.object");
    const buf = readFileSync(file);
    const off = findAttributeValueOffset(buf, CKA_OS_TOKENFLAGS);
    const flags = Number(buf.readBigUInt64BE(off));
    buf.writeBigUInt64BE(BigInt((flags | set) & ~clear), off);
    // bump the object's generation so a running library re-reads the file
    buf.writeBigUInt64BE(buf.readBigUInt64BE(0) + 1n, 0);
    writeFileSync(file, buf);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// SoftHSM2 vendor attributes of the token object (src/lib/object_store/OSAttributes.h).
const CKA_OS_TOKENLABEL = 0x80005349;
const CKA_OS_TOKENFLAGS = 0x8000534b;

/** Reads SoftHSM2's object file: an 8-byte generation, then (type, kind, value) records. */
function readObjectFile(buf: Buffer): Map<number, Buffer | bigint | boolean> {
  const out = new Map<number, Buffer | bigint | boolean>();
  let off = 8;
  while (off + 16 <= buf.length) {
    const type = Number(buf.readBigUInt64BE(off));
    const kind = Number(buf.readBigUInt64BE(off + 8));
    off += 16;
    if (kind === 1) {
      out.set(type, buf[off] !== 0);
      off += 1;
    } else if (kind === 2) {
      out.set(type, buf.readBigUInt64BE(off));
      off += 8;
    } else if (kind === 3) {
      const len = Number(buf.readBigUInt64BE(off));
      out.set(type, buf.subarray(off + 8, off + 8 + len));
      off += 8 + len;
    } else break;
  }
  return out;
}

function findAttributeValueOffset(buf: Buffer, wanted: number): number {
  let off = 8;
  while (off + 16 <= buf.length) {
    const type = Number(buf.readBigUInt64BE(off));
    const kind = Number(buf.readBigUInt64BE(off + 8));
    off += 16;
    if (type === wanted && kind === 2) return off;
    if (kind === 1) off += 1;
    else if (kind === 2) off += 8;
    else if (kind === 3) off += 8 + Number(buf.readBigUInt64BE(off));
    else break;
  }
  throw new Error(`attribute 0x${wanted.toString(16)} not found in SoftHSM2 token object`);
}
