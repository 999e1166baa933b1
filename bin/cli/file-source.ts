import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { createHash } from "node:crypto";
import { BlockCachedSource, type ByteSource } from "../../shared/pdf/source.ts";
import type { HashFactory } from "../../shared/pki/incremental-hash.ts";

/** node:crypto's incremental hashes (several times faster than the pure-JS default): verifying and signing. */
export const nodeHashFactory: HashFactory = (algorithm) => createHash(algorithm.replace("-", "").toLowerCase());

/** A file read by position (64 KiB blocks cached): a 100 MB scan is never held whole. Close it after use. */
export function openFileSource(path: string): ByteSource & { close(): void } {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
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
