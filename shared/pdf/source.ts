/**
 * The bytes of a PDF as the verifier and the signer read them: by position, a window at a
 * time, so that a 100 MB scan is never held whole (R10 on a phone's browser). The verifier
 * parses the cross-reference sections, then only the objects a rule asks for; the signed byte
 * ranges are hashed in chunks; the signer reads the file once (shared/pdf/skeleton.ts). Sources: bytes in memory, a file read with `fs.readSync` (bin/),
 * a Blob read with `FileReaderSync` (the PWA's worker) — each behind `read(start, end)`.
 */
export interface ByteSource {
  readonly length: number;
  /**
   * Bytes [start, end) clamped to the file. The result may be a view into a buffer that the
   * source reuses later: use it before the next read, or copy it.
   */
  read(start: number, end: number): Uint8Array;
  /** Optional: consecutive chunks of [start, end) through one reused buffer (views valid during the call only). */
  forEachChunk?(start: number, end: number, each: (chunk: Uint8Array) => void): void;
}

/** Bytes already in memory: reads are views, nothing is copied. */
export class MemorySource implements ByteSource {
  constructor(readonly bytes: Uint8Array) {}
  get length(): number {
    return this.bytes.length;
  }
  read(start: number, end: number): Uint8Array {
    return this.bytes.subarray(Math.max(0, start), Math.min(end, this.bytes.length));
  }
}

const BLOCK = 64 * 1024;
const MAX_BLOCKS = 64;

/**
 * A source read through a small cache of 64 KiB blocks (4 MiB at most): object windows are
 * read many times by the difference rules, and each read of a file or Blob costs a call.
 * Reads larger than a few blocks go to the source directly and are not kept.
 */
export class BlockCachedSource implements ByteSource {
  private readonly blocks = new Map<number, Uint8Array>();
  constructor(
    readonly length: number,
    /** Reads [start, end) into fresh memory (the result is kept). */
    private readonly readRaw: (start: number, end: number) => Uint8Array,
    /** Reads from `start` into `dest`, returning the number of bytes read: lets a long pass reuse one buffer. */
    private readonly readInto?: (start: number, dest: Uint8Array) => number,
  ) {}

  forEachChunk(start: number, end: number, each: (chunk: Uint8Array) => void): void {
    if (!this.readInto) {
      for (let at = start; at < end; at += 1 << 20) each(this.read(at, Math.min(end, at + (1 << 20))));
      return;
    }
    const scratch = new Uint8Array(Math.min(1 << 20, Math.max(0, end - start)));
    for (let at = start; at < end; ) {
      const n = this.readInto(at, scratch.subarray(0, Math.min(scratch.length, end - at)));
      if (n <= 0) break;
      each(scratch.subarray(0, n));
      at += n;
    }
  }

  private block(i: number): Uint8Array {
    let b = this.blocks.get(i);
    if (b) {
      // Most recently used last.
      this.blocks.delete(i);
      this.blocks.set(i, b);
      return b;
    }
    b = this.readRaw(i * BLOCK, Math.min(this.length, (i + 1) * BLOCK));
    this.blocks.set(i, b);
    if (this.blocks.size > MAX_BLOCKS) this.blocks.delete(this.blocks.keys().next().value!);
    return b;
  }

  read(start: number, end: number): Uint8Array {
    start = Math.max(0, start);
    end = Math.min(end, this.length);
    if (end <= start) return new Uint8Array(0);
    const first = Math.floor(start / BLOCK);
    const last = Math.floor((end - 1) / BLOCK);
    if (first === last) return this.block(first).subarray(start - first * BLOCK, end - first * BLOCK);
    if (last - first > 4) return this.readRaw(start, end);
    const out = new Uint8Array(end - start);
    for (let i = first; i <= last; i++) {
      const b = this.block(i);
      const from = Math.max(start, i * BLOCK);
      const to = Math.min(end, (i + 1) * BLOCK);
      out.set(b.subarray(from - i * BLOCK, to - i * BLOCK), from - start);
    }
    return out;
  }
}

/** Bytes (from any realm: a worker message, a Node Buffer) or a source as it is. */
export function asSource(input: Uint8Array | ByteSource): ByteSource {
  if (input instanceof Uint8Array) return new MemorySource(input);
  if (ArrayBuffer.isView(input)) {
    const v = input as ArrayBufferView;
    return new MemorySource(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  return input;
}

/** Calls `each` with consecutive chunks of [start, end) (views valid during the call only). */
export function forEachChunk(source: ByteSource, start: number, end: number, each: (chunk: Uint8Array) => void, chunk = 1 << 20): void {
  if (source.forEachChunk) return source.forEachChunk(start, Math.min(end, source.length), each);
  for (let at = start; at < end; at += chunk) each(source.read(at, Math.min(end, at + chunk)));
}
