import type { CertificateInfo, SignatureType } from "../../../shared/agent-protocol/index.ts";
import type { Secrecy } from "../../../shared/domain/index.ts";
import { VanthuError } from "../../../shared/errors.ts";
import type { PrepareOptions } from "../../../shared/sign/options.ts";
import type { CrlCache } from "../../../shared/pki/revocation.ts";
import type { PolicyDecision, SigningPolicyInput, TrustContext } from "../../../shared/sign/policy/index.ts";
import { refOf } from "../../../shared/domain/certificates/people.ts";
import { toVietnamIso } from "../../../shared/domain/dates.ts";
import type { VanthuDb } from "../db/schema.ts";
import { appendAudit } from "../certificates/store.ts";
import { currentPerson, officeIdOf } from "../certificates/flows.ts";
import { revocationFetch } from "../verify/revocation-fetch.ts";
import { trustAnchorsOf } from "../db/trust.ts";
import type { AgentClient } from "./client.ts";

/**
 * Signing in the PWA, the same two steps as the CLI and the agent: the signing policy of
 * shared/sign/policy before the PIN (certificate valid, trusted path, not revoked — through the
 * sync server's relay —, R8, R9, R22 with the office's inventory), then prepare, then one sign
 * request to the agent (one consent page, one PIN; the agent computes each digest from the
 * bytes), then complete. An unknown revocation status is signed over only after the person
 * confirms a plain warning, and the audit trail records it.
 */
export interface SigningTarget {
  bytes: Uint8Array;
  /** What the person knows the document by (shown beside what the agent reads from the PDF). */
  title: string;
  number?: string;
  secrecy?: Secrecy;
  options: Omit<PrepareOptions, "certificates" | "digestAlgorithm" | "signatureAlgorithm"> & { type: SignatureType };
}

export interface AgentSigningContext {
  db: VanthuDb;
  agent: AgentClient;
  certificate: CertificateInfo;
  consentWindow: () => Window | null;
  /** Asks the person (a plain yes/no); default window.confirm. */
  confirm?: (messageVi: string) => boolean;
}

const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** The seal's real size, a per-office setting (Settings → ảnh con dấu); 36 mm by default. */
export async function officeSealMm(db: VanthuDb): Promise<number> {
  const v = (await db.meta.get("sealMm"))?.value;
  return typeof v === "number" && v >= 10 && v <= 80 ? v : 36;
}

async function trustContext(db: VanthuDb): Promise<TrustContext> {
  const { bundledTrustAnchors, parseCertificates } = await import("../../../shared/trust/index.ts");
  const own = await trustAnchorsOf(db);
  const crls = ((await db.meta.get("crls"))?.value as { der: Uint8Array }[] | undefined) ?? [];
  const crlCache: CrlCache = {
    async get(url) {
      return ((await db.meta.get(`crl:${url}`))?.value as { der: Uint8Array } | undefined)?.der;
    },
    async put(url, der) {
      await db.meta.put({ key: `crl:${url}`, value: { der, fetchedAt: new Date().toISOString() } });
    },
  };
  const token = ((await db.meta.get("session"))?.value as { token?: string } | undefined)?.token;
  return {
    anchors: [...(await bundledTrustAnchors()), ...own.flatMap((der) => parseCertificates(der))],
    crls: crls.map((c) => c.der),
    crlCache,
    fetch: typeof navigator !== "undefined" && navigator.onLine ? revocationFetch((u, i) => fetch(u, i), location.origin, token) : undefined,
  };
}

async function policyInputs(ctx: AgentSigningContext, targets: SigningTarget[]): Promise<SigningPolicyInput[]> {
  const [trust, entries, custody, incidents, person] = await Promise.all([
    trustContext(ctx.db),
    ctx.db.certInventory.toArray(),
    ctx.db.certCustody.toArray(),
    ctx.db.certIncidents.toArray(),
    currentPerson(ctx.db),
  ]);
  return targets.map((t) => ({
    kind: t.options.type,
    document: t.bytes,
    certificate: b64(ctx.certificate.certificate),
    chain: ctx.certificate.chain.map(b64),
    trust,
    ...(t.options.page ? { page: t.options.page } : {}),
    inventory: { entries, custody, incidents, person },
  }));
}

/** Runs the policy on every document; an unknown revocation status only with the person's yes. */
export async function checkBeforePin(ctx: AgentSigningContext, targets: SigningTarget[]): Promise<PolicyDecision[]> {
  const { checkSigningPolicy } = await import("../../../shared/sign/policy/index.ts");
  const inputs = await policyInputs(ctx, targets);
  let decisions = await Promise.all(inputs.map((i) => checkSigningPolicy(i)));
  const refusalOf = (ds: PolicyDecision[]) => ds.flatMap((d) => d.refusals)[0];
  let first = refusalOf(decisions);
  if (first?.code === "policy.revocation-unknown" && decisions.every((d) => d.refusals.every((r) => r.code === "policy.revocation-unknown"))) {
    const ask = ctx.confirm ?? ((m: string) => window.confirm(m));
    const yes = ask(
      `${first.messageVi}\n\nChứng thư số có thể đã bị thu hồi mà chưa biết. Bạn vẫn muốn ký? Việc ký trong tình trạng này sẽ được ghi vào nhật ký.`,
    );
    if (!yes) throw new VanthuError(first.code, first.messageVi, first.messageEn);
    decisions = await Promise.all(inputs.map((i) => checkSigningPolicy({ ...i, acceptUnknownRevocation: true })));
    first = refusalOf(decisions);
    if (!first) await recordUnknownRevocationAccepted(ctx, targets);
  }
  if (first) throw new VanthuError(first.code, first.messageVi, first.messageEn);
  return decisions;
}

async function recordUnknownRevocationAccepted(ctx: AgentSigningContext, targets: SigningTarget[]): Promise<void> {
  const who = await currentPerson(ctx.db);
  const c = ctx.certificate;
  await appendAudit(ctx.db, {
    officeId: await officeIdOf(ctx.db),
    action: "certificate",
    actor: refOf(who),
    time: { at: toVietnamIso(new Date()), source: "provisional" },
    summary: `Ký khi chưa xác định được tình trạng thu hồi của chứng thư số ${c.serialNumber} (${c.commonName}); người ký đã xác nhận cảnh báo. Văn bản: ${targets.map((t) => t.title).join("; ")}.`,
    subject: { kind: "certificate", id: c.id, label: `${c.commonName} (${c.serialNumber})` },
  });
}

/** The policy, then prepare → the agent (one consent, one PIN) → complete. Returns the signed PDFs in order. */
export async function signThroughAgent(
  ctx: AgentSigningContext,
  targets: SigningTarget[],
  onSigned?: (signed: number, total: number) => void,
): Promise<Uint8Array[]> {
  await checkBeforePin(ctx, targets);
  const { prepareForAgent, signWithAgent } = await import("../../../shared/agent-protocol/batch.ts");
  const prepared = await Promise.all(targets.map((t) => prepareForAgent(t.bytes, ctx.certificate, t.options)));
  return signWithAgent(
    ctx.agent,
    ctx.certificate,
    targets.map((t, i) => ({
      title: t.title,
      ...(t.number ? { number: t.number } : {}),
      secrecy: t.secrecy ?? "none",
      signatureType: t.options.type,
      prepared: prepared[i]!,
    })),
    {
      openConsent: (url) => {
        const win = ctx.consentWindow();
        if (win) win.location.href = url;
        else window.open(url, "vanthu-agent");
      },
      onSigned,
    },
  );
}
