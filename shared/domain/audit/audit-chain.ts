import { VanthuError } from "../../errors.ts";
import { canonicalJson, normaliseStrings, type JsonValue } from "./canonical.ts";

/**
 * The audit trail (nhật ký) of R23 / Quy định Điều 15.2: what an inspection asks — every signing,
 * verification, acceptance, refusal, custody change, request and incident, with who, when and
 * what. Append-only and hash-chained: each entry carries the SHA-256 of the canonical encoding of
 * itself together with the previous entry's hash, so a changed, removed, inserted or reordered
 * entry shows up at its position when the chain is verified.
 *
 * What a chain alone cannot show is the loss of its newest entries, or a whole chain rewritten
 * from some point on: for that keep an anchor elsewhere (the server's copy of the head, or the
 * head hash printed in a signed report) and pass it to `verifyAuditChain`.
 */
export type AuditAction =
  | "signing"
  | "verification"
  | "acceptance"
  | "refusal"
  | "custody-change"
  | "request"
  | "incident"
  | "certificate"
  | "calendar"
  | "time-confirmation"
  // Recorded by the server in the office's chain (shared/sync/audit.ts):
  | "sign-in"
  | "draft"
  | "number"
  | "issue"
  | "send"
  | "receive"
  | "register";

export const AUDIT_ACTION_LABELS_VI: Record<AuditAction, string> = {
  signing: "Ký số",
  verification: "Kiểm tra chữ ký số",
  acceptance: "Tiếp nhận văn bản",
  refusal: "Từ chối tiếp nhận",
  "custody-change": "Giao, bàn giao chứng thư số",
  request: "Đề nghị chứng thực",
  incident: "Sự cố thiết bị lưu khóa bí mật",
  certificate: "Chứng thư số",
  calendar: "Lịch ngày nghỉ",
  "time-confirmation": "Xác nhận thời gian QLVB",
  "sign-in": "Đăng nhập",
  draft: "Trình ký dự thảo",
  number: "Cấp, hủy số văn bản",
  issue: "Phát hành văn bản",
  send: "Gửi văn bản",
  receive: "Văn bản đến",
  register: "Vào sổ văn bản đến",
};

export interface AuditActor {
  /** Account id in the office. */
  id: string;
  name: string;
  title?: string;
}

/** When it happened: the QLVB (server) time when known, else the device's clock, marked provisional (R7). */
export interface AuditTime {
  at: string;
  source: "qlvb" | "provisional";
}

export interface AuditSubject {
  kind: "document" | "certificate" | "token" | "request" | "incident" | "custody" | "calendar" | "audit" | "account" | "register-number";
  id: string;
  /** What people read: "125/UBND-VP", "Chứng thư số 5403…". */
  label?: string;
}

export interface AuditEntryInput {
  /** A client-made id (ULID), unique in the office. */
  id: string;
  officeId: string;
  action: AuditAction;
  actor: AuditActor;
  time: AuditTime;
  /** What happened, one sentence in Vietnamese. */
  summary: string;
  subject?: AuditSubject;
  details?: { [key: string]: JsonValue };
}

export interface AuditEntry extends AuditEntryInput {
  /** 1, 2, 3… within the office's chain. */
  seq: number;
  prevHash: string;
  hash: string;
}

/** The previous hash of the first entry. */
export const AUDIT_GENESIS_HASH = "0".repeat(64);
const DOMAIN = "vanthu-audit-v1\n";
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function toHex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** SHA-256 over "vanthu-audit-v1\n" + the canonical JSON of the entry without its own hash (prevHash included). */
export async function hashAuditEntry(entry: Omit<AuditEntry, "hash"> & { hash?: string }, subtle: SubtleCrypto = globalThis.crypto.subtle): Promise<string> {
  const { hash: _ignored, ...body } = entry;
  const bytes = new TextEncoder().encode(DOMAIN + canonicalJson(body));
  return toHex(await subtle.digest("SHA-256", bytes));
}

function bad(field: string, vi: string): VanthuError {
  return new VanthuError("audit.bad-entry", `Mục nhật ký không hợp lệ: ${vi}`, `Invalid audit entry: ${field}`);
}

function checkInput(input: AuditEntryInput): void {
  if (!input.id?.trim()) throw bad("id", "thiếu mã định danh");
  if (!input.officeId?.trim()) throw bad("officeId", "thiếu cơ quan");
  if (!(input.action in AUDIT_ACTION_LABELS_VI)) throw bad("action", `loại hoạt động "${String(input.action)}" không có`);
  if (!input.actor?.id?.trim() || !input.actor.name?.trim()) throw bad("actor", "thiếu người thực hiện");
  if (!input.time || !ISO_WITH_OFFSET.test(input.time.at) || Number.isNaN(Date.parse(input.time.at)))
    throw bad("time.at", "thời điểm phải theo ISO 8601 có múi giờ");
  if (input.time.source !== "qlvb" && input.time.source !== "provisional") throw bad("time.source", "nguồn thời gian phải là QLVB hoặc tạm tính");
  if (!input.summary?.trim()) throw bad("summary", "thiếu nội dung");
  if (input.summary.length > 2000) throw bad("summary", "nội dung quá dài");
}

/**
 * Appends one entry after `last` (null for the first), returning the new entry; the caller
 * stores it. Strings are NFC-normalised first so the stored entry is the hashed one.
 */
export async function appendAuditEntry(last: AuditEntry | null, input: AuditEntryInput, subtle?: SubtleCrypto): Promise<AuditEntry> {
  checkInput(input);
  if (last && last.officeId !== input.officeId) {
    throw new VanthuError(
      "audit.other-office",
      "Không ghi nhật ký của cơ quan khác vào chuỗi này.",
      `Entry for office ${input.officeId} appended to ${last.officeId}'s chain`,
    );
  }
  let clean: AuditEntryInput;
  try {
    canonicalJson(input);
    clean = normaliseStrings(input);
  } catch (e) {
    throw bad("details", "chi tiết chỉ được gồm chữ, số, đúng/sai, danh sách và đối tượng đơn giản");
  }
  const body: Omit<AuditEntry, "hash"> = { ...clean, seq: last ? last.seq + 1 : 1, prevHash: last ? last.hash : AUDIT_GENESIS_HASH };
  return { ...body, hash: await hashAuditEntry(body, subtle) };
}

/** An in-memory chain: what the PWA, the server and the tests hold before storing. */
export class AuditChain {
  private readonly list: AuditEntry[] = [];
  constructor(
    entries: readonly AuditEntry[] = [],
    private readonly subtle?: SubtleCrypto,
  ) {
    this.list.push(...entries);
  }
  get entries(): readonly AuditEntry[] {
    return this.list;
  }
  get head(): AuditEntry | null {
    return this.list.at(-1) ?? null;
  }
  async append(input: AuditEntryInput): Promise<AuditEntry> {
    const e = await appendAuditEntry(this.head, input, this.subtle);
    this.list.push(e);
    return e;
  }
}

export type AuditProblemKind = "changed" | "removed" | "inserted" | "reordered" | "broken-link" | "truncated" | "anchor-mismatch";

export interface AuditProblem {
  kind: AuditProblemKind;
  /** 1-based position in the list that was checked. */
  position: number;
  /** The sequence number(s) concerned. */
  seq?: number;
  seqTo?: number;
  messageVi: string;
  messageEn: string;
}

export interface AuditAnchor {
  seq: number;
  hash: string;
}

export interface AuditChainReport {
  ok: boolean;
  count: number;
  head: AuditAnchor | null;
  problems: AuditProblem[];
}

export interface VerifyAuditOptions {
  /** Heads recorded elsewhere (server, signed report): each must still be in the chain with this hash. */
  anchors?: readonly AuditAnchor[];
  /** An extract that starts after entry `seq` with hash `hash` (a period of a longer chain). */
  startAfter?: AuditAnchor;
  subtle?: SubtleCrypto;
}

/**
 * Recomputes every hash and link. Problems are reported at their position:
 * - changed: the entry's content no longer gives its hash, or it was rewritten and its hash
 *   recomputed (the next entry no longer links to it);
 * - removed: sequence numbers are missing;
 * - inserted: a sequence number appears twice;
 * - reordered: a sequence number comes after a higher one;
 * - truncated / anchor-mismatch: against anchors kept elsewhere.
 */
export async function verifyAuditChain(entries: readonly AuditEntry[], options: VerifyAuditOptions = {}): Promise<AuditChainReport> {
  const problems: AuditProblem[] = [];
  const add = (p: AuditProblem) => problems.push(p);
  const firstSeq = options.startAfter ? options.startAfter.seq + 1 : 1;
  const genesis = options.startAfter ? options.startAfter.hash : AUDIT_GENESIS_HASH;

  const contentOk: boolean[] = [];
  for (const [i, e] of entries.entries()) {
    let ok = false;
    try {
      ok = (await hashAuditEntry(e, options.subtle)) === e.hash;
    } catch {
      ok = false;
    }
    contentOk.push(ok);
    if (!ok) {
      add({
        kind: "changed",
        position: i + 1,
        seq: e.seq,
        messageVi: `Mục thứ ${i + 1} (số ${e.seq}) đã bị sửa: nội dung không còn khớp với mã băm.`,
        messageEn: `Entry at position ${i + 1} (seq ${e.seq}) was changed: its content does not match its hash`,
      });
    }
  }

  // Sequence numbers: duplicates, order, gaps. Of two entries with one number, the inserted one
  // is the one that does not fit the chain (its link or the next entry's link fails).
  const bySeq = new Map<number, number[]>();
  entries.forEach((e, i) => bySeq.set(e.seq, [...(bySeq.get(e.seq) ?? []), i]));
  const genuineIndex = new Map<number, number>();
  for (const [seq, idx] of bySeq) {
    if (idx.length < 2) continue;
    const before = (bySeq.get(seq - 1) ?? []).map((j) => entries[j]!.hash);
    if (seq === firstSeq) before.push(genesis);
    const after = (bySeq.get(seq + 1) ?? []).map((j) => entries[j]!.prevHash);
    const fits = idx.filter((i) => contentOk[i] && before.includes(entries[i]!.prevHash) && (after.length === 0 || after.includes(entries[i]!.hash)));
    genuineIndex.set(seq, fits[0] ?? idx[0]!);
  }
  let maxSeq = firstSeq - 1;
  const seen = new Set<number>();
  for (const [i, e] of entries.entries()) {
    const genuine = genuineIndex.get(e.seq);
    if (genuine !== undefined && genuine !== i) {
      add({
        kind: "inserted",
        position: i + 1,
        seq: e.seq,
        messageVi: `Mục thứ ${i + 1} trùng số ${e.seq} với một mục khác và không nối vào chuỗi: mục bị chèn thêm.`,
        messageEn: `Entry at position ${i + 1} repeats seq ${e.seq} and does not fit the chain: an inserted entry`,
      });
      continue;
    }
    if (e.seq < maxSeq) {
      add({
        kind: "reordered",
        position: i + 1,
        seq: e.seq,
        messageVi: `Mục số ${e.seq} nằm sai thứ tự (ở vị trí ${i + 1}, sau mục số ${maxSeq}).`,
        messageEn: `Entry seq ${e.seq} is out of order at position ${i + 1}, after seq ${maxSeq}`,
      });
    }
    seen.add(e.seq);
    maxSeq = Math.max(maxSeq, e.seq);
  }
  let gapStart: number | null = null;
  for (let s = firstSeq; s <= maxSeq + 1; s++) {
    if (s <= maxSeq && !seen.has(s)) {
      gapStart ??= s;
      continue;
    }
    if (gapStart !== null) {
      const to = s - 1;
      const position = entries.findIndex((e) => e.seq > to) + 1 || entries.length + 1;
      add({
        kind: "removed",
        position,
        seq: gapStart,
        seqTo: to,
        messageVi:
          gapStart === to ? `Mất mục số ${gapStart} (bị xóa) trước vị trí ${position}.` : `Mất các mục số ${gapStart}–${to} (bị xóa) trước vị trí ${position}.`,
        messageEn:
          gapStart === to
            ? `Entry seq ${gapStart} is missing before position ${position}`
            : `Entries seq ${gapStart}–${to} are missing before position ${position}`,
      });
      gapStart = null;
    }
  }

  // Links between neighbours whose numbers follow each other: a rewritten entry with a recomputed hash.
  const flagged = new Set(problems.filter((p) => p.kind === "changed").map((p) => p.position));
  const inserted = new Set(problems.filter((p) => p.kind === "inserted").map((p) => p.position - 1));
  let prevIndex = -1;
  for (const [i, e] of entries.entries()) {
    if (inserted.has(i)) continue;
    const prev = prevIndex < 0 ? null : entries[prevIndex]!;
    const prevPosition = prevIndex + 1;
    prevIndex = i;
    const expectedPrev = prev ? prev.hash : genesis;
    const consecutive = prev ? e.seq === prev.seq + 1 : e.seq === firstSeq;
    if (!consecutive || e.prevHash === expectedPrev) continue;
    if (prev && contentOk[prevPosition - 1] && !flagged.has(prevPosition)) {
      flagged.add(prevPosition);
      add({
        kind: "changed",
        position: prevPosition,
        seq: prev.seq,
        messageVi: `Mục thứ ${prevPosition} (số ${prev.seq}) đã bị sửa và tính lại mã băm: mục sau không còn nối với nó.`,
        messageEn: `Entry at position ${prevPosition} (seq ${prev.seq}) was rewritten with a recomputed hash: the next entry no longer links to it`,
      });
    } else if (!prev) {
      add({
        kind: "broken-link",
        position: 1,
        seq: e.seq,
        messageVi: `Mục đầu tiên (số ${e.seq}) không nối với điểm bắt đầu của chuỗi.`,
        messageEn: `The first entry (seq ${e.seq}) does not link to the start of the chain`,
      });
    }
  }

  for (const a of options.anchors ?? []) {
    const at = entries.findIndex((e) => e.seq === a.seq);
    if (at < 0) {
      if (a.seq > maxSeq) {
        add({
          kind: "truncated",
          position: entries.length + 1,
          seq: maxSeq + 1,
          seqTo: a.seq,
          messageVi: `Chuỗi bị cắt: đã ghi nhận đến mục số ${a.seq} nhưng chỉ còn đến số ${maxSeq}.`,
          messageEn: `Chain truncated: anchored up to seq ${a.seq}, present up to ${maxSeq}`,
        });
      }
    } else if (entries[at]!.hash !== a.hash) {
      add({
        kind: "anchor-mismatch",
        position: at + 1,
        seq: a.seq,
        messageVi: `Mục số ${a.seq} khác với bản đã ghi nhận trước đó: chuỗi đã bị viết lại.`,
        messageEn: `Entry seq ${a.seq} differs from the anchored hash: the chain was rewritten`,
      });
    }
  }

  problems.sort((a, b) => a.position - b.position);
  const last = entries.at(-1);
  return { ok: problems.length === 0, count: entries.length, head: last ? { seq: last.seq, hash: last.hash } : null, problems };
}

/**
 * The time to show for each entry: an entry's own QLVB time, or the QLVB time confirmed later by a
 * "time-confirmation" entry (details.entryId, details.qlvbTime), else its provisional time.
 */
export function effectiveAuditTimes(entries: readonly AuditEntry[]): Map<string, AuditTime> {
  const out = new Map<string, AuditTime>();
  for (const e of entries) out.set(e.id, e.time);
  for (const e of entries) {
    if (e.action !== "time-confirmation") continue;
    const id = e.details?.["entryId"];
    const at = e.details?.["qlvbTime"];
    if (typeof id === "string" && typeof at === "string" && out.get(id)?.source === "provisional") out.set(id, { at, source: "qlvb" });
  }
  return out;
}
