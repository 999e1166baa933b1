/** Messages between the page and the verification worker (R10 runs off the main thread). */
export interface VerifyRequest {
  id: number;
  pdf: Uint8Array;
  /** Cached trust anchors and CRLs (DER), for offline verification (R13). */
  trustAnchors: Uint8Array[];
  crls: Array<{ der: Uint8Array; fetchedAt: string }>;
  at?: string;
}

/** One signature as the clerk sees it. */
export interface SignatureSummary {
  fieldName: string;
  signerName: string;
  title?: string;
  organisation?: string;
  signingTime?: string;
  /** Which time that is: a timestamp token's, or the signer's claim. */
  signingTimeSource?: "timestamp" | "claimed";
  verdict: "valid" | "invalid" | "indeterminate";
  /** Plain Vietnamese reason. */
  messageVi: string;
  /** How fresh the revocation data was (R13). */
  revocationVi?: string;
  isDemo?: boolean;
}

/** Sent by the worker while a large file is checked (bytes of the signed ranges hashed), before its VerifyResponse. */
export interface VerifyProgressMessage {
  id: number;
  progress: { bytesDone: number; bytesTotal: number; signature: number; signatures: number };
}

export interface VerifyResponse {
  id: number;
  ok: boolean;
  verdict: "valid" | "invalid" | "indeterminate" | "error";
  summaryVi: string;
  signatures: SignatureSummary[];
  /** The verifier's full report, kept as data (R12). */
  report: unknown;
  errorEn?: string;
}
