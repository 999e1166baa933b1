/** Digests of signed ranges that continue from a shared prefix equal those hashed from the start. */
import { describe, it, expect } from "vitest";
import { sha256 } from "@noble/hashes/sha2.js";
import { FilePrefixes, SignedRanges, nobleHashFactory, type HashFactory } from "./hash.ts";
import { MemorySource } from "./pdf/source.ts";

const file = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
const source = new MemorySource(file);

function plain(ranges: [number, number][]): Uint8Array {
  const h = sha256.create();
  for (const [start, len] of ranges) h.update(file.subarray(start, start + len));
  return h.digest();
}

/** Three signatures as incremental revisions write them: each first range contains the one before. */
const signatures: [number, number][][] = [
  [
    [0, 100_000],
    [110_000, 20_000],
  ],
  [
    [0, 180_000],
    [190_000, 30_000],
  ],
  [
    [0, 250_000],
    [260_000, 40_000],
  ],
];

describe("FilePrefixes", () => {
  it("gives each signature the digest of exactly its own ranges, whatever the order", async () => {
    for (const order of [
      [0, 1, 2],
      [2, 1, 0],
      [1, 0, 2],
    ]) {
      const prefixes = new FilePrefixes(nobleHashFactory);
      for (const i of order) {
        const d = await new SignedRanges(source, signatures[i]!, nobleHashFactory, prefixes).digest("SHA-256");
        expect(d).toEqual(plain(signatures[i]!));
      }
    }
  });

  it("hashes a shared prefix once and says how many bytes it skipped", async () => {
    let hashed = 0;
    const counting: HashFactory = (alg) => {
      const h = nobleHashFactory(alg);
      const wrap = (inner: typeof h): typeof h => ({
        update: (d: Uint8Array) => {
          hashed += d.length;
          return inner.update(d);
        },
        digest: () => inner.digest(),
        copy: () => wrap(inner.copy!()),
      });
      return wrap(h);
    };
    let skipped = 0;
    const prefixes = new FilePrefixes(counting, (n) => (skipped += n));
    for (const r of signatures) await new SignedRanges(source, r, counting, prefixes).digest("SHA-256");
    expect(skipped).toBe(100_000 + 180_000);
    expect(hashed).toBe(250_000 + 20_000 + 30_000 + 40_000);
  });

  it("keeps algorithms apart, and falls back to hashing everything with a hash that cannot be copied", async () => {
    const prefixes = new FilePrefixes(nobleHashFactory);
    await new SignedRanges(source, signatures[0]!, nobleHashFactory, prefixes).digest("SHA-512");
    expect(await new SignedRanges(source, signatures[1]!, nobleHashFactory, prefixes).digest("SHA-256")).toEqual(plain(signatures[1]!));
    const noCopy: HashFactory = (alg) => {
      const h = nobleHashFactory(alg);
      return { update: (d) => h.update(d), digest: () => h.digest() };
    };
    const plainPrefixes = new FilePrefixes(noCopy);
    for (const r of signatures) expect(await new SignedRanges(source, r, noCopy, plainPrefixes).digest("SHA-256")).toEqual(plain(r));
  });
});
