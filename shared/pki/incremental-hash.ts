import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { sha1 } from "@noble/hashes/legacy.js";

/**
 * Incremental hashing, chunk by chunk, so that the signed bytes of a large file are never
 * joined into one copy (signing and verifying). WebCrypto has no incremental digest: the
 * default is @noble/hashes (pure JS, the same in the PWA's worker); Node passes `node:crypto`
 * from bin/ (`nodeHashFactory`), several times faster.
 */
export interface IncrementalHash {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}
export type HashAlgorithmName = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";
export type HashFactory = (algorithm: HashAlgorithmName) => IncrementalHash;

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
