const CLI_ERROR = Symbol.for("vanthu.CliError");

/** Whether `e` is a CliError, from this copy of the class or another bundle's. */
export function isCliError(e: unknown): e is CliError {
  return typeof e === "object" && e !== null && (e as { [CLI_ERROR]?: boolean })[CLI_ERROR] === true;
}

/**
 * The CLI's one error type: a code, a Vietnamese message for people, an English one for logs,
 * and the exit code (1 the work failed, 2 usage error).
 */
export class CliError extends Error {
  /** Marks the instances: a command compiled to a bundle of its own (bin/code-cache.mjs) has its own copy of this class. */
  readonly [CLI_ERROR] = true;
  constructor(
    readonly code: string,
    readonly messageVi: string,
    readonly messageEn: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(messageEn);
    this.name = "CliError";
  }
}

/** Anything thrown that carries a Vietnamese message (the shared error types do). */
interface HasVietnamese {
  code?: string;
  messageVi: string;
  message: string;
}

function hasVietnamese(e: unknown): e is HasVietnamese {
  return typeof e === "object" && e !== null && typeof (e as HasVietnamese).messageVi === "string";
}

/** Prints one clear line on stderr (no stack trace unless --debug) and returns the exit code. */
export function reportError(err: unknown, debug: boolean): number {
  if (debug && err instanceof Error) process.stderr.write((err.stack ?? String(err)) + "\n");
  if (isCliError(err)) {
    process.stderr.write(`vanthu: ${err.messageVi} (${err.messageEn})\n`);
    return err.exitCode;
  }
  if (hasVietnamese(err)) {
    process.stderr.write(`vanthu: ${err.messageVi} (${err.message})\n`);
    return 1;
  }
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`vanthu: lỗi không mong đợi, không có gì bị thay đổi (unexpected error: ${msg.split("\n")[0]})\n`);
  return 1;
}
