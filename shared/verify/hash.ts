import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { sha1 } from "@noble/hashes/legacy.js";
import type { DigestName } from "../pki/cms-verify.ts";
import { forEachChunk, type ByteSource } from "./pdf/source.ts";

/**
 * Incremental hashing of the signed byte ranges, chunk by chunk, so that the signed bytes
 * are never joined into one copy. WebCrypto has no incremental digest: the default is
 * @noble/hashes (pure JS, the same in the PWA's worker); Node passes `node:crypto` from
 * bin/ (`nodeHashFactory`), several times faster.
 */
export interface IncrementalHash {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}
export type HashFactory = (algorithm: DigestName) => IncrementalHash;

export const nobleHashFactory: HashFactory = (algorithm) => {
  switch (algorithm) {
    case "SHA-1":
      return sha1.create();
    case "SHA-256":
      return sha256.create();
    case "SHA-384":
      return sha384.create();
    case "SHA-512":
      return sha512.create();
  }
};

/** The bytes a signature covers: the ranges of its /ByteRange, read and hashed on demand, each digest once. */
export class SignedRanges {
  private readonly digests = new Map<DigestName, Uint8Array>();
  constructor(
    readonly source: ByteSource,
    readonly ranges: [number, number][],
    private readonly hash: HashFactory,
  ) {}

  get length(): number {
    return this.ranges.reduce((n, [, len]) => n + len, 0);
  }

  async digest(algorithm: DigestName): Promise<Uint8Array> {
    let d = this.digests.get(algorithm);
    if (!d) {
      const h = this.hash(algorithm);
      for (const [start, len] of this.ranges) forEachChunk(this.source, start, start + len, (c) => h.update(c));
      d = h.digest();
      this.digests.set(algorithm, d);
    }
    return d;
  }

  /** All the bytes in one buffer: only for the rare signature without signed attributes, whose value is over the content itself. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const [start, len] of this.ranges)
      forEachChunk(this.source, start, start + len, (c) => {
        out.set(c, o);
        o += c.length;
      });
    return out;
  }
}
