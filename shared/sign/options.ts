import type { FetchLike } from "../pki/timestamp-client.ts";
import type { HashFactory } from "../pki/incremental-hash.ts";
import type { Box } from "./layout.ts";
import type { DigestAlgorithmName, SignatureAlgorithmName, Signer, SignerCertificates } from "./signer.ts";

/** The five signatures of Điều 13 of the regulation. */
export type SignatureType = "signer" | "issuer" | "copy" | "attachment" | "appendix";
export const SIGNATURE_TYPES: readonly SignatureType[] = ["signer", "issuer", "copy", "attachment", "appendix"];

/** Hình thức sao (Điều 13.3). */
export type CopyForm = "sao y" | "sao lục" | "trích sao";
export const COPY_FORMS: readonly string[] = ["sao y", "sao lục", "trích sao"];

export interface SignPdfOptions {
  type: SignatureType;
  signer: Signer;
  /** The claimed signing time (/M and the text blocks); defaults to now. */
  signingTime?: Date;
  /** PNG with transparency: the signature image (signer) or the seal (issuer). */
  image?: Uint8Array;
  /** 1-based page; default: the last page for signer/issuer, page 1 for the others. */
  page?: number;
  /** Explicit box of the image, in points. */
  rect?: Box;
  /** The seal's real diameter in millimetres (issuer). */
  sealMm?: number;
  copyForm?: string;
  /** The organisation making the copy (copy). */
  org?: string;
  /** Số và ký hiệu of the main document (attachment, appendix). */
  docNumber?: string;
  /**
   * Signer only: the number the outgoing register gives the document (e.g. "125") and its date
   * (default: the signing time), written into the draft's blanks on page 1 — "Số:    /UBND-VP"
   * and "ngày … tháng … năm …" — in the revision the official signs. Written any later (at the
   * organisation's signature) they would be a change after the official's signature that strict
   * verifiers refuse, so the number is taken when the draft goes for signing. Needs `font`.
   */
  issueNumber?: string;
  issueDate?: Date;
  /** A TrueType font with full Vietnamese coverage, Times-metric (Tinos). Needed for text blocks. */
  font?: Uint8Array;
  location?: string;
  /** RFC 3161 time-stamp authority, for PAdES B-T. */
  tsaUrl?: string;
  fetch?: FetchLike;
  crypto?: Crypto;
  /** Incremental hashing of large files: `node:crypto` from bin/, @noble/hashes by default. */
  hash?: HashFactory;
}

export interface SignPdfResult {
  bytes: Uint8Array;
  fieldName: string;
  /** Where the appearance was placed (points, on `pageIndex`); zero-size when it has none. */
  rect: Box;
  pageIndex: number;
  /** Where the text block of a copy, attachment or appendix was drawn. */
  textBlock?: Box;
  signingTime: Date;
}

/**
 * What `prepareSignature` needs: everything of SignPdfOptions but the key. The certificates
 * are known before signing (signing-certificate-v2 names the signer's certificate).
 */
export interface PrepareOptions extends Omit<SignPdfOptions, "signer" | "tsaUrl" | "fetch"> {
  certificates: SignerCertificates;
  digestAlgorithm: DigestAlgorithmName;
  signatureAlgorithm: SignatureAlgorithmName;
  /** Reserve room in /Contents for an RFC 3161 token (B-T). */
  withTimestamp?: boolean;
}
