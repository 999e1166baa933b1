/**
 * When the next sync round runs. After a round the network or a busy server broke, the pause
 * doubles (2 s, 4 s, 8 s … up to a minute) with random jitter, so that the offices of a commune
 * coming back after a cut do not all knock at once; a round that went through brings back the
 * normal rhythm. Nothing is tried while the browser says it is offline: the `online` event
 * starts a round at once.
 */
export const SYNC_EVERY_MS = 30_000;
export const RETRY_FIRST_MS = 2_000;
export const RETRY_MAX_MS = 60_000;

/** The pause after `failures` failed rounds in a row (≥ 1): "equal jitter", between half and all of the doubled step. */
export function retryDelay(failures: number, random: () => number = Math.random): number {
  const step = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.min(Math.max(0, failures - 1), 16));
  return Math.round(step / 2 + random() * (step / 2));
}

export type RoundOutcome = "done" | "retry" | "error" | "skipped";

export interface SyncScheduler {
  /** Runs a round now (a button, a new change in the outbox). */
  now(): void;
  stop(): void;
}

/**
 * Runs `round` now (after `firstDelayMs`), then every SYNC_EVERY_MS, backing off after failures,
 * holding while offline. One round at a time.
 */
export function scheduleSync(
  round: () => Promise<RoundOutcome>,
  opts: { firstDelayMs?: number; isOnline?: () => boolean; random?: () => number } = {},
): SyncScheduler {
  const isOnline = opts.isOnline ?? (() => navigator.onLine);
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let stopped = false;
  const plan = (ms: number) => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(() => void run(), ms);
  };
  const run = async () => {
    clearTimeout(timer);
    if (stopped || running) return;
    // Offline: wait for the browser's `online` event rather than knocking.
    if (!isOnline()) return;
    running = true;
    let outcome: RoundOutcome;
    try {
      outcome = await round();
    } catch {
      outcome = "retry";
    } finally {
      running = false;
    }
    if (outcome === "retry") plan(retryDelay(++failures, opts.random));
    else {
      failures = 0;
      plan(SYNC_EVERY_MS);
    }
  };
  const online = () => {
    failures = 0;
    void run();
  };
  const offline = () => clearTimeout(timer);
  if (typeof window !== "undefined") {
    window.addEventListener("online", online);
    window.addEventListener("offline", offline);
  }
  plan(opts.firstDelayMs ?? 0);
  return {
    now: () => void run(),
    stop() {
      stopped = true;
      clearTimeout(timer);
      if (typeof window !== "undefined") {
        window.removeEventListener("online", online);
        window.removeEventListener("offline", offline);
      }
    },
  };
}
