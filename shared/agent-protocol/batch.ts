/**
 * Batch signing through the token agent — the one implementation the PWA ships and the tests
 * drive. Each document is prepared first (shared/sign prepareSignature: the revision and its
 * signed attributes, no key); one sign request carries every prepared revision, so one
 * consent page and one PIN sign them all; the agent computes each digest itself from the
 * bytes; each signature is then completed into its revision (completeSignature).
 */
import { VanthuError } from "../errors.ts";
import { completeSignature, prepareSignature, type PreparedSignature } from "../sign/index.ts";
import type { PrepareOptions } from "../sign/options.ts";
import type { AgentClient } from "./client.ts";
import { base64ToBytes, bytesToBase64 } from "./client.ts";
import type { CertificateInfo, SignatureType, SignRequestView } from "./index.ts";

export interface BatchDocument {
  /** The caller's label, shown beside what the agent reads from the PDF. */
  title: string;
  number?: string;
  secrecy?: "none" | "Mật" | "Tối mật" | "Tuyệt mật";
  prepared: PreparedSignature;
  signatureType: SignatureType;
}

export interface AgentSigningOptions {
  /** Opens the consent page (a window opened during the click, so no pop-up blocker stops it). */
  openConsent(url: string): void;
  /** RFC 3161 token over a signature value (PAdES B-T), e.g. through the sync server's relay. */
  timestamp?(signature: Uint8Array): Promise<Uint8Array>;
  intervalMs?: number;
  signal?: AbortSignal;
  /** How many documents the agent has signed so far, as it reports them (batch progress). */
  onSigned?(signed: number, total: number): void;
}

/** The signer's certificate as the engine needs it, from what the agent lists. */
export function certificatesOf(c: CertificateInfo) {
  return { certificate: base64ToBytes(c.certificate), chain: c.chain.map(base64ToBytes) };
}

/** Prepares one document for signing with a certificate on the agent's token. */
export function prepareForAgent(
  pdf: Uint8Array,
  certificate: CertificateInfo,
  options: Omit<PrepareOptions, "certificates" | "digestAlgorithm" | "signatureAlgorithm">,
): Promise<PreparedSignature> {
  return prepareSignature(pdf, {
    ...options,
    certificates: certificatesOf(certificate),
    digestAlgorithm: "SHA-256",
    signatureAlgorithm: certificate.keyAlgorithm === "EC" ? "ECDSA" : "RSASSA-PKCS1-v1_5",
  });
}

function failureOf(view: SignRequestView, i: number): VanthuError {
  const r = view.results[i];
  const e = r?.status === "failed" ? r.error : view.error;
  if (e) return new VanthuError(e.code, e.messageVi, e.messageEn);
  const vi = view.state === "cancelled" ? "Người ký đã hủy." : view.state === "expired" ? "Yêu cầu ký đã hết hạn." : "Văn bản chưa được ký.";
  return new VanthuError(`agent.${view.state}`, vi, `document ${i} not signed (${view.state})`);
}

/**
 * Sends the batch, waits for the person's consent on the agent's page, and returns the signed
 * PDFs in order. Any document not signed fails the whole call with its reason (what was
 * signed is not kept: the caller records nothing of a half-signed batch).
 */
export async function signWithAgent(
  agent: AgentClient,
  certificate: CertificateInfo,
  documents: BatchDocument[],
  options: AgentSigningOptions,
): Promise<Uint8Array[]> {
  const created = await agent.createSignRequest({
    certificateId: certificate.id,
    documents: documents.map((d) => ({
      title: d.title,
      ...(d.number ? { number: d.number } : {}),
      signatureType: d.signatureType,
      secrecy: d.secrecy ?? "none",
      pdf: bytesToBase64(d.prepared.bytes),
      signedAttributes: bytesToBase64(d.prepared.signedAttributes),
    })),
  });
  options.openConsent(created.consentUrl);
  const view = await agent.waitForSignRequest(created.id, {
    intervalMs: options.intervalMs,
    signal: options.signal,
    onProgress: (v) => options.onSigned?.(v.results.filter((r) => r?.status === "signed").length, documents.length),
  });
  const { certificate: leaf, chain } = certificatesOf(certificate);
  const out: Uint8Array[] = [];
  for (const [i, d] of documents.entries()) {
    const r = view.results[i];
    if (r?.status !== "signed") throw failureOf(view, i);
    const signature = base64ToBytes(r.signature);
    const timestampToken = options.timestamp ? await options.timestamp(signature) : undefined;
    out.push(completeSignature(d.prepared, { signature, certificates: [leaf, ...chain], timestampToken }));
  }
  return out;
}
