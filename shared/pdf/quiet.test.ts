import { describe, it, expect } from "vitest";
import { quietly } from "./quiet.ts";

describe("quietly", () => {
  it("holds back console output during the call and restores it, sync and async", async () => {
    const original = console.warn;
    const seen: string[] = [];
    expect(quietly(() => (console.warn("Failed to parse", new Error("boom")), 1), (m) => seen.push(m))).toBe(1);
    expect(await quietly(async () => (console.error("later"), 2), (m) => seen.push(m))).toBe(2);
    expect(seen).toEqual(["Failed to parse boom", "later"]);
    expect(console.warn).toBe(original);
  });
  it("restores the console when the call throws", () => {
    const original = console.error;
    expect(() => quietly(() => { throw new Error("x"); })).toThrow("x");
    expect(console.error).toBe(original);
  });
});
