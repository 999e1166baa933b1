/**
 * @libpdf/core reports recoverable problems (a font program it cannot parse, a damaged
 * object it skips) with console.warn/console.error and a stack trace, and has no logger
 * option. We judge files ourselves and report in our own words, so its console output is
 * held back while it works, and handed to `onWarning` (for logs) instead.
 *
 * The console is global and libpdf's calls are async, so calls overlap (two signings at
 * once, a batch). Saving and restoring per call would then restore a sink saved by the
 * other call and leave the console replaced for good. Instead one sink is installed while
 * any call runs (a counter), routing to the handlers of the calls running, and the real
 * console is put back when the last one ends.
 */
type Sink = (message: string) => void;

const active = new Set<{ onWarning?: Sink }>();
let saved: { warn: typeof console.warn; error: typeof console.error; log: typeof console.log } | undefined;

function enter(entry: { onWarning?: Sink }): void {
  if (active.size === 0) {
    saved = { warn: console.warn, error: console.error, log: console.log };
    const sink = (...args: unknown[]) => {
      const message = args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ");
      for (const e of active) e.onWarning?.(message);
    };
    console.warn = sink;
    console.error = sink;
    console.log = sink;
  }
  active.add(entry);
}

function leave(entry: { onWarning?: Sink }): void {
  if (!active.delete(entry)) return;
  if (active.size === 0 && saved) {
    Object.assign(console, saved);
    saved = undefined;
  }
}

export function quietly<T>(fn: () => T, onWarning?: Sink): T {
  const entry = { onWarning };
  enter(entry);
  try {
    const result = fn();
    if (result instanceof Promise) return result.finally(() => leave(entry)) as T;
    leave(entry);
    return result;
  } catch (e) {
    leave(entry);
    throw e;
  }
}
