import { Dexie } from "dexie";
import { ulid } from "ulid";
import {
  findDuplicates,
  formatNumberAndSymbol,
  queryTokens,
  registerYear,
  searchTokens,
  toVietnamIso,
  documentTypeByCode,
  hasNoTypeAbbreviation,
  type AttachedFile,
  type DuplicateMatch,
  type IncomingRegisterEntry,
  type OutgoingRegisterEntry,
} from "../../../shared/domain/index.ts";
import { VanthuError } from "../../../shared/errors.ts";
import { enqueue } from "./outbox.ts";
import { registerYearsOf } from "./register-search.ts";
import type { Draft, VanthuDb } from "./schema.ts";

export interface OfficeProfile {
  /** Tên cơ quan, e.g. "Ủy ban nhân dân xã An Lão". */
  name: string;
  /** Ký hiệu cơ quan, e.g. "UBND". */
  symbol: string;
  /** Cơ quan chủ quản, for the register's cover. */
  parentName?: string;
}

type RegisterName = "incoming" | "outgoing";

/** Next number of the year in a register, read from the [year+number] index (Điều 15.1). Call inside a rw transaction. */
export async function nextNumber(db: VanthuDb, register: RegisterName, year: number): Promise<number> {
  const last = await db[register].where("[year+number]").between([year, Dexie.minKey], [year, Dexie.maxKey]).last();
  return (last?.number ?? 0) + 1;
}

function typeName(code: string): string {
  return documentTypeByCode(code)?.name ?? code;
}

/**
 * The clerk issues a signed draft: takes the next number of the outgoing register, records the
 * entry, and queues the change for the server. The number, symbol and entry are written together.
 */
export async function issueOutgoing(
  db: VanthuDb,
  draftId: string,
  office: OfficeProfile,
  opts: {
    archiveHolder?: string;
    copies?: number;
    now?: Date;
    signedSha256?: string;
    /** The number the signed files already carry (attachments name it): refused if another issue took it meanwhile. */
    expectNumber?: number;
    attachments?: AttachedFile[];
    /** Trình ký: the number the server's register gave the draft (the authority; printed in the PDF). */
    serverNumber?: { year: number; number: number; numberAndSymbol: string; issueDate: string };
    /** Trình ký: the draft.issue step pushed with the register entry. */
    draftStep?: unknown;
  } = {},
): Promise<OutgoingRegisterEntry> {
  const now = opts.now ?? new Date();
  return db.transaction("rw", [db.drafts, db.outgoing, db.outbox], async () => {
    const draft = await db.drafts.get(draftId);
    if (!draft) throw new VanthuError("web.draft-missing", "Không tìm thấy dự thảo.", `Draft ${draftId} not found`);
    if (draft.status === "issued") throw new VanthuError("web.already-issued", "Văn bản này đã được phát hành.", `Draft ${draftId} already issued`);
    const server = opts.serverNumber;
    const year = server?.year ?? registerYear(now);
    const number = server?.number ?? (await nextNumber(db, "outgoing", year));
    if (!server && opts.expectNumber !== undefined && opts.expectNumber !== number) {
      throw new VanthuError(
        "web.number-changed",
        `Số ${opts.expectNumber} vừa được dùng cho văn bản khác; hãy phát hành lại để lấy số ${number}.`,
        `Expected number ${opts.expectNumber}, next is ${number}`,
      );
    }
    const numberAndSymbol =
      server?.numberAndSymbol ??
      formatNumberAndSymbol({
        number,
        typeCode: draft.typeCode,
        issuerSymbol: office.symbol,
        unitSymbol: hasNoTypeAbbreviation(draft.typeCode) ? draft.unitSymbol || undefined : undefined,
      });
    const entry: OutgoingRegisterEntry = {
      id: ulid(now.getTime()),
      year,
      number,
      numberAndSymbol,
      documentDate: server?.issueDate ?? draft.documentDate,
      typeCode: draft.typeCode,
      summary: draft.summary,
      signerName: draft.signerName,
      signerTitle: draft.signerTitle,
      recipients: draft.recipients,
      archiveHolder: opts.archiveHolder ?? "Lưu: VT",
      copies: opts.copies ?? draft.recipients.length + 1,
      sentAt: toVietnamIso(now),
      sentAtProvisional: true,
      urgency: draft.urgency,
      documentSha256: opts.signedSha256 ?? draft.signedSha256?.at(-1) ?? draft.documentSha256,
      attachments: opts.attachments,
      status: "issued",
      searchTokens: searchTokens(numberAndSymbol, typeName(draft.typeCode), draft.summary, draft.signerName, draft.recipients.join(" ")),
    };
    await db.outgoing.add(entry);
    await db.drafts.put({ ...draft, numberAndSymbol, status: "issued", updatedAt: now.toISOString() });
    await enqueue(db, "outgoing.issue", entry.id, { entry, office: office.name, ...(opts.draftStep ? { draftStep: opts.draftStep } : {}) }, now);
    return entry;
  });
}

/** The number and symbol the next issue of this draft would take (for files that must print it before issuing). */
export async function peekOutgoingNumber(
  db: VanthuDb,
  draft: Draft,
  office: OfficeProfile,
  now = new Date(),
): Promise<{ number: number; numberAndSymbol: string }> {
  const number = await nextNumber(db, "outgoing", registerYear(now));
  return {
    number,
    numberAndSymbol: formatNumberAndSymbol({
      number,
      typeCode: draft.typeCode,
      issuerSymbol: office.symbol,
      unitSymbol: hasNoTypeAbbreviation(draft.typeCode) ? draft.unitSymbol || undefined : undefined,
    }),
  };
}

export async function incomingDuplicates(db: VanthuDb, receivedId: string): Promise<DuplicateMatch<IncomingRegisterEntry>[]> {
  const r = await db.received.get(receivedId);
  if (!r) return [];
  const candidates = new Map<string, IncomingRegisterEntry>();
  for (const e of await db.incoming.where("documentSha256").equals(r.documentSha256).toArray()) candidates.set(e.id, e);
  if (r.declared.documentId) for (const e of await db.incoming.where("documentId").equals(r.declared.documentId).toArray()) candidates.set(e.id, e);
  // Same number: the symbol's number is the first token; narrow by it, then compare exactly.
  const num = /^\s*0*(\d+)/.exec(r.declared.numberAndSymbol)?.[1];
  if (num) {
    const tokens = queryTokens(r.declared.numberAndSymbol);
    for (const e of await db.incoming
      .where("searchTokens")
      .equals(tokens.at(-1) ?? num)
      .toArray())
      candidates.set(e.id, e);
  }
  // The register keeps the file's hash as documentSha256; the rule compares sha256.
  const withHash = [...candidates.values()].map((e) => ({ ...e, sha256: e.documentSha256 }));
  return findDuplicates({ ...r.declared, sha256: r.documentSha256 }, withHash).map((d) => ({ ...d, entry: candidates.get(d.entry.id)! }));
}

/** Registers a received document in the incoming register with the next number of the year (số đến). */
export async function registerIncoming(
  db: VanthuDb,
  receivedId: string,
  opts: { handler: string; note?: string; acceptDuplicate?: boolean; now?: Date },
): Promise<IncomingRegisterEntry> {
  const now = opts.now ?? new Date();
  // The handler may stay blank: after registration the document is presented and the leader
  // assigns it (Nghị định 30/2020 Điều 23–24); the handling then fills the column.
  const dups = await incomingDuplicates(db, receivedId);
  if (dups.length > 0 && !opts.acceptDuplicate) {
    throw new VanthuError(
      "web.duplicate",
      `Văn bản có thể trùng với văn bản đến số ${dups[0]!.entry.number}/${dups[0]!.entry.year} đã vào sổ.`,
      `Possible duplicate of incoming ${dups[0]!.entry.id}`,
    );
  }
  return db.transaction("rw", [db.received, db.incoming, db.outbox, db.reports], async () => {
    const r = await db.received.get(receivedId);
    if (!r) throw new VanthuError("web.received-missing", "Không tìm thấy văn bản đến.", `Received ${receivedId} not found`);
    if (r.status === "registered") throw new VanthuError("web.already-registered", "Văn bản đã được vào sổ.", "Already registered");
    if (r.status === "refused") throw new VanthuError("web.already-refused", "Văn bản đã bị từ chối tiếp nhận.", "Already refused");
    const report = r.reportId ? await db.reports.get(r.reportId) : undefined;
    // A paper document carries a handwritten signature and a seal: no digital verdict applies.
    // An electronic one is registered only when its signatures are valid (R10).
    const byHand = r.receiptForm === "paper" || r.receiptForm === "scan";
    if (!byHand && !report) {
      throw new VanthuError("web.not-verified", "Phải kiểm tra chữ ký số trước khi vào sổ (R10).", "Verify before registering (R10)");
    }
    if (!byHand && report!.verdict !== "valid") {
      throw new VanthuError(
        "web.invalid-document",
        "Chữ ký số không hợp lệ: hãy từ chối tiếp nhận và nêu lý do.",
        "Cannot register a document whose verification is not valid",
      );
    }
    const year = registerYear(now);
    const number = await nextNumber(db, "incoming", year);
    const d = r.declared;
    const entry: IncomingRegisterEntry = {
      id: ulid(now.getTime()),
      year,
      number,
      arrivedAt: r.receivedAt,
      arrivedAtProvisional: r.receivedAtProvisional,
      issuer: d.issuer,
      numberAndSymbol: d.numberAndSymbol,
      documentDate: d.documentDate,
      typeCode: d.typeCode,
      summary: d.summary,
      handler: opts.handler.trim(),
      note: opts.note,
      urgency: d.urgency,
      documentId: d.documentId,
      documentSha256: r.documentSha256,
      ...(byHand ? { receiptForm: r.receiptForm } : {}),
      status: "registered",
      searchTokens: searchTokens(d.issuer, d.numberAndSymbol, typeName(d.typeCode), d.summary, opts.handler),
    };
    await db.incoming.add(entry);
    await db.received.put({ ...r, status: "registered", incomingEntryId: entry.id });
    await enqueue(db, "incoming.register", entry.id, { entry, receivedId }, now);
    return entry;
  });
}

/** Từ chối tiếp nhận (Điều 17.3): the reason goes back to the sender through the outbox. */
export async function refuseReceived(db: VanthuDb, receivedId: string, reason: string, now = new Date()): Promise<void> {
  if (!reason.trim()) throw new VanthuError("web.reason-missing", "Hãy nêu lý do từ chối để báo lại cho nơi gửi.", "A refusal needs a reason");
  await db.transaction("rw", [db.received, db.outbox], async () => {
    const r = await db.received.get(receivedId);
    if (!r) throw new VanthuError("web.received-missing", "Không tìm thấy văn bản đến.", `Received ${receivedId} not found`);
    if (r.status === "registered") throw new VanthuError("web.already-registered", "Văn bản đã được vào sổ, không thể từ chối.", "Already registered");
    await db.received.put({ ...r, status: "refused", refusalReason: reason.trim() });
    await enqueue(db, "incoming.refuse", receivedId, { receivedId, reason: reason.trim(), documentSha256: r.documentSha256 }, now);
  });
}

export { isAbortError, searchRegister, searchRegisterIds, searchRegisterPage, type RegisterFilter } from "./register-search.ts";

/** Years that have entries, newest first, for the register's year picker. */
export async function registerYears(db: VanthuDb, register: RegisterName): Promise<number[]> {
  return registerYearsOf(db[register] as unknown as Dexie.Table<{ year: number }, string>);
}

export function draftSearchText(d: Draft): string {
  return [d.summary, d.signerName, typeName(d.typeCode)].join(" ");
}
