import type { Context, MiddlewareHandler } from "hono";
import { agentError, errorResponse } from "../../http.ts";

/** A fixed-window counter per key; the clock is passed in so tests need no waiting. */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one event; false when the key is over its limit in the current window. */
  take(key: string): boolean {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      w = { start: t, count: 0 };
      this.windows.set(key, w);
      if (this.windows.size > 10_000) this.prune(t);
    }
    w.count++;
    return w.count <= this.limit;
  }

  /** Seconds until the key's window ends. */
  retryAfter(key: string): number {
    const w = this.windows.get(key);
    return w ? Math.max(1, Math.ceil((w.start + this.windowMs - this.now()) / 1000)) : 1;
  }

  private prune(t: number): void {
    for (const [k, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(k);
  }
}

export function rateLimit(options: { limiter: RateLimiter; key: (c: Context) => string; what: string }): MiddlewareHandler {
  return async (c, next) => {
    const key = options.key(c);
    if (!options.limiter.take(key)) {
      const res = errorResponse(
        c,
        429,
        agentError(
          "agent.rate-limited",
          `Quá nhiều yêu cầu (${options.what}) trong thời gian ngắn: hãy đợi một lát rồi thử lại.`,
          `rate limit for ${options.what} exceeded`,
        ),
      );
      res.headers.set("Retry-After", String(options.limiter.retryAfter(key)));
      return res;
    }
    await next();
  };
}
