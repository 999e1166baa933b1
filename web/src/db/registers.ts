import { Dexie } from "dexie";
import { ulid } from "ulid";
import {
  findDuplicates,
  formatNumberAndSymbol,
  matchesQuery,
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
  } = {},
): Promise<OutgoingRegisterEntry> {
  const now = opts.now ?? new Date();
  return db.transaction("rw", [db.drafts, db.outgoing, db.outbox], async () => {
    const draft = await db.drafts.get(draftId);
    if (!draft) throw new VanthuError("web.draft-missing", "Không tìm thấy dự thảo.", `Draft ${draftId} not found`);
    if (draft.status === "issued") throw new VanthuError("web.already-issued", "Văn bản này đã được phát hành.", `Draft ${draftId} already issued`);
    const year = registerYear(now);
    const number = await nextNumber(db, "outgoing", year);
    if (opts.expectNumber !== undefined && opts.expectNumber !== number) {
      throw new VanthuError(
        "web.number-changed",
        `Số ${opts.expectNumber} vừa được dùng cho văn bản khác; hãy phát hành lại để lấy số ${number}.`,
        `Expected number ${opts.expectNumber}, next is ${number}`,
      );
    }
    const numberAndSymbol = formatNumberAndSymbol({ number, typeCode: draft.typeCode, issuerSymbol: office.symbol, unitSymbol: hasNoTypeAbbreviation(draft.typeCode) ? draft.unitSymbol || undefined : undefined });
    const entry: OutgoingRegisterEntry = {
      id: ulid(now.getTime()),
      year,
      number,
      numberAndSymbol,
      documentDate: draft.documentDate,
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
    await enqueue(db, "outgoing.issue", entry.id, { entry, office: office.name }, now);
    return entry;
  });
}

/** The number and symbol the next issue of this draft would take (for files that must print it before issuing). */
export async function peekOutgoingNumber(db: VanthuDb, draft: Draft, office: OfficeProfile, now = new Date()): Promise<{ number: number; numberAndSymbol: string }> {
  const number = await nextNumber(db, "outgoing", registerYear(now));
  return { number, numberAndSymbol: formatNumberAndSymbol({ number, typeCode: draft.typeCode, issuerSymbol: office.symbol, unitSymbol: hasNoTypeAbbreviation(draft.typeCode) ? draft.unitSymbol || undefined : undefined }) };
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
    for (const e of await db.incoming.where("searchTokens").equals(tokens.at(-1) ?? num).toArray()) candidates.set(e.id, e);
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
    if (r.receiptForm !== "paper" && !report) {
      throw new VanthuError("web.not-verified", "Phải kiểm tra chữ ký số trước khi vào sổ (R10).", "Verify before registering (R10)");
    }
    if (r.receiptForm !== "paper" && report!.verdict !== "valid") {
      throw new VanthuError("web.invalid-document", "Chữ ký số không hợp lệ: hãy từ chối tiếp nhận và nêu lý do.", "Cannot register a document whose verification is not valid");
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
      ...(r.receiptForm === "paper" ? { receiptForm: "paper" as const } : {}),
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

export interface RegisterFilter {
  year?: number;
  query?: string;
  typeCode?: string;
  /** Tác giả (incoming) — folded substring match. */
  issuer?: string;
  status?: string;
  /** yyyy-mm-dd bounds on the document date. */
  from?: string;
  to?: string;
  limit?: number;
}

/**
 * Search over a register (R16), planned like a small database: each query token is a prefix
 * range of the per-year multi-entry index; the ranges are counted (no rows read), the rarest
 * one gives the candidates, larger candidate sets are narrowed by intersecting keys, and only
 * the rows shown are read (newest first) and checked against every token and filter.
 */
export async function searchRegister<R extends RegisterName>(
  db: VanthuDb,
  register: R,
  f: RegisterFilter,
): Promise<Array<R extends "incoming" ? IncomingRegisterEntry : OutgoingRegisterEntry>> {
  type E = IncomingRegisterEntry | OutgoingRegisterEntry;
  const table = db[register] as unknown as Dexie.Table<E, string>;
  const limit = f.limit ?? 200;
  const q = queryTokens(f.query ?? "");
  const issuerQ = f.issuer ? queryTokens(f.issuer) : [];
  const keep = (e: E) =>
    (f.year === undefined || e.year === f.year) &&
    (!f.typeCode || e.typeCode === f.typeCode) &&
    (!f.status || e.status === f.status) &&
    (!f.from || e.documentDate >= f.from) &&
    (!f.to || e.documentDate <= f.to) &&
    (issuerQ.length === 0 || ("issuer" in e && matchesQuery(queryTokens(e.issuer), issuerQ))) &&
    (q.length === 0 || matchesQuery(e.searchTokens, q));
  const byRegisterOrder = (a: E, b: E) => b.year - a.year || b.number - a.number;
  if (q.length === 0) {
    const coll = f.year !== undefined ? table.where("[year+number]").between([f.year, Dexie.minKey], [f.year, Dexie.maxKey]).reverse() : table.orderBy("[year+number]").reverse();
    return (await coll.filter(keep).limit(limit).toArray()) as never;
  }
  const years = f.year !== undefined ? [f.year] : await registerYears(db, register);
  const out: E[] = [];
  for (const year of years) {
    if (out.length >= limit) break;
    const ranges = q.map((tok) => table.where("yearTokens").startsWith(`${year}:${tok}`));
    const counts = await Promise.all(ranges.map((r) => r.count()));
    const order = counts.map((c, i) => [c, i] as const).sort((a, b) => a[0] - b[0]);
    if (order[0]![0] === 0) continue;
    let ids = new Set((await ranges[order[0]![1]]!.primaryKeys()) as string[]);
    // Intersect while the candidates are many; a few thousand rows are cheaper to read than more keys.
    for (let k = 1; k < order.length && ids.size > 2000; k++) {
      const other = new Set((await ranges[order[k]![1]]!.primaryKeys()) as string[]);
      ids = new Set([...ids].filter((id) => other.has(id)));
    }
    // Ids are ULIDs: newest last. Read pages until enough rows pass every token and filter.
    const sorted = [...ids].sort().reverse();
    for (let i = 0; i < sorted.length && out.length < limit; i += limit) {
      for (const r of await table.bulkGet(sorted.slice(i, i + limit))) if (r && keep(r)) out.push(r);
    }
  }
  return out.sort(byRegisterOrder).slice(0, limit) as never;
}

/** Years that have entries, newest first, for the register's year picker. */
export async function registerYears(db: VanthuDb, register: RegisterName): Promise<number[]> {
  const keys = (await db[register].orderBy("year").uniqueKeys()) as number[];
  return keys.sort((a, b) => b - a);
}

export function draftSearchText(d: Draft): string {
  return [d.summary, d.signerName, typeName(d.typeCode)].join(" ");
}
