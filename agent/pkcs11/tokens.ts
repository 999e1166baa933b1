import pkcs11js from "pkcs11js";
import { tokenErrors } from "./errors.ts";

/** A slot with an initialised token in it. */
export interface TokenSlot {
  slot: Buffer;
  label: string;
  serialNumber: string;
  model: string;
  manufacturer: string;
  flags: number;
}

/** Tokens present and initialised (SoftHSM2 always shows one more, empty, slot: skipped). */
export function presentTokens(p: pkcs11js.PKCS11): TokenSlot[] {
  const out: TokenSlot[] = [];
  for (const slot of p.C_GetSlotList(true)) {
    let info: pkcs11js.TokenInfo;
    try {
      info = p.C_GetTokenInfo(slot);
    } catch {
      continue; // pulled out between the two calls
    }
    if (!(info.flags & pkcs11js.CKF_TOKEN_INITIALIZED)) continue;
    out.push({
      slot,
      label: info.label.trim(),
      serialNumber: info.serialNumber.trim(),
      model: info.model.trim(),
      manufacturer: info.manufacturerID.trim(),
      flags: info.flags,
    });
  }
  return out;
}

export function tokensByLabel(p: pkcs11js.PKCS11, tokenLabel?: string): TokenSlot[] {
  const all = presentTokens(p);
  const chosen = tokenLabel === undefined ? all : all.filter((t) => t.label === tokenLabel);
  if (chosen.length === 0) throw tokenErrors.notPresent(tokenLabel);
  return chosen;
}

/** Reads the token's flags again (tries left change after each wrong PIN); undefined when it is gone. */
export function currentFlags(p: pkcs11js.PKCS11, slot: Buffer): number | undefined {
  try {
    return p.C_GetTokenInfo(slot).flags;
  } catch {
    return undefined;
  }
}

/** True when the token with this serial number is still in its slot. */
export function stillPresent(p: pkcs11js.PKCS11, t: TokenSlot): boolean {
  try {
    const info = p.C_GetTokenInfo(t.slot);
    return info.serialNumber.trim() === t.serialNumber && (info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) !== 0;
  } catch {
    return false;
  }
}

export function findObjects(p: pkcs11js.PKCS11, session: Buffer, template: pkcs11js.Template): Buffer[] {
  p.C_FindObjectsInit(session, template);
  try {
    const out: Buffer[] = [];
    for (;;) {
      const batch = p.C_FindObjects(session, 64);
      out.push(...batch);
      if (batch.length < 64) return out;
    }
  } finally {
    p.C_FindObjectsFinal(session);
  }
}

export interface CertificateObject {
  /** CKA_ID: links the certificate to its key pair. */
  id: Buffer;
  label: string;
  der: Uint8Array;
}

export function readCertificates(p: pkcs11js.PKCS11, session: Buffer): CertificateObject[] {
  const handles = findObjects(p, session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
    { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
  ]);
  return handles.map((h) => {
    const [id, label, value] = p.C_GetAttributeValue(session, h, [{ type: pkcs11js.CKA_ID }, { type: pkcs11js.CKA_LABEL }, { type: pkcs11js.CKA_VALUE }]);
    return {
      id: (id?.value as Buffer | undefined) ?? Buffer.alloc(0),
      label: ((label?.value as Buffer | undefined) ?? Buffer.alloc(0)).toString("utf8"),
      der: new Uint8Array((value?.value as Buffer | undefined) ?? Buffer.alloc(0)),
    };
  });
}

export interface KeyObject {
  handle: Buffer;
  id: Buffer;
  label: string;
  keyType: number;
}

/** Keys of a class (private keys show only after login on most tokens; public keys before). */
export function readKeys(p: pkcs11js.PKCS11, session: Buffer, cls: number, id?: Buffer): KeyObject[] {
  const template: pkcs11js.Template = [{ type: pkcs11js.CKA_CLASS, value: cls }];
  if (id) template.push({ type: pkcs11js.CKA_ID, value: id });
  return findObjects(p, session, template).map((h) => {
    const [kid, label, kt] = p.C_GetAttributeValue(session, h, [{ type: pkcs11js.CKA_ID }, { type: pkcs11js.CKA_LABEL }, { type: pkcs11js.CKA_KEY_TYPE }]);
    return {
      handle: h,
      id: (kid?.value as Buffer | undefined) ?? Buffer.alloc(0),
      label: ((label?.value as Buffer | undefined) ?? Buffer.alloc(0)).toString("utf8"),
      keyType: ((kt?.value as Buffer | undefined) ?? Buffer.alloc(8)).readUIntLE(0, 4),
    };
  });
}
