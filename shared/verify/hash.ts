import type { DigestName } from "../pki/cms-verify.ts";
import type { HashFactory, IncrementalHash } from "../pki/incremental-hash.ts";
import { forEachChunk, type ByteSource } from "./pdf/source.ts";

export { nobleHashFactory, type HashFactory, type IncrementalHash } from "../pki/incremental-hash.ts";

/**
 * Hash states of the file's first bytes [0, end), per algorithm. Every signature's /ByteRange
 * starts at 0, and a later revision's first range contains an earlier one's (a letter signed
 * twice hashes its first 0.9 MB for both signatures): a digest continues from the longest kept
 * prefix it contains instead of hashing those bytes again. Only with a hash that can be copied.
 */
export class FilePrefixes {
  private readonly kept = new Map<DigestName, { end: number; state: IncrementalHash }[]>();
  constructor(
    private readonly hash: HashFactory,
    /** Told how many bytes a digest did not hash again (progress counts them as done). */
    private readonly skipped?: (bytes: number) => void,
  ) {}

  /** A hash of [0, end) so far: a copy of the longest kept prefix within it (and where it ends), or a fresh one at 0. */
  start(algorithm: DigestName, end: number): { h: IncrementalHash; at: number } {
    let best: { end: number; state: IncrementalHash } | undefined;
    for (const k of this.kept.get(algorithm) ?? []) if (k.end <= end && (!best || k.end > best.end)) best = k;
    const copy = best?.state.copy?.();
    if (!best || !copy) return { h: this.hash(algorithm), at: 0 };
    this.skipped?.(best.end);
    return { h: copy, at: best.end };
  }

  /** Keeps a copy of `h`, the hash of [0, end). */
  keep(algorithm: DigestName, end: number, h: IncrementalHash): void {
    const state = h.copy?.();
    if (!state) return;
    let list = this.kept.get(algorithm);
    if (!list) this.kept.set(algorithm, (list = []));
    if (!list.some((k) => k.end === end)) list.push({ end, state });
  }
}

/** The bytes a signature covers: the ranges of its /ByteRange, read and hashed on demand, each digest once. */
export class SignedRanges {
  private readonly digests = new Map<DigestName, Uint8Array>();
  constructor(
    readonly source: ByteSource,
    readonly ranges: [number, number][],
    private readonly hash: HashFactory,
    /** The file's shared prefix states (a signature alone, or a caller without them, hashes everything). */
    private readonly prefixes?: FilePrefixes,
  ) {}

  get length(): number {
    return this.ranges.reduce((n, [, len]) => n + len, 0);
  }

  async digest(algorithm: DigestName): Promise<Uint8Array> {
    let d = this.digests.get(algorithm);
    if (!d) {
      const [first, ...rest] = this.ranges;
      let h: IncrementalHash;
      if (this.prefixes && first && first[0] === 0) {
        const started = this.prefixes.start(algorithm, first[1]);
        h = started.h;
        forEachChunk(this.source, started.at, first[1], (c) => h.update(c));
        this.prefixes.keep(algorithm, first[1], h);
      } else {
        h = this.hash(algorithm);
        if (first) forEachChunk(this.source, first[0], first[0] + first[1], (c) => h.update(c));
      }
      for (const [start, len] of rest) forEachChunk(this.source, start, start + len, (c) => h.update(c));
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
