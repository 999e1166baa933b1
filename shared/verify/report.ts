/**
 * The verification result as data (ETSI EN 319 102-1 indications), kept with the document
 * (R12) and rendered afterwards (render-vi.ts) — never strings built along the way.
 */
export type Indication = "TOTAL_PASSED" | "TOTAL_FAILED" | "INDETERMINATE";

export type SubIndication =
  // TOTAL_FAILED
  | "FORMAT_FAILURE"
  | "HASH_FAILURE"
  | "SIG_CRYPTO_FAILURE"
  | "REVOKED"
  | "EXPIRED"
  | "NOT_YET_VALID"
  // INDETERMINATE
  | "SIG_CONSTRAINTS_FAILURE"
  | "CHAIN_CONSTRAINTS_FAILURE"
  | "CRYPTO_CONSTRAINTS_FAILURE"
  | "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"
  | "NO_SIGNING_CERTIFICATE_FOUND"
  | "NO_CERTIFICATE_CHAIN_FOUND"
  | "REVOKED_NO_POE"
  | "REVOKED_CA_NO_POE"
  | "OUT_OF_BOUNDS_NO_POE"
  | "OUT_OF_BOUNDS_NOT_REVOKED"
  | "TRY_LATER"
  | "REVOCATION_OUT_OF_BOUNDS_NO_POE"
  | "SIGNED_DATA_NOT_FOUND";

export type DocumentStatus = "valid" | "invalid" | "indeterminate" | "unsigned" | "error";
export type ModifiedAfter = "none" | "allowed" | "disallowed";

/** One reason behind an indication, in English for logs; `code` is stable. */
export interface Finding {
  code: string;
  indication: Indication;
  subIndication?: SubIndication;
  detail: string;
}

export interface SignerInfo {
  commonName: string;
  title?: string;
  organization?: string;
  /** Certificate serial number, hex. */
  serialNumber: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
}

export interface RevocationReport {
  /** Subject of the certificate this is about. */
  certificate: string;
  status: "good" | "revoked" | "unknown";
  source?: "given-crl" | "embedded-crl" | "cached-crl" | "fetched-crl" | "ocsp" | "embedded-ocsp";
  url?: string;
  thisUpdate?: string;
  nextUpdate?: string;
  fresh: boolean;
  revocationDate?: string;
  reason?: string;
  notes: string[];
}

export interface SignatureReport {
  field: string;
  kind: "signature" | "document-timestamp";
  subFilter?: string;
  signer?: SignerInfo;
  /** The time the certificate was judged at, ISO 8601 with +07:00. */
  signingTime?: string;
  signingTimeSource: "timestamp" | "claimed-M" | "claimed-signingTime" | "validation-time";
  claimedSigningTime?: string;
  timestamp?: { genTime: string; trusted: boolean; tsa?: string; problems: string[] };
  indication: Indication;
  subIndication?: SubIndication;
  coversWholeDocument: boolean;
  modifiedAfter: ModifiedAfter;
  /** Revision this signature covers (0-based) and the number of revisions in the file. */
  signedRevision?: number;
  digestAlgorithm?: string;
  signatureAlgorithm?: string;
  /** Certification path, end entity first. */
  chain: { subject: string; issuer: string; notAfter: string; sha256: string }[];
  revocation: RevocationReport[];
  weakAlgorithms: string[];
  docMdp?: number;
  /** Changes after this signature: what was allowed and what was not (English). */
  changes: { allowed: string[]; disallowed: string[] };
  findings: Finding[];
  /** Vietnamese sentence for the clerk (filled by the renderer). */
  message: string;
}

export interface ValidationReport {
  status: DocumentStatus;
  /** Set when status is "error". */
  error?: { code: string; messageVi: string; messageEn: string };
  validatedAt: string;
  revisions: number;
  signatures: SignatureReport[];
  /** About the file rather than one signature (bytes after the last revision, say). */
  findings?: Finding[];
  /** Vietnamese summary for the refusal notice (Điều 17.3). */
  message: string;
}

/** ISO 8601 in Vietnam time (+07:00), as the project exchanges times. */
export { isoVietnam } from "../time/index.ts";
