import type { PDF } from "@libpdf/core";
import { VanthuError } from "../../errors.ts";
import { x509 } from "../../pki/x509.ts";
import { exactBytes } from "../../bytes.ts";
import { openPdfForUpdate } from "../../pdf/document.ts";
import { pageSegments } from "../prepare.ts";
import type { TextSegment } from "../layout.ts";
import { certificateValidity } from "./certificate-validity.ts";
import { certificatePath } from "./certificate-path.ts";
import { certificateRevocation } from "./certificate-revocation.ts";
import { classification } from "./classification.ts";
import { holderKind } from "./holder-kind.ts";
import { signingCapacity } from "./signing-capacity.ts";
import { custody } from "./custody.ts";
import type { PolicyContext, PolicyRefusal, PolicyRule, SigningPolicyInput } from "./types.ts";

export * from "./types.ts";
export { signatureImageProblem, assertSignatureImage } from "./signature-image.ts";
export { assertSealOnPage, DEFAULT_SEAL_MM } from "./seal-on-page.ts";

/**
 * The signing policy: what must hold before the PIN is asked for, the same on every path
 * (the PWA, the agent, `vanthu sign`). One small rule per file, like pyHanko's difference
 * rules; the certificate's own validity first, then the document rules (cheap, local), the
 * certificate's path and revocation last
 * (they may use the network). The images and the seal's place are checked by the engine
 * itself as it prepares (signature-image.ts, seal-on-page.ts), so no path can skip them.
 */
export const DOCUMENT_RULES: readonly PolicyRule[] = [classification, holderKind, signingCapacity, custody];
export const TRUST_RULES: readonly PolicyRule[] = [certificatePath, certificateRevocation];
export const ALL_RULES: readonly PolicyRule[] = [certificateValidity, ...DOCUMENT_RULES, ...TRUST_RULES];

export interface PolicyDecision {
  allowed: boolean;
  refusals: PolicyRefusal[];
  revocation: { status: "good" | "revoked" | "unknown" | "not-checked"; source?: string; fresh: boolean };
  /** The status was unknown and the signer accepted it (to record in the audit trail). */
  unknownRevocationAccepted: boolean;
  /** English, for logs: what could not be checked and how each rule decided. */
  notes: string[];
}

function parseCertificate(der: Uint8Array, what: string): x509.X509Certificate {
  try {
    return new x509.X509Certificate(exactBytes(der));
  } catch (e) {
    throw new VanthuError("BAD_CERTIFICATE", "Chứng thư số không đọc được", `${what} cannot be parsed`, { cause: e });
  }
}

function contextOf(input: SigningPolicyInput): PolicyContext {
  let pdf: Promise<PDF> | undefined;
  const open = () => (pdf ??= openPdfForUpdate(input.document));
  const segments = new Map<number, Promise<TextSegment[]>>();
  return {
    input,
    at: input.at ?? new Date(),
    crypto: input.crypto ?? globalThis.crypto,
    certificate: parseCertificate(input.certificate, "signer certificate"),
    chain: (input.chain ?? []).map((c) => parseCertificate(c, "chain certificate")),
    pageCount: async () => (await open()).getPageCount(),
    pageSegments: (i) => {
      let s = segments.get(i);
      if (!s) segments.set(i, (s = open().then((p) => pageSegments(p, i))));
      return s;
    },
    notes: [],
  };
}

/** Runs every rule; all refusals are returned (the first is the one to show). */
export async function checkSigningPolicy(input: SigningPolicyInput, rules: readonly PolicyRule[] = ALL_RULES): Promise<PolicyDecision> {
  const ctx = contextOf(input);
  const refusals: PolicyRefusal[] = [];
  for (const rule of rules) {
    // The path is needed for revocation: a refused path ends the certificate rules.
    if (rule === certificateRevocation && refusals.some((r) => r.rule === "certificate-path")) continue;
    refusals.push(...(await rule(ctx)));
  }
  const r = ctx.revocation;
  const revocation: PolicyDecision["revocation"] = r
    ? { status: r.status, ...(r.source ? { source: r.source } : {}), fresh: r.fresh }
    : { status: "not-checked", fresh: false };
  const unknownRevocationAccepted = Boolean(input.acceptUnknownRevocation) && r !== undefined && !(r.status === "good" && r.fresh) && r.status !== "revoked";
  return { allowed: refusals.length === 0, refusals, revocation, unknownRevocationAccepted, notes: ctx.notes };
}

/** Throws the first refusal as a VanthuError (Vietnamese for people, English for logs). */
export async function assertSigningPolicy(input: SigningPolicyInput, rules?: readonly PolicyRule[]): Promise<PolicyDecision> {
  const d = await checkSigningPolicy(input, rules);
  const first = d.refusals[0];
  if (first) throw Object.assign(new VanthuError(first.code, first.messageVi, first.messageEn), { decision: d });
  return d;
}
