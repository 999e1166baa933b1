import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RETRY_MAX_MS, SYNC_EVERY_MS, retryDelay, scheduleSync, type RoundOutcome } from "./retry.ts";

describe("sync retries", () => {
  it("back off by doubling, with jitter, up to a minute", () => {
    expect(retryDelay(1, () => 0)).toBe(1000);
    expect(retryDelay(1, () => 1)).toBe(2000);
    expect(retryDelay(3, () => 0.5)).toBe(6000);
    expect(retryDelay(50, () => 1)).toBe(RETRY_MAX_MS);
    const spread = new Set(Array.from({ length: 50 }, () => retryDelay(4)));
    expect(spread.size).toBeGreaterThan(10);
    for (const d of spread) expect(d).toBeGreaterThanOrEqual(8000), expect(d).toBeLessThanOrEqual(16000);
  });

  describe("the scheduler", () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    it("retries sooner after failures, returns to the normal rhythm after a success, and holds while offline", async () => {
      const outcomes: RoundOutcome[] = ["retry", "retry", "done", "done"];
      const at: number[] = [];
      let online = true;
      const s = scheduleSync(
        async () => {
          at.push(Date.now());
          return outcomes.shift() ?? "done";
        },
        { isOnline: () => online, random: () => 1 },
      );
      await vi.advanceTimersByTimeAsync(0);
      expect(at).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(2000);
      expect(at).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(4000);
      expect(at).toHaveLength(3);
      // A success: the next round only after the normal pause.
      await vi.advanceTimersByTimeAsync(SYNC_EVERY_MS - 1);
      expect(at).toHaveLength(3);
      await vi.advanceTimersByTimeAsync(1);
      expect(at).toHaveLength(4);
      // Offline: nothing is tried however long it lasts.
      online = false;
      await vi.advanceTimersByTimeAsync(10 * SYNC_EVERY_MS);
      expect(at).toHaveLength(4);
      s.stop();
    });
  });
});
