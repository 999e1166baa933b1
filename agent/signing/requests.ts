import { randomBytes } from "node:crypto";
import type { AgentError, CertificateInfo, DocumentResult, SignRequestState, SignRequestView } from "../../shared/agent-protocol/index.ts";
import { isFinalState } from "../../shared/agent-protocol/index.ts";
import { isoVietnam } from "../certificates/index.ts";

export interface PendingDocument {
  /** The caller's label. */
  title: string;
  number?: string;
  /** Read by the agent from page 1 of the PDF. */
  pdfNumber?: string;
  pdfTitle?: string;
  /** SHA-256 of the byte ranges, computed by the agent from the PDF it was given. */
  sha256: string;
  /** Page (0-based) carrying the signature: the one pictured on the consent page. */
  pageIndex: number;
  signatureType: "signer" | "issuer" | "copy" | "attachment" | "appendix";
  signedAttributes: Uint8Array;
}

export interface SignRequestRecord {
  id: string;
  pairingId: string;
  origin: string;
  createdAt: Date;
  expiresAt: Date;
  certificate: CertificateInfo;
  signatureAlgorithm: "RSASSA-PKCS1-v1_5" | "ECDSA";
  documents: PendingDocument[];
  state: SignRequestState;
  results: DocumentResult[];
  error?: AgentError;
  /** Per-page secret of the consent form. */
  csrf: string;
  wrongPins: number;
}

/**
 * Sign requests live in memory only: an agent restart drops them (the PWA asks again).
 * Requests not consented to in time expire; finished ones are forgotten after a while.
 */
export class SignRequests {
  private readonly byId = new Map<string, SignRequestRecord>();

  constructor(
    private readonly now: () => Date,
    readonly ttlMs: number,
    private readonly keepFinishedMs = 30 * 60_000,
  ) {}

  create(r: Omit<SignRequestRecord, "id" | "createdAt" | "expiresAt" | "state" | "results" | "csrf" | "wrongPins">): SignRequestRecord {
    this.purge();
    const createdAt = this.now();
    const rec: SignRequestRecord = {
      ...r,
      id: randomBytes(16).toString("base64url"),
      createdAt,
      expiresAt: new Date(createdAt.getTime() + this.ttlMs),
      state: "awaiting-consent",
      results: r.documents.map((d, index) => ({ index, sha256: d.sha256, status: "pending" })),
      csrf: randomBytes(24).toString("base64url"),
      wrongPins: 0,
    };
    this.byId.set(rec.id, rec);
    return rec;
  }

  get(id: string): SignRequestRecord | undefined {
    const r = this.byId.get(id);
    if (r && r.state === "awaiting-consent" && this.now() > r.expiresAt) {
      r.state = "expired";
      r.error = {
        code: "agent.request-expired",
        messageVi: "Yêu cầu ký đã hết hạn vì chưa được xác nhận kịp thời: hãy gửi lại từ ứng dụng.",
        messageEn: "sign request expired before consent",
      };
      r.results = r.results.map((x) => ({ index: x.index, sha256: x.sha256, status: "failed", error: r.error! }));
    }
    return r;
  }

  /** Awaiting requests of one pairing (to cap how many consent windows a page can queue). */
  awaitingFor(pairingId: string): number {
    let n = 0;
    for (const r of this.byId.values()) if (r.pairingId === pairingId && this.get(r.id)?.state === "awaiting-consent") n++;
    return n;
  }

  private purge(): void {
    const t = this.now().getTime();
    for (const [id, r] of this.byId) {
      const rr = this.get(id)!;
      if (isFinalState(rr.state) && t - r.expiresAt.getTime() > this.keepFinishedMs) this.byId.delete(id);
    }
  }
}

export function viewOf(r: SignRequestRecord): SignRequestView {
  return {
    id: r.id,
    state: r.state,
    createdAt: isoVietnam(r.createdAt),
    expiresAt: isoVietnam(r.expiresAt),
    certificateId: r.certificate.id,
    certificate: r.certificate.certificate,
    chain: r.certificate.chain,
    signatureAlgorithm: r.signatureAlgorithm,
    digestAlgorithm: "SHA-256",
    results: r.results,
    ...(r.error ? { error: r.error } : {}),
  };
}
