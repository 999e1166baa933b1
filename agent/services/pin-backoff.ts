/**
 * Wrong PINs counted per origin across sign requests: after the first few, each further try
 * waits twice as long. A hostile paired page that opens request after request cannot try
 * PINs faster than this — and so never reaches the token's own lock (typically 5–10 wrong
 * PINs) within a working day — while the office's own app, another origin, is unaffected.
 */
export class PinBackoff {
  private readonly state = new Map<string, { failures: number; until: number }>();
  constructor(
    private readonly now: () => number,
    readonly freeFailures = 2,
    readonly baseDelayMs = 30_000,
    readonly maxDelayMs = 60 * 60_000,
  ) {}

  /** Milliseconds the origin must still wait before its next PIN, 0 when it may try. */
  waitFor(origin: string): number {
    const s = this.state.get(origin);
    return s ? Math.max(0, s.until - this.now()) : 0;
  }

  failed(origin: string): void {
    const s = this.state.get(origin) ?? { failures: 0, until: 0 };
    s.failures++;
    const over = s.failures - this.freeFailures;
    s.until = over > 0 ? this.now() + Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (over - 1)) : 0;
    this.state.set(origin, s);
  }

  succeeded(origin: string): void {
    this.state.delete(origin);
  }
}
