import type { CertificateInfo, SignatureType } from "../../../shared/agent-protocol/index.ts";
import type { Secrecy } from "../../../shared/domain/index.ts";
import { VanthuError } from "../../../shared/errors.ts";
import type { SignatureResult, Signer, SignerCertificates } from "../../../shared/sign/signer.ts";
import { base64ToBytes, bytesToBase64, type AgentClient } from "./client.ts";

export interface AgentDocumentInfo {
  title: string;
  number?: string;
  /** SHA-256 of the PDF as it goes to signing. */
  sha256: string;
  signatureType: SignatureType;
  secrecy?: Secrecy;
}

/**
 * A Signer whose private key stays on the token: the signed attributes go to the agent, the
 * person consents and types the PIN on the agent's page (a window the PWA opened during the
 * click, so that no pop-up blocker stops it), and the raw signature comes back.
 *
 * Batch: give several documents; each signPdf() call's sign() waits until all have arrived,
 * then one request (one consent, one PIN) carries them all.
 */
export class AgentBatchSigner {
  readonly signatureAlgorithm;
  readonly digestAlgorithm = "SHA-256" as const;
  readonly label: string;
  readonly isDemo: boolean;
  private readonly waiting: Array<{ index: number; attrs: Uint8Array; resolve: (r: SignatureResult) => void; reject: (e: unknown) => void }> = [];
  private sent = false;

  constructor(
    private readonly agent: AgentClient,
    private readonly cert: CertificateInfo,
    private readonly docs: AgentDocumentInfo[],
    private readonly consentWindow: () => Window | null,
  ) {
    this.signatureAlgorithm = cert.keyAlgorithm === "EC" ? ("ECDSA" as const) : ("RSASSA-PKCS1-v1_5" as const);
    this.label = cert.tokenLabel;
    this.isDemo = cert.isDemo;
  }

  certificates(): SignerCertificates {
    return { certificate: base64ToBytes(this.cert.certificate), chain: this.cert.chain.map(base64ToBytes) };
  }

  /** The Signer for the index-th document of the batch. */
  signerFor(index: number): Signer {
    return {
      signatureAlgorithm: this.signatureAlgorithm,
      digestAlgorithm: this.digestAlgorithm,
      label: this.label,
      isDemo: this.isDemo,
      getCertificates: async () => this.certificates(),
      sign: (attrs) =>
        new Promise<SignatureResult>((resolve, reject) => {
          this.waiting.push({ index, attrs, resolve, reject });
          if (this.waiting.length === this.docs.length) void this.flush();
        }),
    };
  }

  /** A document of the batch failed before reaching sign(): the others must not wait for it forever. */
  fail(e: unknown): void {
    for (const w of this.waiting.splice(0)) w.reject(e);
  }

  private async flush(): Promise<void> {
    if (this.sent) return;
    this.sent = true;
    const ws = [...this.waiting].sort((a, b) => a.index - b.index);
    try {
      const created = await this.agent.createSignRequest({
        certificateId: this.cert.id,
        documents: ws.map((w) => {
          const d = this.docs[w.index]!;
          return { title: d.title, number: d.number, sha256: d.sha256, signatureType: d.signatureType, secrecy: d.secrecy ?? "none", signedAttributes: bytesToBase64(w.attrs) };
        }),
      });
      const win = this.consentWindow();
      if (win) win.location.href = created.consentUrl;
      else window.open(created.consentUrl, "vanthu-agent");
      const view = await this.agent.waitForSignRequest(created.id);
      if (view.state !== "completed") {
        const e = view.error;
        throw e
          ? new VanthuError(e.code, e.messageVi, e.messageEn)
          : new VanthuError("agent." + view.state, view.state === "cancelled" ? "Người ký đã hủy." : view.state === "expired" ? "Yêu cầu ký đã hết hạn." : "Ký không thành công.", `Sign request ${view.state}`);
      }
      const certs = this.certificates();
      ws.forEach((w, i) => {
        const r = view.results.find((x) => x.index === i);
        if (r?.status === "signed") w.resolve({ ...certs, signature: base64ToBytes(r.signature) });
        else if (r?.status === "failed") w.reject(new VanthuError(r.error.code, r.error.messageVi, r.error.messageEn));
        else w.reject(new VanthuError("agent.no-result", "Agent không trả về chữ ký cho văn bản này.", `No result for document ${i}`));
      });
    } catch (e) {
      for (const w of ws) w.reject(e);
    }
  }
}
