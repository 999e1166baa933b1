import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";
import { SyncError } from "../errors.ts";

export const MIN_PASSWORD_LENGTH = 12;
/** zxcvbn's score: 3 = "safely unguessable" against an online attack with throttling. */
const MIN_SCORE = 3;

// zxcvbn-ts with its common-password and keyboard-pattern lists (the maintained successor of
// Dropbox's zxcvbn): it refuses "password1234" and "aaaaaaaaaaaa" as well as exact list hits.
let checker: ZxcvbnFactory | undefined;
const zxcvbn = () => (checker ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs }));

export interface PasswordProblem {
  messageVi: string;
  message: string;
}

/** Undefined when the password may be used; else why not. `related` are words an attacker would try first (username, name, office). */
export function passwordProblem(password: string, related: string[] = []): PasswordProblem | undefined {
  const p = password.normalize("NFC");
  if ([...p].length < MIN_PASSWORD_LENGTH) {
    return { messageVi: `Mật khẩu phải có ít nhất ${MIN_PASSWORD_LENGTH} ký tự.`, message: `Password shorter than ${MIN_PASSWORD_LENGTH} characters` };
  }
  if ([...p].length > 200) return { messageVi: "Mật khẩu dài quá 200 ký tự.", message: "Password longer than 200 characters" };
  const inputs = related.flatMap((r) => [r, ...r.split(/[\s._-]+/)]).filter((r) => r.length >= 3);
  const result = zxcvbn().check(p, [...inputs, "vanthu", "văn thư", "haiphong", "hải phòng"]);
  if (result.score < MIN_SCORE) {
    return {
      messageVi:
        "Mật khẩu quá dễ đoán (có trong danh sách mật khẩu phổ biến, lặp ký tự, theo hàng phím, hoặc giống tên đăng nhập). Hãy dùng một câu dài dễ nhớ, ví dụ bốn từ không liên quan.",
      message: `Password too guessable (zxcvbn score ${result.score} < ${MIN_SCORE})`,
    };
  }
  return undefined;
}

/** Throws a 422 the person can read when the password may not be used. */
export function requireAcceptablePassword(password: string, related: string[] = []): void {
  const problem = passwordProblem(password, related);
  if (problem) throw new SyncError(422, "weak_password", problem.messageVi, problem.message);
}
