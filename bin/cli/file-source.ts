import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { createHash } from "node:crypto";
import { BlockCachedSource, MemorySource, type ByteSource } from "../../shared/pdf/source.ts";
import type { HashFactory } from "../../shared/pki/incremental-hash.ts";

/** node:crypto's incremental hashes (several times faster than the pure-JS default): verifying and signing. */
export const nodeHashFactory: HashFactory = (algorithm) => createHash(algorithm.replace("-", "").toLowerCase());

/** Files up to this size are read whole, in one call: each read by position costs a system call, and the verifier reads a file twice (revisions, then the signed ranges). */
const READ_WHOLE_BELOW = 8 << 20;

/** A file read by position (64 KiB blocks cached): a 100 MB scan is never held whole. Close it after use. */
export function openFileSource(path: string): ByteSource & { close(): void } {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size < READ_WHOLE_BELOW) {
      const bytes = new Uint8Array(size);
      let got = 0;
      while (got < size) {
        const n = readSync(fd, bytes, got, size - got, got);
        if (n === 0) break;
        got += n;
      }
      closeSync(fd);
      return Object.assign(new MemorySource(bytes.subarray(0, got)), { close: () => {} });
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
