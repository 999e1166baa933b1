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
  /** An independent hash in the same state (node:crypto's Hash.copy; noble's clone): lets the verifier hash a prefix shared by several signatures once. */
  copy?(): IncrementalHash;
}
export type HashAlgorithmName = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";
export type HashFactory = (algorithm: HashAlgorithmName) => IncrementalHash;

type NobleHash = ReturnType<typeof sha256.create> | ReturnType<typeof sha1.create>;

function copyable(h: NobleHash): IncrementalHash {
  return {
    update: (data) => h.update(data),
    digest: () => h.digest(),
    copy: () => copyable(h.clone()),
  };
}

export const nobleHashFactory: HashFactory = (algorithm) => {
  switch (algorithm) {
    case "SHA-1":
      return copyable(sha1.create());
    case "SHA-256":
      return copyable(sha256.create());
    case "SHA-384":
      return copyable(sha384.create());
    case "SHA-512":
      return copyable(sha512.create());
  }
};
