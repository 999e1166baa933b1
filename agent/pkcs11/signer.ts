import pkcs11js from "pkcs11js";
import { createHash } from "node:crypto";
import type { DigestAlgorithmName, SignatureAlgorithmName, SignatureResult, Signer, SignerCertificates } from "../../shared/sign/signer.ts";
import { ecdsaP1363ToDer } from "../../shared/sign/webcrypto-signer.ts";
import { DEMO_LABEL } from "../../shared/pki/demo-ca.ts";
import { REMOVAL_CODES, TokenError, loginError, pkcs11Code, tokenErrors } from "./errors.ts";
import { acquireModule, type Pkcs11Module } from "./module.ts";
import { currentFlags, readCertificates, readKeys, stillPresent, tokensByLabel, type CertificateObject, type TokenSlot } from "./tokens.ts";
import { buildChain, sha256Hex } from "./chain.ts";

export interface OpenPkcs11SignerOptions {
  /** Path of the PKCS#11 library (the token's driver). */
  module: string;
  /** The user PIN. Kept only for the C_Login call, never stored. */
  pin: string;
  /** Token label (CKA_LABEL of the token); any token when absent. */
  tokenLabel?: string;
  /** Label of the certificate or of its private key; needed only when a token holds several. */
  keyLabel?: string;
  /** SHA-256 (hex) of the certificate's DER: the agent's certificate id. Wins over keyLabel. */
  certificateId?: string;
}

/** DER prefix of DigestInfo { sha256, NULL }: for tokens that only offer raw CKM_RSA_PKCS. */
const SHA256_DIGEST_INFO_PREFIX = Buffer.from("3031300d060960864801650304020105000420", "hex");

/**
 * A Signer over a private key on a PKCS#11 token. One login signs a whole batch; calls are
 * serialised (a PKCS#11 session does one operation at a time). Once the token is found
 * pulled out, every later call fails at once with token.removed.
 */
export class Pkcs11Signer implements Signer {
  readonly digestAlgorithm: DigestAlgorithmName = "SHA-256";
  readonly isDemo: boolean;
  readonly label: string;
  private queue: Promise<unknown> = Promise.resolve();
  private removed: TokenError | undefined;
  private closed = false;

  /** Use Pkcs11Signer.open() or openPkcs11Signer(). */
  constructor(
    private readonly mod: Pkcs11Module,
    private readonly token: TokenSlot,
    private readonly session: Buffer,
    private readonly key: Buffer,
    readonly signatureAlgorithm: SignatureAlgorithmName,
    private readonly mechanism: number,
    private readonly signatureLength: number,
    private readonly certs: SignerCertificates,
    readonly certificateId: string,
    readonly keyLabel: string,
  ) {
    this.label = keyLabel ? `${token.label} / ${keyLabel}` : token.label;
    // Demo certificates carry the label in their names (shared/pki/demo-ca.ts).
    this.isDemo = Buffer.from(certs.certificate).includes(Buffer.from(DEMO_LABEL, "utf8"));
  }

  get tokenLabel(): string {
    return this.token.label;
  }

  static async open(options: OpenPkcs11SignerOptions): Promise<Pkcs11Signer> {
    const mod = acquireModule(options.module);
    try {
      return openOn(mod, options);
    } catch (e) {
      mod.release();
      throw e;
    }
  }

  async getCertificates(): Promise<SignerCertificates> {
    return this.certs;
  }

  sign(signedAttributesDer: Uint8Array): Promise<SignatureResult> {
    const run = this.queue.then(() => this.signNow(signedAttributesDer));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async signNow(data: Uint8Array): Promise<SignatureResult> {
    if (this.closed) throw tokenErrors.other(new Error("signer closed"));
    if (this.removed) throw this.removed;
    const p = this.mod.pkcs11;
    try {
      let input = Buffer.from(data);
      if (this.mechanism === pkcs11js.CKM_RSA_PKCS) {
        input = Buffer.concat([SHA256_DIGEST_INFO_PREFIX, createHash("sha256").update(data).digest()]);
      } else if (this.mechanism === pkcs11js.CKM_ECDSA) {
        input = createHash("sha256").update(data).digest();
      }
      p.C_SignInit(this.session, { mechanism: this.mechanism }, this.key);
      const out = await p.C_SignAsync(this.session, input, Buffer.alloc(this.signatureLength));
      const raw = new Uint8Array(out);
      const signature = this.signatureAlgorithm === "ECDSA" ? ecdsaP1363ToDer(raw) : raw;
      return { signature, ...this.certs };
    } catch (e) {
      const code = pkcs11Code(e);
      if ((code !== undefined && REMOVAL_CODES.has(code)) || !stillPresent(p, this.token)) {
        this.removed = tokenErrors.removed(e);
        throw this.removed;
      }
      throw tokenErrors.other(e);
    }
  }

  /** Logs out, closes the session and lets go of the library. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    const p = this.mod.pkcs11;
    try {
      p.C_Logout(this.session);
    } catch {
      /* the token may be gone */
    }
    try {
      p.C_CloseSession(this.session);
    } catch {
      /* idem */
    }
    this.mod.release();
  }
}

interface Candidate {
  token: TokenSlot;
  cert: CertificateObject;
  all: CertificateObject[];
}

function openOn(mod: Pkcs11Module, options: OpenPkcs11SignerOptions): Pkcs11Signer {
  const p = mod.pkcs11;
  let tokens: TokenSlot[];
  try {
    tokens = tokensByLabel(p, options.tokenLabel);
  } catch (e) {
    // Some libraries (SoftHSM2) fail the slot list itself once a token vanished.
    throw e instanceof TokenError ? e : tokenErrors.notPresent(options.tokenLabel);
  }
  const candidates: Candidate[] = [];
  for (const token of tokens) {
    const s = p.C_OpenSession(token.slot, pkcs11js.CKF_SERIAL_SESSION);
    try {
      const certs = readCertificates(p, s);
      const pubIds = new Set(readKeys(p, s, pkcs11js.CKO_PUBLIC_KEY).map((k) => k.id.toString("hex")));
      const privIds = new Set(readKeys(p, s, pkcs11js.CKO_PRIVATE_KEY).map((k) => k.id.toString("hex")));
      for (const cert of certs) {
        if (options.certificateId !== undefined) {
          if (sha256Hex(cert.der) !== options.certificateId) continue;
        } else if (options.keyLabel !== undefined) {
          if (cert.label !== options.keyLabel) {
            // the label may be on the key only
            const keyed = readKeys(p, s, pkcs11js.CKO_PUBLIC_KEY, cert.id).concat(readKeys(p, s, pkcs11js.CKO_PRIVATE_KEY, cert.id));
            if (!keyed.some((k) => k.label === options.keyLabel)) continue;
          }
        } else {
          const idHex = cert.id.toString("hex");
          // Before login, private keys are hidden on most tokens: a public key with the same id says a key pair is there.
          if (cert.id.length === 0 || (!pubIds.has(idHex) && !privIds.has(idHex))) continue;
        }
        candidates.push({ token, cert, all: certs });
      }
    } finally {
      p.C_CloseSession(s);
    }
  }
  const what = options.certificateId ?? options.keyLabel ?? options.tokenLabel ?? "any";
  if (candidates.length === 0) {
    // A chosen certificate that is on no token present: most likely its token is not plugged in.
    if (options.certificateId !== undefined) {
      throw new TokenError(
        "token.not-present",
        "Không thấy thiết bị ký số chứa chứng thư số đã chọn. Hãy cắm đúng token rồi thử lại.",
        `no token present holds certificate ${options.certificateId}`,
      );
    }
    throw tokenErrors.certificateNotFound(what);
  }
  if (candidates.length > 1) {
    throw new TokenError(
      "token.certificate-not-found",
      `Thiết bị ký số có ${candidates.length} chứng thư số; hãy chọn một bằng nhãn khóa (--key-label): ${candidates.map((c) => c.cert.label || c.cert.id.toString("hex")).join(", ")}.`,
      `${candidates.length} certificates match; choose one with a key label`,
    );
  }
  const { token, cert, all } = candidates[0]!;
  const flags = currentFlags(p, token.slot);
  if (flags === undefined) throw tokenErrors.removed();
  // A locked PIN is refused before touching the token again.
  if (flags & pkcs11js.CKF_USER_PIN_LOCKED) throw tokenErrors.pinLocked();

  const session = p.C_OpenSession(token.slot, pkcs11js.CKF_SERIAL_SESSION);
  try {
    login(p, session, token, options.pin);
    const keys = readKeys(p, session, pkcs11js.CKO_PRIVATE_KEY, cert.id);
    const key = keys[0];
    if (!key) throw tokenErrors.keyNotFound(cert.label || cert.id.toString("hex"));
    const mechanisms = new Set(p.C_GetMechanismList(token.slot));
    let signatureAlgorithm: SignatureAlgorithmName;
    let mechanism: number;
    let signatureLength: number;
    if (key.keyType === pkcs11js.CKK_RSA) {
      signatureAlgorithm = "RSASSA-PKCS1-v1_5";
      if (mechanisms.has(pkcs11js.CKM_SHA256_RSA_PKCS)) mechanism = pkcs11js.CKM_SHA256_RSA_PKCS;
      else if (mechanisms.has(pkcs11js.CKM_RSA_PKCS)) mechanism = pkcs11js.CKM_RSA_PKCS;
      else throw tokenErrors.mechanismUnsupported("RSA PKCS#1 v1.5");
      const [mod] = p.C_GetAttributeValue(session, key.handle, [{ type: pkcs11js.CKA_MODULUS }]);
      signatureLength = ((mod?.value as Buffer | undefined)?.length ?? 512) || 512;
    } else if (key.keyType === pkcs11js.CKK_EC) {
      signatureAlgorithm = "ECDSA";
      if (mechanisms.has(pkcs11js.CKM_ECDSA_SHA256)) mechanism = pkcs11js.CKM_ECDSA_SHA256;
      else if (mechanisms.has(pkcs11js.CKM_ECDSA)) mechanism = pkcs11js.CKM_ECDSA;
      else throw tokenErrors.mechanismUnsupported("ECDSA");
      signatureLength = 132; // r||s for curves up to P-521
    } else {
      throw tokenErrors.mechanismUnsupported(`key type ${key.keyType}`);
    }
    const chain = buildChain(
      cert.der,
      all.map((c) => c.der),
    );
    return new Pkcs11Signer(
      mod,
      token,
      session,
      key.handle,
      signatureAlgorithm,
      mechanism,
      signatureLength,
      { certificate: cert.der, chain },
      sha256Hex(cert.der),
      cert.label || key.label,
    );
  } catch (e) {
    try {
      p.C_Logout(session);
    } catch {
      /* not logged in */
    }
    try {
      p.C_CloseSession(session);
    } catch {
      /* gone */
    }
    if (e instanceof TokenError) throw e;
    const code = pkcs11Code(e);
    if ((code !== undefined && REMOVAL_CODES.has(code)) || !stillPresent(p, token)) throw tokenErrors.removed(e);
    throw tokenErrors.other(e);
  }
}

function login(p: pkcs11js.PKCS11, session: Buffer, token: TokenSlot, pin: string): void {
  try {
    p.C_Login(session, pkcs11js.CKU_USER, pin);
  } catch (e) {
    if (pkcs11Code(e) === pkcs11js.CKR_USER_ALREADY_LOGGED_IN) {
      // Login state is shared by all sessions of this process: log out and check this PIN for real.
      p.C_Logout(session);
      login(p, session, token, pin);
      return;
    }
    throw loginError(e, currentFlags(p, token.slot));
  }
}
