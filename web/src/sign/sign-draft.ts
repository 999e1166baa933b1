import type { CertificateInfo } from "../../../shared/agent-protocol/index.ts";
import { assertCertificateFitsRole, documentTypeByCode, refuseClassified, type OfficeRole } from "../../../shared/domain/index.ts";
import { VanthuError } from "../../../shared/errors.ts";
import { AgentBatchSigner } from "../agent/agent-signer.ts";
import type { AgentClient } from "../agent/client.ts";
import { getDocument, sha256Hex } from "../db/documents.ts";
import { recordSignedRevision } from "../db/drafts.ts";
import { issueOutgoing, type OfficeProfile } from "../db/registers.ts";
import type { Draft, VanthuDb } from "../db/schema.ts";

export interface SignContext {
  db: VanthuDb;
  agent: AgentClient;
  certificate: CertificateInfo;
  role: OfficeRole;
  office: OfficeProfile;
  image: Uint8Array;
  consentWindow: () => Window | null;
}

function certFacts(c: CertificateInfo) {
  return { commonName: c.commonName, title: c.title, organization: c.organization };
}

function latestBytesSha(d: Draft): string {
  const sha = d.signedSha256?.at(-1) ?? d.documentSha256;
  if (!sha) throw new VanthuError("web.no-file", "Dự thảo chưa có tệp PDF để ký.", "Draft has no PDF");
  return sha;
}

/** R1: the official signs the draft with their own certificate (checked against R8 before the PIN). */
export async function signAsOfficial(ctx: SignContext, draft: Draft): Promise<Draft> {
  refuseClassified(draft.secrecy);
  assertCertificateFitsRole(certFacts(ctx.certificate), { kind: "signer", role: ctx.role, signerName: draft.signerName, signerTitle: draft.signerTitle, capacity: draft.capacity });
  const doc = await getDocument(ctx.db, latestBytesSha(draft));
  const batch = new AgentBatchSigner(ctx.agent, ctx.certificate, [{ title: `${documentTypeByCode(draft.typeCode)?.name ?? ""}: ${draft.summary}`, sha256: doc.sha256, signatureType: "signer", secrecy: draft.secrecy }], ctx.consentWindow);
  const { signPdf } = await import("../../../shared/sign/index.ts");
  try {
    const r = await signPdf(doc.bytes, { type: "signer", signer: batch.signerFor(0), image: ctx.image });
    return await recordSignedRevision(ctx.db, draft.id, r.bytes);
  } catch (e) {
    batch.fail(e);
    throw e;
  }
}

/**
 * R2: the clerk issues: signs as the organisation (seal over the official's signature, an
 * incremental update that keeps R1 valid), then takes the next number of the outgoing register.
 */
export async function issueAsClerk(ctx: SignContext, draft: Draft): Promise<{ draft: Draft; numberAndSymbol: string; signedSha256: string }> {
  refuseClassified(draft.secrecy);
  if (draft.status !== "signed") throw new VanthuError("web.not-signed", "Văn bản phải có chữ ký của người có thẩm quyền trước khi phát hành.", "Issue needs the official's signature first");
  assertCertificateFitsRole(certFacts(ctx.certificate), { kind: "issuer", role: ctx.role, organisationName: ctx.office.name });
  const doc = await getDocument(ctx.db, latestBytesSha(draft));
  const batch = new AgentBatchSigner(ctx.agent, ctx.certificate, [{ title: `Phát hành: ${draft.summary}`, sha256: doc.sha256, signatureType: "issuer", secrecy: draft.secrecy }], ctx.consentWindow);
  const { signPdf } = await import("../../../shared/sign/index.ts");
  let signed: Uint8Array;
  try {
    signed = (await signPdf(doc.bytes, { type: "issuer", signer: batch.signerFor(0), image: ctx.image })).bytes;
  } catch (e) {
    batch.fail(e);
    throw e;
  }
  const d2 = await recordSignedRevision(ctx.db, draft.id, signed);
  const signedSha256 = await sha256Hex(signed);
  const entry = await issueOutgoing(ctx.db, d2.id, ctx.office, { signedSha256 });
  return { draft: (await ctx.db.drafts.get(d2.id))!, numberAndSymbol: entry.numberAndSymbol, signedSha256 };
}
