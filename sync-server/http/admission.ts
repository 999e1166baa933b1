import type { MiddlewareHandler } from "hono";

/**
 * At most `limit` requests of the routes it guards are worked on at once; the others wait in
 * arrival order before their body is read. Under saturation every request's database round trip
 * waits for a turn of the event loop, and a turn lasts as long as the work of every request in
 * the server: a send (some twenty round trips in one transaction) then took twenty such turns and
 * waited seconds while a push of one statement waited one (sync.bench.ts, issue 15 part 3). With
 * a bound, the turns stay short, and the queue is paid once per request, first come first served.
 */
export function admission(limit: number): MiddlewareHandler {
  let inside = 0;
  const waiting: (() => void)[] = [];
  return async (_c, next) => {
    if (inside < limit) inside++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      await next();
    } finally {
      // The place goes to the next in line, or is freed.
      const following = waiting.shift();
      if (following) following();
      else inside--;
    }
  };
}
