import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { createHash } from "node:crypto";
import { BlockCachedSource, MemorySource, type ByteSource } from "../../shared/pdf/source.ts";
import type { HashFactory } from "../../shared/pki/incremental-hash.ts";

/** node:crypto's incremental hashes (several times faster than the pure-JS default): verifying and signing. */
export const nodeHashFactory: HashFactory = (algorithm) => createHash(algorithm.replace("-", "").toLowerCase());

/** Files up to this size are read whole, in one call: each read by position costs a system call, and the verifier reads a file twice (revisions, then the signed ranges). */
const READ_WHOLE_BELOW = 8 << 20;

/**
 * One buffer for the small files that one call reads one after the other (`vanthu verify
 * A.pdf B.pdf …`): fresh memory costs the kernel a page fault per 4 KiB (some 230 for a
 * 0.9 MB letter, several milliseconds on this machine; reading into memory already touched
 * costs a tenth of that). A file's buffer comes back only when its source is closed.
 */
export class ReadBuffer {
  private spare: Uint8Array | undefined;
  take(size: number): Uint8Array {
    const b = this.spare;
    if (b && b.length >= size) {
      this.spare = undefined;
      return b;
    }
    // Room to grow: the next file of the call is often a little larger.
    return new Uint8Array(Math.min(READ_WHOLE_BELOW, Math.max(size, 1 << 20) + (size >> 3)));
  }
  give(b: Uint8Array): void {
    if (!this.spare || this.spare.length < b.length) this.spare = b;
  }
}

/**
 * A file read by position (64 KiB blocks cached): a 100 MB scan is never held whole. Close it
 * after use. With `buffers`, a small file is read into the call's reused buffer, handed back by
 * `close()` — pass `close(false)` when something may still read the source (a check that
 * ran past its deadline), so the buffer is not reused.
 */
export function openFileSource(path: string, buffers?: ReadBuffer): ByteSource & { close(reuse?: boolean): void } {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size < READ_WHOLE_BELOW) {
      const buffer = buffers ? buffers.take(size) : new Uint8Array(size);
      let got = 0;
      while (got < size) {
        const n = readSync(fd, buffer, got, size - got, got);
        if (n === 0) break;
        got += n;
      }
      closeSync(fd);
      return Object.assign(new MemorySource(buffer.subarray(0, got)), {
        close: (reuse = true) => {
          if (reuse) buffers?.give(buffer);
        },
      });
    }
    const source = new BlockCachedSource(
      size,
      (start, end) => {
        const out = new Uint8Array(Math.max(0, end - start));
        let got = 0;
        while (got < out.length) {
          const n = readSync(fd, out, got, out.length - got, start + got);
          if (n === 0) break;
          got += n;
        }
        return got === out.length ? out : out.subarray(0, got);
      },
      (start, dest) => readSync(fd, dest, 0, dest.length, start),
    );
    return Object.assign(source, { close: () => closeSync(fd) });
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
