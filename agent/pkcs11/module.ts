import pkcs11js from "pkcs11js";
import { tokenErrors } from "./errors.ts";

/**
 * A PKCS#11 library loaded and initialised once per process: C_Initialize may be called
 * only once per library, and SoftHSM2 reads SOFTHSM2_CONF at that moment.
 */
export interface Pkcs11Module {
  readonly pkcs11: pkcs11js.PKCS11;
  readonly path: string;
  readonly description: string;
  /** Drops this user; the last one finalises the library. */
  release(): void;
}

interface Loaded {
  pkcs11: pkcs11js.PKCS11;
  description: string;
  refs: number;
}

const loaded = new Map<string, Loaded>();

export function acquireModule(path: string): Pkcs11Module {
  let entry = loaded.get(path);
  if (!entry) {
    const pkcs11 = new pkcs11js.PKCS11();
    try {
      pkcs11.load(path);
    } catch (e) {
      throw tokenErrors.moduleLoadFailed(path, e);
    }
    try {
      pkcs11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
    } catch (e) {
      // Someone else in this process initialised it first: that is fine.
      if ((e as { code?: number }).code !== pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        try {
          pkcs11.close();
        } catch {
          /* nothing more to undo */
        }
        throw tokenErrors.moduleLoadFailed(path, e);
      }
    }
    const info = pkcs11.C_GetInfo();
    entry = { pkcs11, description: `${info.manufacturerID.trim()} ${info.libraryDescription.trim()}`.trim(), refs: 0 };
    loaded.set(path, entry);
  }
  entry.refs++;
  const e = entry;
  let released = false;
  return {
    pkcs11: e.pkcs11,
    path,
    description: e.description,
    release() {
      if (released) return;
      released = true;
      e.refs--;
      if (e.refs === 0) {
        loaded.delete(path);
        try {
          e.pkcs11.C_Finalize();
        } catch {
          /* finalising a library whose token vanished can fail; nothing to keep */
        }
        try {
          e.pkcs11.close();
        } catch {
          /* idem */
        }
      }
    },
  };
}
