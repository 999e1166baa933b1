import type { CertificateInfo } from "../../../shared/agent-protocol/index.ts";
import { Dexie } from "dexie";
import { ulid } from "ulid";
import {
  assertCertificateFitsRole,
  dayToVi,
  documentTypeByCode,
  formatDocumentNumber,
  refuseClassified,
  registerYear,
  type AttachedFile,
  type OfficeRole,
} from "../../../shared/domain/index.ts";
import { VanthuError } from "../../../shared/errors.ts";
import { officeSealMm, signThroughAgent, type SigningTarget } from "../agent/sign-with-agent.ts";
import { assertMaySign } from "../certificates/flows.ts";
import type { AgentClient } from "../agent/client.ts";
import { getDocument, putDocument, sha256Hex } from "../db/documents.ts";
import { recordSignedRevision } from "../db/drafts.ts";
import { issueOutgoing, peekOutgoingNumber, type OfficeProfile } from "../db/registers.ts";
import type { Draft, ElectronicCopy, VanthuDb, WorkflowDraft } from "../db/schema.ts";
import type { Person } from "../../../shared/sync/primitives.ts";
import { documentFileName } from "../documents/file-names.ts";
import { printedIssueMismatch, printedIssueOf } from "../../../shared/sign/printed-issue.ts";
import { issueStepOf, recordSigned } from "./workflow.ts";

export interface SignContext {
  db: VanthuDb;
  agent: AgentClient;
  certificate: CertificateInfo;
  role: OfficeRole;
  office: OfficeProfile;
  image: Uint8Array;
  consentWindow: () => Window | null;
  /** Batch signing: called as each document's signature is done (n of total). */
  onSigned?: (n: number, total: number) => void;
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
  await assertMaySign(ctx.db, ctx.certificate.certificate, "person");
  assertCertificateFitsRole(certFacts(ctx.certificate), {
    kind: "signer",
    role: ctx.role,
    signerName: draft.signerName,
    signerTitle: draft.signerTitle,
    capacity: draft.capacity,
  });
  const doc = await getDocument(ctx.db, latestBytesSha(draft));
  const [signed] = await signThroughAgent(ctx, [
    {
      bytes: doc.bytes,
      title: `${documentTypeByCode(draft.typeCode)?.name ?? ""}: ${draft.summary}`,
      secrecy: draft.secrecy,
      options: { type: "signer", image: ctx.image },
    },
  ]);
  return await recordSignedRevision(ctx.db, draft.id, signed!);
}

/**
 * R1 in trình ký: the official signs the draft submitted to them, and the number and date of
 * issue the server's register gave are written into its blanks in the same revision, before the
 * signature covers them (so the PDF and the register never disagree). The signed revision goes
 * back to the office by the next sync.
 */
export async function signSubmitted(ctx: SignContext, w: WorkflowDraft, me: Person): Promise<string> {
  if (w.state !== "submitted" && w.state !== "approved")
    throw new VanthuError("web.not-submitted", "Dự thảo không ở trạng thái chờ ký.", `Draft ${w.id} is ${w.state}`);
  if (w.official?.id !== me.id)
    throw new VanthuError(
      "web.not-named-official",
      `Dự thảo được trình cho ${w.official?.name ?? "lãnh đạo khác"}, không phải cho bạn.`,
      "Not the named official",
    );
  if (!w.number) throw new VanthuError("web.no-number", "Dự thảo chưa có số từ sổ văn bản đi trên máy chủ: hãy đồng bộ rồi ký.", "No register number yet");
  if ((w.pending ?? []).some((p) => p.step === "sign"))
    throw new VanthuError("web.sign-pending", "Dự thảo đã được ký trên máy này, đang chờ gửi lên máy chủ.", "Signature already queued");
  await assertMaySign(ctx.db, ctx.certificate.certificate, "person");
  assertCertificateFitsRole(certFacts(ctx.certificate), { kind: "signer", role: ctx.role, signerName: w.official.name });
  const latest = w.revisions.filter((r) => r.kind === "draft").at(-1);
  if (!latest) throw new VanthuError("web.no-file", "Dự thảo chưa có tệp PDF để ký.", "Draft has no PDF");
  const doc = await getDocument(ctx.db, latest.sha256);
  const n = w.number;
  // A date printed in advance stays in the document: it must be the register's, or the PDF and the register disagree.
  const preprinted = (await printedIssueOf(doc.bytes)).issueDate;
  if (preprinted && preprinted !== n.issueDate)
    throw new VanthuError(
      "web.preprinted-date",
      `Dự thảo in sẵn ngày ${dayToVi(preprinted)}, sổ văn bản đi ghi ngày ${dayToVi(n.issueDate)}. Hãy để trống ngày, tháng trong dự thảo ("ngày    tháng    năm") để ghi ngày của sổ khi ký.`,
      `Draft prints ${preprinted}, the register says ${n.issueDate}`,
    );
  const base = { type: "signer" as const, image: ctx.image, issueNumber: String(n.number), font: await loadFont() };
  const target = (options: SigningTarget["options"]): SigningTarget => ({ bytes: doc.bytes, title: w.subject, number: n.numberAndSymbol, options });
  // The register's date goes into the "ngày … tháng … năm …" blanks; a letter drawn with its date already printed keeps it.
  const [signed] = await signThroughAgent(ctx, [target({ ...base, issueDate: new Date(`${n.issueDate}T12:00:00+07:00`) })]).catch((e: unknown) => {
    if (e instanceof VanthuError && e.code === "NO_DATE_BLANK") return signThroughAgent(ctx, [target(base)]);
    throw e;
  });
  const name = documentFileName(n.numberAndSymbol, n.year, "ky");
  const sha = await putDocument(ctx.db, signed!, name);
  await recordSigned(ctx.db, w.id, { sha256: sha, name }, me);
  return sha;
}

/** R1 for several drafts at once: one request to the agent, one consent page, one PIN (batch). */
export async function signManyAsOfficial(ctx: SignContext, drafts: Draft[]): Promise<Draft[]> {
  await assertMaySign(ctx.db, ctx.certificate.certificate, "person");
  for (const d of drafts) {
    refuseClassified(d.secrecy);
    if (d.status !== "draft") throw new VanthuError("web.draft-locked", `Dự thảo "${d.summary}" đã được ký.`, `Draft ${d.id} is ${d.status}`);
    assertCertificateFitsRole(certFacts(ctx.certificate), {
      kind: "signer",
      role: ctx.role,
      signerName: d.signerName,
      signerTitle: d.signerTitle,
      capacity: d.capacity,
    });
  }
  const docs = await Promise.all(drafts.map((d) => getDocument(ctx.db, latestBytesSha(d))));
  const signed = await signThroughAgent(
    ctx,
    drafts.map((d, i) => ({
      bytes: docs[i]!.bytes,
      title: `${documentTypeByCode(d.typeCode)?.name ?? ""}: ${d.summary}`,
      secrecy: d.secrecy,
      options: { type: "signer" as const, image: ctx.image },
    })),
    ctx.onSigned,
  );
  const out: Draft[] = [];
  for (const [i, d] of drafts.entries()) out.push(await recordSignedRevision(ctx.db, d.id, signed[i]!));
  return out;
}

let fontBytes: Promise<Uint8Array> | undefined;
/** Tinos (Times-metric, full Vietnamese), shipped with the app and precached: the text blocks of R3–R5. */
export function loadFont(): Promise<Uint8Array> {
  fontBytes ??= import("../../../shared/assets/fonts/Tinos-Regular.ttf?url").then(async (m) => new Uint8Array(await (await fetch(m.default)).arrayBuffer()));
  return fontBytes;
}

/** The official's revision prints the register's number and date, or it is not issued: the PDF and the register never disagree. */
async function assertPrintedAsRegistered(bytes: Uint8Array, registered: { numberAndSymbol: string; issueDate: string }): Promise<void> {
  const diff = printedIssueMismatch(await printedIssueOf(bytes), registered);
  if (diff)
    throw new VanthuError(
      "web.printed-number-mismatch",
      `Chưa phát hành: ${diff} Văn bản và sổ đăng ký phải khớp nhau; hãy trình lãnh đạo ký lại bản có số của sổ.`,
      `Printed number/date differ from the register's: ${diff}`,
    );
}

/**
 * R2, R4, R5: the clerk issues. The number the document will take is read first, because the
 * attachments and appendices print it; then one batch (one consent, one PIN): the
 * organisation's signature over the official's (an incremental update that keeps R1 valid)
 * and the organisation's signature on each separate file; then the register entry, which
 * refuses if another issue took the number meanwhile.
 */
export async function issueAsClerk(ctx: SignContext, draft: Draft, now = new Date()): Promise<{ draft: Draft; numberAndSymbol: string; signedSha256: string }> {
  refuseClassified(draft.secrecy);
  if (draft.status !== "signed")
    throw new VanthuError(
      "web.not-signed",
      "Văn bản phải có chữ ký của người có thẩm quyền trước khi phát hành.",
      "Issue needs the official's signature first",
    );
  assertCertificateFitsRole(certFacts(ctx.certificate), { kind: "issuer", role: ctx.role, organisationName: ctx.office.name });
  // R21/R22: a revoked, blocked or unassigned organisation certificate is refused before the PIN.
  await assertMaySign(ctx.db, ctx.certificate.certificate, "organisation");
  // Trình ký: the number is the server register's, already printed in the official's revision.
  const fromServer = (await ctx.db.workflow.get(draft.id))?.number ?? undefined;
  const { number, numberAndSymbol } = fromServer ?? (await peekOutgoingNumber(ctx.db, draft, ctx.office, now));
  const main = await getDocument(ctx.db, latestBytesSha(draft));
  if (fromServer) await assertPrintedAsRegistered(main.bytes, fromServer);
  const extra = await Promise.all((draft.attachments ?? []).map(async (a) => ({ a, doc: await getDocument(ctx.db, a.sha256) })));
  const font = extra.length > 0 ? await loadFont() : undefined;
  // The seal at the office's real size (Settings), R2's overlap kept whole on the page.
  const sealMm = await officeSealMm(ctx.db);
  const signed = await signThroughAgent(ctx, [
    {
      bytes: main.bytes,
      title: `Phát hành: ${draft.summary}`,
      number: numberAndSymbol,
      secrecy: draft.secrecy,
      options: { type: "issuer", image: ctx.image, sealMm, signingTime: now },
    },
    ...extra.map(({ a, doc }) => ({
      bytes: doc.bytes,
      title: `${a.role === "appendix" ? "Phụ lục" : "Văn bản kèm theo"}: ${a.name}`,
      number: numberAndSymbol,
      secrecy: draft.secrecy,
      options: { type: a.role, docNumber: numberAndSymbol, font, signingTime: now },
    })),
  ]);
  const attachments: AttachedFile[] = [];
  for (const [i, { a }] of extra.entries()) {
    const sha = await putDocument(ctx.db, signed[i + 1]!, a.name, now);
    attachments.push({ sha256: sha, name: a.name, role: a.role });
  }
  const issuedName = documentFileName(numberAndSymbol, fromServer?.year ?? registerYear(now), "phat-hanh");
  const d2 = await recordSignedRevision(ctx.db, draft.id, signed[0]!, now, issuedName);
  await ctx.db.drafts.update(d2.id, { attachments: (d2.attachments ?? []).map((a, i) => ({ ...a, signedSha256: attachments[i]?.sha256 })) });
  const signedSha256 = await sha256Hex(signed[0]!);
  const draftStep = fromServer ? await issueStepOf(ctx.db, draft.id, { sha256: signedSha256, name: issuedName }) : undefined;
  const entry = await issueOutgoing(ctx.db, d2.id, ctx.office, {
    signedSha256,
    expectNumber: number,
    attachments,
    now,
    ...(fromServer ? { serverNumber: fromServer } : {}),
    ...(draftStep ? { draftStep } : {}),
  });
  return { draft: (await ctx.db.drafts.get(d2.id))!, numberAndSymbol: entry.numberAndSymbol, signedSha256 };
}

const COPY_FORM_TEXT = { SY: "sao y", TrS: "trích sao", SL: "sao lục" } as const;

/**
 * R3: an electronic copy (sao y, trích sao, sao lục) of a kept document, signed by the
 * organisation with no image and the text block Điều 13 asks for; numbered in the yearly
 * counter of copies (`01/SY-UBND`). The source stays untouched; the copy is a new document.
 */
export async function makeElectronicCopy(ctx: SignContext, sourceSha256: string, form: "SY" | "TrS" | "SL", now = new Date()): Promise<ElectronicCopy> {
  assertCertificateFitsRole(certFacts(ctx.certificate), { kind: "copy", role: ctx.role, organisationName: ctx.office.name });
  await assertMaySign(ctx.db, ctx.certificate.certificate, "organisation");
  const source = await getDocument(ctx.db, sourceSha256);
  const year = registerYear(now);
  const last = await ctx.db.copies.where("[year+number]").between([year, Dexie.minKey], [year, Dexie.maxKey]).last();
  const number = (last?.number ?? 0) + 1;
  const numberAndSymbol = `${formatDocumentNumber(number)}/${form}-${ctx.office.symbol}`;
  const [bytes] = await signThroughAgent(ctx, [
    {
      bytes: source.bytes,
      title: `Bản ${COPY_FORM_TEXT[form]} số ${numberAndSymbol}: ${source.name}`,
      number: numberAndSymbol,
      options: { type: "copy", copyForm: COPY_FORM_TEXT[form], org: ctx.office.name, font: await loadFont(), signingTime: now },
    },
  ]);
  const sha256 = await putDocument(ctx.db, bytes!, `${numberAndSymbol.replace("/", "-")}-${source.name}`, now);
  const copy: ElectronicCopy = { id: ulid(now.getTime()), year, number, numberAndSymbol, form, sourceSha256, sha256, createdAt: now.toISOString() };
  // The unique [year+number] index refuses a number another tab took meanwhile.
  await ctx.db.copies.add(copy);
  return copy;
}
