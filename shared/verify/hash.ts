import type { DigestName } from "../pki/cms-verify.ts";
import type { HashFactory } from "../pki/incremental-hash.ts";
import { forEachChunk, type ByteSource } from "./pdf/source.ts";

export { nobleHashFactory, type HashFactory, type IncrementalHash } from "../pki/incremental-hash.ts";

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
