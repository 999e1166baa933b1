import { createHash, timingSafeEqual } from "node:crypto";

/** Constant-time comparison of two secrets of any length (hashed first). */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}
