import pkcs11js from "pkcs11js";
import { VanthuError } from "../../shared/errors.ts";

export type PinTries = "unknown" | "low" | "final";

/** A token event or failure, in words for the person and for the log. */
export class TokenError extends VanthuError {
  constructor(
    code: TokenErrorCode,
    messageVi: string,
    messageEn: string,
    readonly pinTries?: PinTries,
    options?: { cause?: unknown },
  ) {
    super(code, messageVi, messageEn, options);
    this.name = "TokenError";
  }
}

export type TokenErrorCode =
  | "token.module-load-failed"
  | "token.not-present"
  | "token.removed"
  | "token.pin-incorrect"
  | "token.pin-locked"
  | "token.pin-invalid"
  | "token.key-not-found"
  | "token.certificate-not-found"
  | "token.mechanism-unsupported"
  | "token.error";

const RECOVERY_VI =
  "Hãy làm thủ tục khôi phục thiết bị lưu khóa bí mật theo Điều 11 Quy định về chữ ký số của thành phố: cơ quan quản lý trực tiếp gửi đề nghị theo Mẫu số 06 (Nghị định 68/2024/NĐ-CP) đến Sở Khoa học và Công nghệ, nơi khôi phục trong 01 ngày làm việc. Đừng thử PIN thêm.";

export const tokenErrors = {
  moduleLoadFailed: (path: string, cause?: unknown) =>
    new TokenError(
      "token.module-load-failed",
      `Không nạp được thư viện PKCS#11 của thiết bị ký số (${path}). Hãy kiểm tra đã cài trình điều khiển token và đường dẫn --module.`,
      `cannot load PKCS#11 module ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
      undefined,
      { cause },
    ),
  notPresent: (which?: string) =>
    new TokenError(
      "token.not-present",
      which
        ? `Không thấy thiết bị ký số (USB token) "${which}". Hãy cắm đúng token rồi thử lại.`
        : "Không thấy thiết bị ký số (USB token) nào. Hãy cắm token rồi thử lại.",
      which ? `token "${which}" not present` : "no token present",
    ),
  removed: (cause?: unknown) =>
    new TokenError(
      "token.removed",
      "Thiết bị ký số đã bị rút ra trong khi ký. Các văn bản đã ký xong vẫn giữ chữ ký; các văn bản còn lại chưa được ký — hãy cắm lại token và ký lại chúng.",
      `token removed during the session (${pkcs11Name(cause)})`,
      undefined,
      { cause },
    ),
  pinIncorrect: (tries: PinTries) =>
    new TokenError(
      "token.pin-incorrect",
      tries === "final"
        ? "Sai mã PIN. Chỉ còn MỘT lần thử: nhập sai lần nữa thì thiết bị ký số sẽ bị khóa."
        : tries === "low"
          ? "Sai mã PIN. Thiết bị báo chỉ còn ít lần thử trước khi bị khóa: hãy kiểm tra kỹ trước khi nhập lại."
          : "Sai mã PIN. Hãy nhập lại; nhập sai nhiều lần thiết bị ký số sẽ bị khóa.",
      `incorrect PIN (tries left: ${tries})`,
      tries,
    ),
  pinLocked: () =>
    new TokenError(
      "token.pin-locked",
      `Mã PIN của thiết bị ký số đã bị khóa do nhập sai quá số lần cho phép. ${RECOVERY_VI}`,
      "user PIN is locked; token recovery (Điều 11) needed",
    ),
  pinInvalid: () => new TokenError("token.pin-invalid", "Mã PIN không đúng định dạng (độ dài không hợp lệ).", "PIN length out of range"),
  keyNotFound: (what: string) =>
    new TokenError(
      "token.key-not-found",
      `Không tìm thấy khóa bí mật ứng với chứng thư số trên thiết bị ký số (${what}).`,
      `private key not found for ${what}`,
    ),
  certificateNotFound: (what: string) =>
    new TokenError("token.certificate-not-found", `Không tìm thấy chứng thư số trên thiết bị ký số (${what}).`, `certificate not found: ${what}`),
  mechanismUnsupported: (what: string) =>
    new TokenError("token.mechanism-unsupported", `Thiết bị ký số không hỗ trợ thuật toán ký cần dùng (${what}).`, `token does not support ${what}`),
  other: (cause: unknown) =>
    new TokenError("token.error", "Thiết bị ký số báo lỗi. Hãy rút token ra, cắm lại rồi thử lại.", `token error: ${pkcs11Name(cause)}`, undefined, { cause }),
};

export function pkcs11Code(e: unknown): number | undefined {
  return e instanceof pkcs11js.Pkcs11Error ? e.code : typeof (e as { code?: unknown })?.code === "number" ? (e as { code: number }).code : undefined;
}

function pkcs11Name(e: unknown): string {
  if (e instanceof Error) return e.message.split("\n")[0] ?? e.name;
  return String(e);
}

/** PKCS#11 return values that mean the token (or the session on it) is gone. */
export const REMOVAL_CODES: ReadonlySet<number> = new Set([
  pkcs11js.CKR_DEVICE_REMOVED,
  pkcs11js.CKR_TOKEN_NOT_PRESENT,
  pkcs11js.CKR_SESSION_HANDLE_INVALID,
  pkcs11js.CKR_SESSION_CLOSED,
  pkcs11js.CKR_TOKEN_NOT_RECOGNIZED,
  pkcs11js.CKR_SLOT_ID_INVALID,
]);

/** Turns a failed C_Login into the person's words, reading the token's PIN flags for tries left. */
export function loginError(e: unknown, tokenFlags: number | undefined): TokenError {
  const code = pkcs11Code(e);
  if (code === pkcs11js.CKR_PIN_LOCKED) return tokenErrors.pinLocked();
  if (code === pkcs11js.CKR_PIN_INCORRECT) {
    if (tokenFlags !== undefined && tokenFlags & pkcs11js.CKF_USER_PIN_LOCKED) return tokenErrors.pinLocked();
    return tokenErrors.pinIncorrect(pinTriesFromFlags(tokenFlags));
  }
  if (code === pkcs11js.CKR_PIN_LEN_RANGE || code === pkcs11js.CKR_PIN_INVALID) return tokenErrors.pinInvalid();
  if (code !== undefined && REMOVAL_CODES.has(code)) return tokenErrors.removed(e);
  return tokenErrors.other(e);
}

export function pinTriesFromFlags(flags: number | undefined): PinTries {
  if (flags === undefined) return "unknown";
  if (flags & pkcs11js.CKF_USER_PIN_FINAL_TRY) return "final";
  if (flags & pkcs11js.CKF_USER_PIN_COUNT_LOW) return "low";
  return "unknown";
}
