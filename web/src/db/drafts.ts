import { ulid } from "ulid";
import { documentTypeByCode, isoDay, refuseClassified, type Secrecy } from "../../../shared/domain/index.ts";
import { VanthuError } from "../../../shared/errors.ts";
import { putDocument } from "./documents.ts";
import type { Draft as ServerDraft, DraftParticulars } from "../../../shared/sync/drafts.ts";
import type { Draft, VanthuDb } from "./schema.ts";

export type DraftFields = Omit<Draft, "id" | "createdAt" | "updatedAt" | "status" | "documentSha256" | "fileName" | "signedSha256" | "numberAndSymbol">;

export function emptyDraftFields(now = new Date()): DraftFields {
  return {
    typeCode: "CV",
    summary: "",
    documentDate: isoDay(now),
    signerName: "",
    signerTitle: "",
    capacity: "direct",
    recipients: [],
    urgency: "none",
    secrecy: "none",
    unitSymbol: "VP",
  };
}

/** Checks the fields a person typed; a classified document is refused before anything is stored (R9). */
export function validateDraftFields(f: Partial<DraftFields>): void {
  refuseClassified(f.secrecy as Secrecy | undefined);
  if (f.typeCode !== undefined && !documentTypeByCode(f.typeCode)) {
    throw new VanthuError("web.bad-type", "Loại văn bản không hợp lệ.", `Unknown type ${f.typeCode}`);
  }
  if (f.documentDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(f.documentDate)) {
    throw new VanthuError("web.bad-date", "Ngày tháng văn bản phải có dạng dd/mm/yyyy.", `Bad document date ${f.documentDate}`);
  }
  if (f.capacity !== undefined && f.capacity !== "direct" && !f.principalTitle?.trim()) {
    throw new VanthuError(
      "web.principal-missing",
      `Ký ${f.capacity} cần chức vụ của người đứng đầu (ví dụ: Chủ tịch).`,
      "Signing on behalf needs the principal's title",
    );
  }
}

/** Imports a PDF as a new draft. Nothing is written when the fields or the file are refused. */
export async function createDraft(db: VanthuDb, pdf: { bytes: Uint8Array; name: string } | null, fields: DraftFields, now = new Date()): Promise<Draft> {
  validateDraftFields(fields);
  const sha = pdf ? await putDocument(db, pdf.bytes, pdf.name, now) : undefined;
  const d: Draft = {
    ...fields,
    id: ulid(now.getTime()),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    documentSha256: sha,
    fileName: pdf?.name,
    status: "draft",
  };
  await db.drafts.add(d);
  return d;
}

export async function updateDraft(db: VanthuDb, id: string, patch: Partial<DraftFields>, now = new Date()): Promise<Draft> {
  validateDraftFields(patch);
  return db.transaction("rw", db.drafts, async () => {
    const d = await db.drafts.get(id);
    if (!d) throw new VanthuError("web.draft-missing", "Không tìm thấy dự thảo.", `Draft ${id} not found`);
    if (d.status !== "draft") throw new VanthuError("web.draft-locked", "Dự thảo đã ký, không sửa được nữa.", `Draft ${id} is ${d.status}`);
    const next: Draft = { ...d, ...patch, updatedAt: now.toISOString() };
    validateDraftFields(next);
    await db.drafts.put(next);
    return next;
  });
}

export async function attachPdf(db: VanthuDb, id: string, pdf: { bytes: Uint8Array; name: string }, now = new Date()): Promise<void> {
  const sha = await putDocument(db, pdf.bytes, pdf.name, now);
  await db.transaction("rw", db.drafts, async () => {
    const d = await db.drafts.get(id);
    if (!d) throw new VanthuError("web.draft-missing", "Không tìm thấy dự thảo.", `Draft ${id} not found`);
    if (d.status !== "draft") throw new VanthuError("web.draft-locked", "Dự thảo đã ký, không thay tệp được.", `Draft ${id} is ${d.status}`);
    await db.drafts.put({ ...d, documentSha256: sha, fileName: pdf.name, updatedAt: now.toISOString() });
  });
}

/** A signature was added: the signed bytes are kept as a new document; the draft points at the newest. */
export async function recordSignedRevision(db: VanthuDb, id: string, signed: Uint8Array, now = new Date(), name?: string): Promise<Draft> {
  const d0 = await db.drafts.get(id);
  if (!d0) throw new VanthuError("web.draft-missing", "Không tìm thấy dự thảo.", `Draft ${id} not found`);
  const sha = await putDocument(db, signed, name ?? d0.fileName ?? "van-ban.pdf", now);
  return db.transaction("rw", db.drafts, async () => {
    const d = (await db.drafts.get(id))!;
    const next: Draft = {
      ...d,
      status: d.status === "issued" ? "issued" : "signed",
      signedSha256: [...(d.signedSha256 ?? []), sha],
      updatedAt: now.toISOString(),
    };
    await db.drafts.put(next);
    return next;
  });
}

export async function deleteDraft(db: VanthuDb, id: string): Promise<void> {
  const d = await db.drafts.get(id);
  if (d && d.status !== "draft") throw new VanthuError("web.draft-locked", "Văn bản đã ký hoặc đã phát hành không được xóa.", `Draft ${id} is ${d.status}`);
  await db.drafts.delete(id);
}

/** Adds a separate attachment or appendix file to a draft (R4, R5). */
export async function addAttachment(
  db: VanthuDb,
  id: string,
  pdf: { bytes: Uint8Array; name: string },
  role: "attachment" | "appendix",
  now = new Date(),
): Promise<void> {
  const sha = await putDocument(db, pdf.bytes, pdf.name, now);
  await db.transaction("rw", db.drafts, async () => {
    const d = await db.drafts.get(id);
    if (!d) throw new VanthuError("web.draft-missing", "Không tìm thấy dự thảo.", `Draft ${id} not found`);
    if (d.status === "issued") throw new VanthuError("web.draft-locked", "Văn bản đã phát hành, không thêm tệp được.", `Draft ${id} is issued`);
    if ((d.attachments ?? []).some((a) => a.sha256 === sha)) return;
    await db.drafts.put({ ...d, attachments: [...(d.attachments ?? []), { sha256: sha, name: pdf.name, role }], updatedAt: now.toISOString() });
  });
}

export async function removeAttachment(db: VanthuDb, id: string, sha256: string): Promise<void> {
  await db.transaction("rw", db.drafts, async () => {
    const d = await db.drafts.get(id);
    if (!d || d.status === "issued") return;
    await db.drafts.put({ ...d, attachments: (d.attachments ?? []).filter((a) => a.sha256 !== sha256) });
  });
}

/**
 * The office's draft as the server keeps it, made a local draft on a văn thư's device that did
 * not write it: the signed revision can then be issued and sent from any of the office's
 * devices. Only drafts whose particulars the server keeps (who signs, to whom) can be rebuilt.
 */
export function localDraftFromServer(d: ServerDraft): Draft | undefined {
  const p = d.particulars;
  const file = d.revisions.filter((r) => r.kind === "draft").at(-1);
  if (!p || !file) return undefined;
  const signed = d.revisions.filter((r) => r.kind === "signed").map((r) => r.sha256);
  return {
    id: d.id,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    documentSha256: file.sha256,
    fileName: file.name,
    typeCode: d.numbering.typeCode,
    summary: d.subject,
    documentDate: d.number?.issueDate ?? isoDay(d.createdAt),
    signerName: p.signerName,
    signerTitle: p.signerTitle,
    capacity: p.capacity,
    ...(p.principalTitle ? { principalTitle: p.principalTitle } : {}),
    recipients: p.recipients,
    urgency: p.urgency,
    secrecy: "none",
    ...(d.numbering.unitSymbol ? { unitSymbol: d.numbering.unitSymbol } : {}),
    status: signed.length ? "signed" : "draft",
    ...(signed.length ? { signedSha256: signed } : {}),
    ...(d.number ? { numberAndSymbol: d.number.numberAndSymbol } : {}),
  };
}

/** The particulars that go to the server with the draft's file (shared/sync/drafts.ts DraftParticulars). */
export function particularsOf(d: Draft): DraftParticulars {
  return {
    signerName: d.signerName,
    signerTitle: d.signerTitle,
    capacity: d.capacity,
    ...(d.principalTitle?.trim() ? { principalTitle: d.principalTitle.trim() } : {}),
    recipients: d.recipients
      .map((r) => r.trim())
      .filter(Boolean)
      .slice(0, 200),
    urgency: d.urgency,
  };
}
