import type * as pkijs from "pkijs";
import type { x509 } from "../../pki/x509.ts";
import type { SignerInfoCheck } from "../../pki/cms-verify.ts";
import type { CertificationPath } from "../../pki/path.ts";
import type { RevocationStatus } from "../../pki/revocation.ts";
import type { SignatureField } from "../pdf/signatures.ts";
import type { Finding, Indication, SignatureReport, SubIndication } from "../report.ts";
import type { FileContext } from "../context.ts";
import type { SignedRanges } from "../hash.ts";

/**
 * One signature on its way through the pipeline: what the stages found so far. Each stage
 * reads the fields earlier stages set, sets its own, and returns its findings.
 */
export interface SignatureState {
  ctx: FileContext;
  sig: SignatureField;
  report: SignatureReport;
  /** Set by a stage when nothing after it can be judged (the indication is already decided). */
  stop?: boolean;
  /** integrity */
  signed?: SignedRanges;
  check?: SignerInfoCheck;
  signerCert?: pkijs.Certificate;
  /** signer */
  leaf?: x509.X509Certificate;
  /** The certificates of the CMS and the file's context, without the bundled sub-CAs. */
  ownPool?: x509.X509Certificate[];
  /** ownPool, then the bundled sub-CAs a path from the leaf may need: what the path is built from. */
  pool: x509.X509Certificate[];
  /** A proof of existence: a trusted signature timestamp's genTime, or a document timestamp's own. */
  poe?: Date;
  /** signing time: the time the certificate is judged at. */
  judgedAt?: Date;
  /** chain */
  path?: CertificationPath;
  /** validity */
  leafOutOfBoundsNow?: boolean;
  expiredAtClaimedTime?: boolean;
  /** revocation */
  leafStatus?: RevocationStatus;
}

export type Stage = (s: SignatureState) => Promise<Finding[]> | Finding[];

export function finding(indication: Indication, subIndication: SubIndication | undefined, code: string, detail: string): Finding {
  return subIndication ? { code, indication, subIndication, detail } : { code, indication, detail };
}

/** A note: recorded, shown, no effect on the indication. */
export function note(code: string, detail: string): Finding {
  return { code, indication: "TOTAL_PASSED", detail };
}

export function pickIndication(findings: Finding[]): { indication: Indication; subIndication?: SubIndication } {
  const failed = findings.find((f) => f.indication === "TOTAL_FAILED");
  if (failed) return { indication: "TOTAL_FAILED", subIndication: failed.subIndication };
  const ind = findings.find((f) => f.indication === "INDETERMINATE");
  if (ind) return { indication: "INDETERMINATE", subIndication: ind.subIndication };
  return { indication: "TOTAL_PASSED" };
}

export function newReport(sig: SignatureField): SignatureReport {
  return {
    field: sig.name,
    kind: sig.kind,
    subFilter: sig.subFilter,
    signingTimeSource: "validation-time",
    indication: "INDETERMINATE",
    coversWholeDocument: sig.coversWholeDocument,
    modifiedAfter: "none",
    signedRevision: sig.signedRevision?.index,
    chain: [],
    revocation: [],
    weakAlgorithms: [],
    docMdp: sig.docMdp,
    changes: { allowed: [], disallowed: [] },
    findings: [],
    message: "",
  };
}
