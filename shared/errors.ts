/**
 * The error type of every boundary in `shared`: a stable code, a Vietnamese message for
 * people and an English one (the Error message) for logs.
 */
export class VanthuError extends Error {
  constructor(
    readonly code: string,
    readonly messageVi: string,
    messageEn: string,
    options?: { cause?: unknown },
  ) {
    super(messageEn, options);
    this.name = "VanthuError";
  }
}

export function isVanthuError(e: unknown): e is VanthuError {
  return e instanceof VanthuError;
}
