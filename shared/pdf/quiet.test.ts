import { describe, it, expect } from "vitest";
import { quietly } from "./quiet.ts";

describe("quietly", () => {
  it("holds back console output during the call and restores it, sync and async", async () => {
    const original = console.warn;
    const seen: string[] = [];
    expect(
      quietly(
        () => (console.warn("Failed to parse", new Error("boom")), 1),
        (m) => seen.push(m),
      ),
    ).toBe(1);
    expect(
      await quietly(
        async () => (console.error("later"), 2),
        (m) => seen.push(m),
      ),
    ).toBe(2);
    expect(seen).toEqual(["Failed to parse boom", "later"]);
    expect(console.warn).toBe(original);
  });
  it("restores the console when the call throws", () => {
    const original = console.error;
    expect(() =>
      quietly(() => {
        throw new Error("x");
      }),
    ).toThrow("x");
    expect(console.error).toBe(original);
  });
});

describe("quietly with overlapping async calls", () => {
  it("puts the real console back once the last of several overlapping calls ends", async () => {
    const original = { warn: console.warn, error: console.error, log: console.log };
    const seenA: string[] = [];
    const seenB: string[] = [];
    let releaseA!: () => void;
    const a = quietly(
      () => new Promise<void>((r) => (releaseA = r)),
      (m) => seenA.push(m),
    );
    let releaseB!: () => void;
    const b = quietly(
      () => new Promise<void>((r) => (releaseB = r)),
      (m) => seenB.push(m),
    );
    console.warn("during both");
    releaseA();
    await a;
    expect(console.warn).not.toBe(original.warn);
    console.warn("during b");
    releaseB();
    await b;
    expect(console.warn).toBe(original.warn);
    expect(console.error).toBe(original.error);
    expect(console.log).toBe(original.log);
    expect(seenA).toEqual(["during both"]);
    expect(seenB).toEqual(["during both", "during b"]);
  });
});
