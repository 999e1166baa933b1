import type { x509 } from "../pki/x509.ts";
import type { CrlCache, FetchLike } from "../pki/revocation.ts";
import type { PdfFile } from "./pdf/document.ts";
import type { UpdateAnalysis } from "./diff/index.ts";
import type { FilePrefixes, HashFactory } from "./hash.ts";

export interface VerifyOptions {
  /** Trust anchors (e.g. bundledTrustAnchors() plus the office's own). */
  trustAnchors: x509.X509Certificate[];
  /** Known CA certificates to build paths with when the document does not carry them (a cache; the bundled government sub-CAs are always added). */
  intermediates?: x509.X509Certificate[];
  /** Told about CA certificates that completed a trusted path (from the document or fetched), to cache them. */
  onIntermediate?: (certificate: x509.X509Certificate) => void;
  /** CRLs given by the user (--crl). */
  crls?: Uint8Array[];
  crlCache?: CrlCache;
  /** Network access; absent means offline: nothing is fetched. */
  fetch?: FetchLike;
  /** Validation time (default: now). */
  now?: Date;
  /** WebCrypto for signatures and certificate checks (default: globalThis.crypto). */
  crypto?: Crypto;
  /** Incremental hashing of the signed bytes (default @noble/hashes; Node passes node:crypto). */
  hash?: HashFactory;
  /**
   * Told how far the check of a large file is: bytes of signed ranges hashed of all that will be,
   * and which signature is being checked (1-based). For a progress bar; called often, cheaply.
   */
  onProgress?: (p: VerifyProgress) => void;
  /** Without revocation data a signature is INDETERMINATE/TRY_LATER (default true, as R10 asks). */
  requireRevocation?: boolean;
}

export interface VerifyProgress {
  bytesDone: number;
  bytesTotal: number;
  signature: number;
  signatures: number;
}

/** A certification signature (DocMDP) and the revision it signed. */
export interface Certification {
  revision: number;
  p: number;
}

/** What every signature of one file is verified against. */
export interface FileContext {
  file: PdfFile;
  options: VerifyOptions;
  crypto: Crypto;
  hash: HashFactory;
  /** Hash states of the file's first bytes, shared by its signatures' digests. */
  prefixes?: FilePrefixes;
  now: Date;
  dss: { certs: x509.X509Certificate[]; crls: Uint8Array[]; ocsps: Uint8Array[] };
  /** CA certificates to complete paths with: the DSS and the caller's cache (the bundled sub-CAs a path may need are added per signature: poolWith). */
  intermediates: x509.X509Certificate[];
  certification: Certification[];
  /** Difference analysis of revision i → i+1, computed once per file. */
  updates: Map<number, UpdateAnalysis>;
}
