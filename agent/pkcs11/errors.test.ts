import { describe, expect, it } from "vitest";
import pkcs11js from "pkcs11js";
import { loginError, pinTriesFromFlags } from "./errors.ts";

// Real tokens answer C_Login with codes SoftHSM2 never returns (it never locks a PIN):
// the mapping from return value and token flags to the person's words is checked here.
const err = (code: number) => new pkcs11js.Pkcs11Error("CKR", code, "C_Login");

describe("C_Login failures in the person's words", () => {
  it("maps CKR_PIN_LOCKED, and a wrong PIN on a token whose flags say locked, to Điều 11 recovery", () => {
    for (const e of [loginError(err(pkcs11js.CKR_PIN_LOCKED), 0), loginError(err(pkcs11js.CKR_PIN_INCORRECT), pkcs11js.CKF_USER_PIN_LOCKED)]) {
      expect(e.code).toBe("token.pin-locked");
      expect(e.messageVi).toMatch(/Điều 11/);
    }
  });
  it("reads the tries left from the token flags", () => {
    expect(pinTriesFromFlags(pkcs11js.CKF_USER_PIN_FINAL_TRY | pkcs11js.CKF_USER_PIN_COUNT_LOW)).toBe("final");
    expect(pinTriesFromFlags(pkcs11js.CKF_USER_PIN_COUNT_LOW)).toBe("low");
    expect(pinTriesFromFlags(0)).toBe("unknown");
    expect(loginError(err(pkcs11js.CKR_PIN_INCORRECT), pkcs11js.CKF_USER_PIN_FINAL_TRY).pinTries).toBe("final");
  });
  it("maps a token pulled out during login, and a PIN of the wrong length", () => {
    expect(loginError(err(pkcs11js.CKR_DEVICE_REMOVED), undefined).code).toBe("token.removed");
    expect(loginError(err(pkcs11js.CKR_SESSION_HANDLE_INVALID), undefined).code).toBe("token.removed");
    expect(loginError(err(pkcs11js.CKR_TOKEN_NOT_PRESENT), undefined).code).toBe("token.removed");
    expect(loginError(err(pkcs11js.CKR_PIN_LEN_RANGE), 0).code).toBe("token.pin-invalid");
    expect(loginError(err(pkcs11js.CKR_GENERAL_ERROR), 0).code).toBe("token.error");
  });
});
