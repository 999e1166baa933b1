/**
 * The token agent's HTTP API (`/v1`), shared by the agent (which validates what it receives)
 * and the PWA (which builds requests and reads answers). Zod schemas are the single truth;
 * the TypeScript types are inferred from them.
 *
 * Flow: the PWA pairs once (a top-level form POST to `/pair` that a person confirms on the
 * agent's own page by typing the code the PWA shows), then sends sign requests with
 * `Authorization: Bearer <pairing token>` and JSON bodies, opens `consentUrl` in a window
 * where the person reads what is signed and types the PIN, and polls the request.
 */
import { z } from "zod";

export const AGENT_PROTOCOL_VERSION = 1;
/** The agent's port on 127.0.0.1 unless `--port` says otherwise. */
export const AGENT_DEFAULT_PORT = 47815;
/** Limits the agent applies; the PWA can use them to split batches. */
export const AGENT_MAX_DOCUMENTS_PER_REQUEST = 200;
export const AGENT_MAX_SIGNED_ATTRIBUTES_BYTES = 64 * 1024;
/** Largest prepared PDF the agent takes in one document (the whole request stays under its body limit). */
export const AGENT_MAX_PDF_BYTES = 20 * 1024 * 1024;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "base64");
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "SHA-256, 64 lower-case hex digits");
const isoDateTime = z.string().datetime({ offset: true });

/** Điều 13's five kinds of signature. */
export const SignatureTypeSchema = z.enum(["signer", "issuer", "copy", "attachment", "appendix"]);
export type SignatureType = z.infer<typeof SignatureTypeSchema>;
export const SIGNATURE_TYPE_LABEL_VI: Record<SignatureType, string> = {
  signer: "Chữ ký của người có thẩm quyền",
  issuer: "Chữ ký của cơ quan, tổ chức (ban hành)",
  copy: "Chữ ký sao văn bản điện tử",
  attachment: "Chữ ký văn bản kèm theo",
  appendix: "Chữ ký phụ lục",
};

/** Độ mật, as in shared/domain/secrecy.ts. The agent refuses the last three (R9). */
export const SecrecySchema = z.enum(["none", "Mật", "Tối mật", "Tuyệt mật"]);

export const AgentErrorSchema = z.object({
  code: z.string(),
  messageVi: z.string(),
  messageEn: z.string(),
  /** For a wrong PIN: what the token says about the tries left (PKCS#11 flags give no number). */
  pinTries: z.enum(["unknown", "low", "final"]).optional(),
});
export type AgentError = z.infer<typeof AgentErrorSchema>;
/** Every non-2xx JSON answer. */
export const AgentErrorResponseSchema = z.object({ error: AgentErrorSchema });

export const TokenSummarySchema = z.object({
  label: z.string(),
  manufacturer: z.string(),
  model: z.string(),
  serialNumber: z.string(),
});
export type TokenSummary = z.infer<typeof TokenSummarySchema>;

/**
 * GET /v1/status — answers every origin, but an unpaired one without CORS headers: a page can
 * probe that the agent runs (the request succeeds) without reading anything (as Fortify and
 * Web eID do). Only a paired caller that sends its pairing token learns the module and tokens.
 */
export const StatusResponseSchema = z.object({
  agent: z.literal("vanthu-agent"),
  version: z.string(),
  protocolVersion: z.literal(AGENT_PROTOCOL_VERSION),
  /** Whether the calling Origin is paired and sent a valid pairing token. */
  paired: z.boolean(),
  /** Only for a paired caller. */
  module: z
    .object({
      /** The PKCS#11 library in use, or "demo:…" for a demo token. */
      path: z.string(),
      description: z.string(),
      /** True when the agent signs with a demo key: never an official signature. */
      demo: z.boolean(),
    })
    .optional(),
  /** Only for a paired caller. */
  tokens: z.array(TokenSummarySchema).optional(),
});
export type StatusResponse = z.infer<typeof StatusResponseSchema>;

/** A certificate on a token whose private key is there too (GET /v1/certificates). */
export const CertificateInfoSchema = z.object({
  /** SHA-256 of the certificate's DER, hex: the id used in sign requests. */
  id: sha256Hex,
  subject: z.string(),
  commonName: z.string(),
  /** Chức danh (X.520 title), when the certificate has one. */
  title: z.string().optional(),
  organization: z.string().optional(),
  issuer: z.string(),
  serialNumber: z.string(),
  notBefore: isoDateTime,
  notAfter: isoDateTime,
  keyAlgorithm: z.enum(["RSA", "EC"]),
  tokenLabel: z.string(),
  keyLabel: z.string().optional(),
  /** DER, base64. */
  certificate: base64,
  /** Issuer certificates found on the token, nearest first, DER base64. */
  chain: z.array(base64),
  isDemo: z.boolean(),
  /** False when the agent would refuse to sign with it (expired, not yet valid, wrong key usage). */
  usable: z.boolean(),
  unusableReason: AgentErrorSchema.optional(),
});
export type CertificateInfo = z.infer<typeof CertificateInfoSchema>;
export const CertificateListResponseSchema = z.object({ certificates: z.array(CertificateInfoSchema) });

/**
 * One document of a sign request. What you see is what you sign: the caller sends the
 * prepared revision (shared/sign prepareSignature: the PDF with the new signature field and an
 * empty /Contents) and the CMS signed attributes; the agent computes the digest of the byte
 * ranges itself, refuses signed attributes whose message-digest differs, reads the number
 * and title from the PDF and shows a rendering of the signed page. A bare hash is never signed.
 */
export const SignDocumentSchema = z.object({
  /** The caller's label (tên loại và trích yếu); shown beside what the agent reads from the PDF. */
  title: z.string().trim().min(1).max(500),
  /** Số, ký hiệu as the caller knows it; the consent page shows the one read from the PDF. */
  number: z.string().trim().max(50).optional(),
  signatureType: SignatureTypeSchema,
  secrecy: SecrecySchema.default("none"),
  /** The prepared revision, base64: the whole PDF as it will be signed, /Contents zeros. */
  pdf: base64.min(8).max(Math.ceil((AGENT_MAX_PDF_BYTES * 4) / 3) + 4),
  /** DER of the CMS signed attributes (SET OF, tag 0x31), base64: what the token signs. */
  signedAttributes: base64.min(4).max(Math.ceil((AGENT_MAX_SIGNED_ATTRIBUTES_BYTES * 4) / 3) + 4),
});
export type SignDocument = z.input<typeof SignDocumentSchema>;

/** POST /v1/sign-requests */
export const CreateSignRequestSchema = z.object({
  certificateId: sha256Hex,
  documents: z.array(SignDocumentSchema).min(1).max(AGENT_MAX_DOCUMENTS_PER_REQUEST),
});
export type CreateSignRequest = z.input<typeof CreateSignRequestSchema>;

export const CreateSignRequestResponseSchema = z.object({
  id: z.string(),
  /** Open this (agent origin) in a window: the person consents and types the PIN there. */
  consentUrl: z.string().url(),
  expiresAt: isoDateTime,
});
export type CreateSignRequestResponse = z.infer<typeof CreateSignRequestResponseSchema>;

export const SignRequestStateSchema = z.enum(["awaiting-consent", "signing", "completed", "failed", "expired", "cancelled"]);
export type SignRequestState = z.infer<typeof SignRequestStateSchema>;

/** `sha256` in results: the digest of the byte ranges the agent computed itself (hex). */
export const DocumentResultSchema = z.discriminatedUnion("status", [
  z.object({ index: z.number().int(), sha256: sha256Hex, status: z.literal("pending") }),
  /** signature: raw PKCS#1 v1.5 bytes (RSA) or DER SEQUENCE{r,s} (ECDSA), base64. */
  z.object({ index: z.number().int(), sha256: sha256Hex, status: z.literal("signed"), signature: base64, signedAt: isoDateTime }),
  z.object({ index: z.number().int(), sha256: sha256Hex, status: z.literal("failed"), error: AgentErrorSchema }),
]);
export type DocumentResult = z.infer<typeof DocumentResultSchema>;

/** GET /v1/sign-requests/:id */
export const SignRequestViewSchema = z.object({
  id: z.string(),
  state: SignRequestStateSchema,
  createdAt: isoDateTime,
  expiresAt: isoDateTime,
  certificateId: sha256Hex,
  /** Signer's certificate and chain (DER base64) for embedding. */
  certificate: base64,
  chain: z.array(base64),
  signatureAlgorithm: z.enum(["RSASSA-PKCS1-v1_5", "ECDSA"]),
  digestAlgorithm: z.literal("SHA-256"),
  results: z.array(DocumentResultSchema),
  /** Why the whole request failed or was refused, when it did. */
  error: AgentErrorSchema.optional(),
});
export type SignRequestView = z.infer<typeof SignRequestViewSchema>;

/** Whether a sign request will change no more. */
export function isFinalState(s: SignRequestState): boolean {
  return s === "completed" || s === "failed" || s === "expired" || s === "cancelled";
}

/**
 * The pairing form the PWA posts (top-level, target a new window) to `${agent}/pair`:
 * `application/x-www-form-urlencoded` fields `tokenHash` (SHA-256 hex of the pairing token
 * the PWA generated and keeps) and `appName`. The PWA shows `pairingCode(token)`; the
 * person types it on the agent's page. The token itself never travels until it is used as
 * the bearer token, and only a paired origin can use it.
 */
export const PairFormSchema = z.object({
  tokenHash: sha256Hex,
  appName: z.string().trim().min(1).max(100).default("Văn thư số"),
});

/** The 6-digit code a person compares: derived from the token's hash, so both sides compute it. */
export function pairingCodeFromHash(tokenHashHex: string): string {
  const n = Number.parseInt(tokenHashHex.slice(0, 12), 16) % 1_000_000;
  return n.toString().padStart(6, "0");
}

/** SHA-256 hex of a pairing token (WebCrypto: isomorphic). */
export async function hashPairingToken(token: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A fresh pairing token: 32 random bytes, base64url. */
export function newPairingToken(): string {
  const b = crypto.getRandomValues(new Uint8Array(32));
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
