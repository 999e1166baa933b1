/**
 * @libpdf/core reports recoverable problems (a font program it cannot parse, a damaged
 * object it skips) with console.warn/console.error and a stack trace, and has no logger
 * option. We judge files ourselves and report in our own words, so its console output is
 * held back while it works, and handed to `onWarning` (for logs) instead.
 */
export function quietly<T>(fn: () => T, onWarning?: (message: string) => void): T {
  const saved = { warn: console.warn, error: console.error, log: console.log };
  const sink = (...args: unknown[]) => onWarning?.(args.map((a) => (a instanceof Error ? a.message : String(a))).join(" "));
  console.warn = sink;
  console.error = sink;
  console.log = sink;
  const restore = () => Object.assign(console, saved);
  try {
    const result = fn();
    if (result instanceof Promise) return result.finally(restore) as T;
    restore();
    return result;
  } catch (e) {
    restore();
    throw e;
  }
}
