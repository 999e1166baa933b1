/**
 * PKCS#11 for the agent and the CLI (`vanthu sign --pkcs11`): list the certificates on the
 * tokens, and open a Signer over one of them. pkcs11js is a native addon, so this lives in
 * agent/, not in the isomorphic shared/.
 */
import pkcs11js from "pkcs11js";
import { Pkcs11Signer, type OpenPkcs11SignerOptions } from "./signer.ts";
import { acquireModule } from "./module.ts";
import { presentTokens, readCertificates, readKeys } from "./tokens.ts";
import { buildChain, sha256Hex } from "./chain.ts";
import { tokenErrors } from "./errors.ts";

export { Pkcs11Signer, type OpenPkcs11SignerOptions } from "./signer.ts";
export { TokenError, tokenErrors, type TokenErrorCode, type PinTries } from "./errors.ts";
export { sha256Hex } from "./chain.ts";

/** Opens a logged-in session on the token and returns a Signer; call close() when the batch is done. */
export async function openPkcs11Signer(options: OpenPkcs11SignerOptions): Promise<Pkcs11Signer & { close(): Promise<void> }> {
  return Pkcs11Signer.open(options);
}

export interface TokenDescription {
  label: string;
  serialNumber: string;
  model: string;
  manufacturer: string;
  /** The token asks for a PIN (CKF_LOGIN_REQUIRED). */
  loginRequired: boolean;
  pinLocked: boolean;
}

export interface TokenCertificate {
  /** SHA-256 of the certificate DER, hex. */
  id: string;
  tokenLabel: string;
  tokenSerialNumber: string;
  /** CKA_LABEL of the certificate object. */
  keyLabel: string;
  /** CKA_ID, hex. */
  objectId: string;
  certificate: Uint8Array;
  /** Issuer certificates found on the same token, nearest first. */
  chain: Uint8Array[];
}

export async function listTokens(module: string): Promise<{ module: string; description: string; tokens: TokenDescription[] }> {
  const mod = acquireModule(module);
  try {
    return {
      module,
      description: mod.description,
      tokens: presentTokens(mod.pkcs11).map((t) => ({
        label: t.label,
        serialNumber: t.serialNumber,
        model: t.model,
        manufacturer: t.manufacturer,
        loginRequired: (t.flags & pkcs11js.CKF_LOGIN_REQUIRED) !== 0,
        pinLocked: (t.flags & pkcs11js.CKF_USER_PIN_LOCKED) !== 0,
      })),
    };
  } finally {
    mod.release();
  }
}

/**
 * Certificates that have their key pair on the token (a public or private key object with the
 * same CKA_ID; private keys are hidden before login on most tokens). No PIN is needed.
 */
export async function listCertificates(module: string, options: { tokenLabel?: string } = {}): Promise<TokenCertificate[]> {
  const mod = acquireModule(module);
  const p = mod.pkcs11;
  try {
    const out: TokenCertificate[] = [];
    const tokens = presentTokens(p).filter((t) => options.tokenLabel === undefined || t.label === options.tokenLabel);
    if (options.tokenLabel !== undefined && tokens.length === 0) throw tokenErrors.notPresent(options.tokenLabel);
    for (const token of tokens) {
      let s: Buffer;
      try {
        s = p.C_OpenSession(token.slot, pkcs11js.CKF_SERIAL_SESSION);
      } catch {
        continue; // pulled out meanwhile
      }
      try {
        const certs = readCertificates(p, s);
        const keyed = new Set([...readKeys(p, s, pkcs11js.CKO_PUBLIC_KEY), ...readKeys(p, s, pkcs11js.CKO_PRIVATE_KEY)].map((k) => k.id.toString("hex")));
        for (const c of certs) {
          const objectId = c.id.toString("hex");
          if (c.id.length === 0 || !keyed.has(objectId)) continue;
          out.push({
            id: sha256Hex(c.der),
            tokenLabel: token.label,
            tokenSerialNumber: token.serialNumber,
            keyLabel: c.label,
            objectId,
            certificate: c.der,
            chain: buildChain(
              c.der,
              certs.map((x) => x.der),
            ),
          });
        }
      } finally {
        try {
          p.C_CloseSession(s);
        } catch {
          /* gone */
        }
      }
    }
    return out;
  } finally {
    mod.release();
  }
}
