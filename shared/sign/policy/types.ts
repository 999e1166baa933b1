import type { x509 } from "../../pki/x509.ts";
import type { CertificationPath } from "../../pki/path.ts";
import type { CrlCache, FetchLike, RevocationStatus } from "../../pki/revocation.ts";
import type { CertificateInventoryEntry } from "../../domain/certificates/inventory.ts";
import type { CustodyEvent } from "../../domain/certificates/custody.ts";
import type { TokenIncident } from "../../domain/certificates/incidents.ts";
import type { OfficePerson } from "../../domain/certificates/people.ts";
import type { SignatureType } from "../options.ts";
import type { TextSegment } from "../layout.ts";

/** Where trust comes from: the same inputs as the verifier's (`vanthu verify` flags, the PWA's store). */
export interface TrustContext {
  /** Trust anchors: the bundled government roots and the office's own. */
  anchors: x509.X509Certificate[];
  /** CA certificates known besides the token's chain (a cache, the trust store's sub-CAs). */
  intermediates?: x509.X509Certificate[];
  /** CRLs given by hand (`--crl`). */
  crls?: Uint8Array[];
  /** CRLs kept from earlier fetches: used when still fresh. */
  crlCache?: CrlCache;
  /** Network access (OCSP, CRL, AIA); absent = offline. In the PWA: the sync server's relay. */
  fetch?: FetchLike;
  onIntermediate?(c: x509.X509Certificate): void;
}

/** The office's data, where the path has it (PWA, agent with office data): R19–R22. */
export interface OfficeInventory {
  entries: readonly CertificateInventoryEntry[];
  custody: readonly CustodyEvent[];
  incidents?: readonly TokenIncident[];
  /** Who is signing. */
  person: OfficePerson;
}

export interface SigningPolicyInput {
  kind: SignatureType;
  /** The PDF as it goes to signing (before the new revision). */
  document: Uint8Array;
  certificate: Uint8Array;
  chain?: Uint8Array[];
  /** The signing time; default now. */
  at?: Date;
  trust: TrustContext;
  /** 1-based page of the signature block (signer); default the last page. */
  page?: number;
  inventory?: OfficeInventory;
  /** The person (PWA, after a plain warning) or `--accept-unknown-revocation` accepts an unknown status. */
  acceptUnknownRevocation?: boolean;
  crypto?: Crypto;
}

export interface PolicyRefusal {
  /** The rule that refused (file name in this folder). */
  rule: string;
  code: string;
  messageVi: string;
  messageEn: string;
}

/** What a rule works on: parsed once, shared by the rules. */
export interface PolicyContext {
  input: SigningPolicyInput;
  at: Date;
  crypto: Crypto;
  certificate: x509.X509Certificate;
  chain: x509.X509Certificate[];
  /** Text of page 1 (R9) and of the signature page (R8), read lazily. */
  pageSegments(pageIndex: number): Promise<TextSegment[]>;
  pageCount(): Promise<number>;
  /** Set by the path rule for the revocation rule. */
  path?: CertificationPath;
  revocation?: RevocationStatus;
  /** English notes for the log: how a rule decided, what it could not check. */
  notes: string[];
}

export type PolicyRule = (ctx: PolicyContext) => Promise<PolicyRefusal[]>;

export function refusal(rule: string, code: string, messageVi: string, messageEn: string): PolicyRefusal {
  return { rule, code, messageVi, messageEn };
}
