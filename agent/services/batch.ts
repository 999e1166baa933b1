import type { AgentError } from "../../shared/agent-protocol/index.ts";
import type { SigningLog, SigningLogEntry } from "../log/signing-log.ts";
import type { TokenProvider } from "../tokens/provider.ts";
import type { SignRequestRecord } from "../signing/requests.ts";
import { isoVietnam, toAgentError } from "../certificates/index.ts";
import type { AgentEvents } from "../app.ts";

type OpenSigner = Awaited<ReturnType<TokenProvider["openSigner"]>>;

/** The sign request's state machine after consent: signing each document, failing, cancelling — and the log of it. */
export class BatchRunner {
  constructor(
    private readonly log: SigningLog,
    private readonly now: () => Date,
    private readonly events?: AgentEvents,
  ) {}

  logEntry(e: Omit<SigningLogEntry, "at">): void {
    this.log.append({ at: isoVietnam(this.now()), ...e });
  }

  async sign(r: SignRequestRecord, signer: OpenSigner): Promise<void> {
    r.state = "signing";
    try {
      for (let i = 0; i < r.documents.length; i++) {
        const d = r.documents[i]!;
        try {
          const { signature } = await signer.sign(d.signedAttributes);
          r.results[i] = {
            index: i,
            sha256: d.sha256,
            status: "signed",
            signature: Buffer.from(signature).toString("base64"),
            signedAt: isoVietnam(this.now()),
          };
          await this.events?.documentSigned?.({ requestId: r.id, index: i, total: r.documents.length });
        } catch (e) {
          // What is signed stays signed; this one and the rest are reported failed.
          const err = toAgentError(e);
          for (let j = i; j < r.documents.length; j++) r.results[j] = { index: j, sha256: r.documents[j]!.sha256, status: "failed", error: err };
          break;
        }
      }
    } finally {
      await signer.close().catch(() => undefined);
    }
    const failed = r.results.find((x) => x.status === "failed");
    r.state = failed ? "failed" : "completed";
    if (failed?.status === "failed") r.error = failed.error;
    this.events?.batchFinished?.({
      requestId: r.id,
      origin: r.origin,
      signed: r.results.filter((x) => x.status === "signed").length,
      total: r.results.length,
      certificate: r.certificate.commonName,
      ...(r.error ? { error: r.error } : {}),
    });
    this.logEntry({
      event: failed ? "batch-failed" : "batch-signed",
      origin: r.origin,
      requestId: r.id,
      certificate: certSummary(r),
      documents: docSummary(r),
      ...(failed?.status === "failed" ? { error: { code: failed.error.code, messageEn: failed.error.messageEn } } : {}),
    });
  }

  fail(r: SignRequestRecord, err: AgentError): void {
    r.state = "failed";
    r.error = err;
    r.results = r.results.map((x) => (x.status === "signed" ? x : { index: x.index, sha256: x.sha256, status: "failed", error: err }));
    this.logEntry({
      event: "batch-failed",
      origin: r.origin,
      requestId: r.id,
      certificate: certSummary(r),
      documents: docSummary(r),
      error: { code: err.code, messageEn: err.messageEn },
    });
  }

  cancel(r: SignRequestRecord, err: AgentError): void {
    r.state = "cancelled";
    r.error = err;
    r.results = r.results.map((x) => ({ index: x.index, sha256: x.sha256, status: "failed", error: err }));
  }
}

export function certSummary(r: SignRequestRecord): SigningLogEntry["certificate"] {
  return { id: r.certificate.id, subject: r.certificate.subject, serialNumber: r.certificate.serialNumber, isDemo: r.certificate.isDemo };
}

export function docSummary(r: SignRequestRecord): SigningLogEntry["documents"] {
  return r.documents.map((d, i) => {
    const res = r.results[i];
    return {
      sha256: d.sha256,
      title: d.title,
      ...(d.number ? { number: d.number } : {}),
      signatureType: d.signatureType,
      status: res?.status === "signed" ? "signed" : r.state === "cancelled" ? "refused" : "failed",
    };
  });
}
