import {
  ApiErrorBody,
  EXCHANGE_INCOMING,
  EXCHANGE_OUTGOING,
  IncomingDelivery,
  MAX_CHUNK_SIZE,
  OutgoingExchange,
  PullResponse,
  PushResponse,
  SessionInfo,
  UploadState,
  type Mutation,
  type MutationResult,
} from "../../../shared/sync/schemas.ts";
import { DRAFT_ENTITY, Draft as ServerDraftSchema, type DraftNumber } from "../../../shared/sync/drafts.ts";
import { AUDIT_ENTITY } from "../../../shared/sync/audit.ts";
import { AuditEntrySchema } from "../../../shared/domain/audit/schemas.ts";
import type { AuditEntry } from "../../../shared/domain/audit/audit-chain.ts";
import { VanthuError } from "../../../shared/errors.ts";
import { getDocument, putDocument, sha256Hex } from "../db/documents.ts";
import { documentTypeByCode, searchTokens, type AttachedFile } from "../../../shared/domain/index.ts";
import { acknowledge, markFailed, pendingMutations } from "../db/outbox.ts";
import { applyQlvbReceiveTime, applyQlvbSendTime, receiveDocument } from "../db/received.ts";
import type { OutboxMutation, StoredDocument, VanthuDb } from "../db/schema.ts";
import { localDraftFromServer } from "../db/drafts.ts";
import { keepPublishedAnchors } from "../db/trust.ts";
import { capabilitiesOf } from "../../../shared/sync/rules.ts";
import { declaredOf, translate } from "./mapping.ts";
import { ApiClient, isTransient, readJson, throwApi, unreachable } from "./api.ts";

/**
 * The sync client: pushes the outbox in order and pulls the office's changes, one tab at a
 * time (Web Locks). The server's answers carry the QLVB times (R7) that replace the
 * provisional local ones.
 */
import { beginRound, endRound, resumeSync, setSyncState, syncPaused } from "./state.ts";
export { syncState } from "./state.ts";

export async function loadSession(db: VanthuDb): Promise<SessionInfo | undefined> {
  return (await db.meta.get("session"))?.value as SessionInfo | undefined;
}

export async function login(db: VanthuDb, username: string, password: string, base = ""): Promise<SessionInfo> {
  let res: Response;
  try {
    res = await fetch(base + "/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
  } catch (e) {
    throw new VanthuError("sync.offline", "Cần có mạng để đăng nhập lần đầu.", "Login needs the network", { cause: e });
  }
  if (!res.ok) await throwApi(res);
  const s = SessionInfo.parse(await res.json());
  await db.meta.put({ key: "session", value: s });
  // A pause belonged to whoever pressed it: a new sign-in starts with the sync running.
  resumeSync();
  setSyncState({ phase: "idle" });
  return s;
}

export async function logout(db: VanthuDb): Promise<void> {
  await db.meta.delete("session");
  setSyncState({ phase: "signed-out" });
}

/**
 * Chunks of an upload. Small, so that on a slow link the bar moves and a dropped connection
 * costs little (the server keeps every byte that arrived anyway and says where to go on).
 */
export const UPLOAD_CHUNK = 512 * 1024;

/** Bytes moved so far and in all, for the progress shown while a document goes up or comes down. */
type OnBytes = (done: number, total: number) => void;

/** Uploads a kept PDF, resuming where the server says it stopped (also after a reload or a cut). */
async function uploadBlob(api: ApiClient, db: VanthuDb, sha256: string, onBytes: OnBytes): Promise<void> {
  const doc = await getDocument(db, sha256);
  // An upload can end between our asking for it and our next chunk: a PATCH cut on our side may
  // still finish on the server, which then forgets the upload. Asking again says "complete".
  for (let attempt = 0; ; attempt++) {
    try {
      return await uploadOnce(api, sha256, doc, onBytes);
    } catch (e) {
      if (!(e instanceof VanthuError && e.code === "sync.not_found") || attempt >= 2) throw e;
    }
  }
}

async function uploadOnce(api: ApiClient, sha256: string, doc: StoredDocument, onBytes: OnBytes): Promise<void> {
  const st = await api.json("/api/blobs/uploads", UploadState, { method: "POST", body: JSON.stringify({ sha256, size: doc.size }) });
  if (st.complete) return;
  let offset = st.offset;
  onBytes(offset, doc.size);
  while (offset < doc.size) {
    const chunk = doc.bytes.subarray(offset, Math.min(doc.size, offset + Math.min(UPLOAD_CHUNK, MAX_CHUNK_SIZE)));
    const res = await api.req(`/api/blobs/uploads/${st.uploadId}`, {
      method: "PATCH",
      headers: { "content-type": "application/offset+octet-stream", "upload-offset": String(offset) },
      body: chunk as Uint8Array<ArrayBuffer>,
    });
    if (res.status === 409) {
      // Another connection still writes this upload (the one a cut left behind on the server),
      // or the server has more or fewer bytes than we thought: go on from where it says, later if busy.
      const body = (await readJson(res).catch(() => undefined)) as { error?: { code?: string } } | undefined;
      const at = res.headers.get("upload-offset");
      if (body?.error?.code === "upload_busy" || at === null) {
        throw new VanthuError("sync.busy", "Máy chủ còn đang nhận phần trước của tệp; sẽ tự gửi tiếp.", `Upload ${st.uploadId} busy at the server`);
      }
      offset = Number(at);
      continue;
    }
    const next = UploadState.parse(await readJson(res));
    offset = next.offset;
    onBytes(offset, doc.size);
    if (next.complete) return;
  }
}

/** Bytes of downloads cut part-way, kept for this session so the next try asks only for the rest (Range). */
const partialDownloads = new Map<string, Uint8Array[]>();

async function downloadBlob(api: ApiClient, sha256: string, onBytes: OnBytes = () => undefined): Promise<Uint8Array> {
  const parts = partialDownloads.get(sha256) ?? [];
  partialDownloads.set(sha256, parts);
  let have = parts.reduce((n, p) => n + p.byteLength, 0);
  const res = await api.req(`/api/blobs/${sha256}`, have > 0 ? { headers: { range: `bytes=${have}-` } } : {});
  if (res.status !== 206) {
    parts.length = 0;
    have = 0;
  }
  const total = have + Number(res.headers.get("content-length") ?? NaN);
  const reader = res.body?.getReader();
  try {
    for (;;) {
      const next = await reader!.read();
      if (next.done) break;
      parts.push(next.value);
      have += next.value.byteLength;
      onBytes(have, Number.isFinite(total) ? total : have);
    }
  } catch (e) {
    throw unreachable(e);
  }
  partialDownloads.delete(sha256);
  const bytes = new Uint8Array(have);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.byteLength;
  }
  if ((await sha256Hex(bytes)) !== sha256) {
    throw new VanthuError("sync.blob-corrupt", "Tệp tải về không khớp mã SHA-256: sẽ tải lại lần sau.", `Downloaded blob ${sha256} does not match`);
  }
  return bytes;
}

/** The office directory (to address documents). Without it no recipient can be resolved, so a send waits for it. */
async function directory(api: ApiClient, db: VanthuDb): Promise<Array<{ id: string; name: string }>> {
  try {
    const body = (await readJson(await api.req("/api/offices"))) as { offices: Array<{ id: string; name: string }> };
    await db.meta.put({ key: "offices", value: body.offices });
    return body.offices;
  } catch (e) {
    const kept = (await db.meta.get("offices"))?.value as Array<{ id: string; name: string }> | undefined;
    if (kept) return kept;
    throw e;
  }
}

/** What the header shows while a round runs: changes sent out of those waiting, and bytes of the document moving. */
function showProgress(what: string, done: number, total: number, bytes?: { done: number; total: number }) {
  setSyncState((s) => ({ ...s, phase: "syncing", progress: { done, total: Math.max(total, done), what, bytes } }));
}

async function push(api: ApiClient, db: VanthuDb, session: SessionInfo, onNewReceived: (id: string) => void): Promise<number> {
  let pushed = 0;
  const waiting = await db.outbox.count();
  if (waiting === 0) return 0;
  const dir = await directory(api, db);
  for (;;) {
    const batch = await pendingMutations(db, 50);
    if (batch.length === 0) return pushed;
    const total = Math.max(waiting, pushed + batch.length);
    showProgress("Đang gửi thay đổi", pushed, total);
    const mutations: Mutation[] = [];
    const owner = new Map<string, OutboxMutation>();
    // A record changed twice in one batch: the second change is based on the first's version.
    const nextBase = new Map<string, number>();
    for (const m of batch) {
      const received = m.kind.startsWith("incoming.") ? await db.received.get((m.payload as { receivedId: string }).receivedId) : undefined;
      const t = translate(m, { directory: dir, received, ownOfficeId: session.office.id });
      if (t.unsent) await recordUnsent(db, m, t);
      for (const sha of t.blobs) await uploadBlob(api, db, sha, (done, size) => showProgress("Đang tải văn bản lên", pushed, total, { done, total: size }));
      for (const x of t.mutations) {
        if ((x.type === "record.put" || x.type === "record.delete") && x.baseVersion === undefined) {
          const key = `${x.entity}:${x.recordId}`;
          const base = nextBase.get(key) ?? (await db.versions.get(key))?.version ?? 0;
          x.baseVersion = base;
          nextBase.set(key, base + 1);
        }
        mutations.push(x);
        owner.set(x.id, m);
      }
    }
    let res: PushResponse;
    try {
      res = await api.json("/api/sync/push", PushResponse, {
        method: "POST",
        body: JSON.stringify({ clientId: session.user.id.replace(/[^0-9A-Za-z_-]/g, "_").slice(0, 64) || "web", mutations }),
      });
    } catch (e) {
      // Only the server's refusal marks the changes: a lost connection or a busy server is tried again as it is.
      if (e instanceof VanthuError && !isTransient(e) && e.code !== "sync.unauthorized" && e.code !== "sync.paused")
        await markFailed(
          db,
          batch.map((b) => b.id),
          e.messageVi,
        );
      throw e;
    }
    for (const r of res.results) {
      const out = mutations.find((x) => x.id === r.mutationId)!;
      const m = owner.get(r.mutationId)!;
      if (r.status === "refused" || r.status === "conflict") {
        await recordIssue(db, m, out, r);
        continue;
      }
      const a = r.assigned;
      if ((out.type === "record.put" || out.type === "record.delete") && a.version !== undefined)
        await db.versions.put({ key: `${out.entity}:${out.recordId}`, version: a.version });
      if (out.type === "exchange.send" && a.sentAt) await applyQlvbSendTime(db, out.documentRef, a.sentAt);
      if (out.type === "exchange.accept" && a.receivedAt) await applyServerArrival(db, out.deliveryId, a.receivedAt, a.arrivalNumber, a.arrivalYear);
      if (out.type === "incoming.register" && a.receivedAt) await applyPaperArrival(db, out.entryId, a.receivedAt, a.arrivalNumber, a.arrivalYear);
      if (out.type.startsWith("draft.")) await settleDraftStep(db, m.id, (out as { draftId: string }).draftId, a.number);
    }
    void onNewReceived;
    await acknowledge(
      db,
      batch.map((b) => b.id),
    );
    pushed += batch.length;
  }
}

/**
 * A mutation the server did not apply is not retried: the refusal (the rule's reason) or the
 * conflict (the server's record) is kept for the person, on the screen of the record and in Đồng bộ.
 */
async function recordIssue(db: VanthuDb, m: OutboxMutation, out: Mutation, r: MutationResult): Promise<void> {
  const messageVi =
    r.status === "conflict"
      ? "Bản ghi đã được thay đổi trên máy khác trước khi thay đổi này đến máy chủ; thay đổi này chưa được ghi. Hãy xem bản trên máy chủ và chọn giữ bản nào."
      : (r.error?.messageVi ?? "Máy chủ không nhận thay đổi này.");
  const entityId = "draftId" in out ? String(out.draftId) : "recordId" in out ? String(out.recordId) : m.entityId;
  await db.syncIssues.put({
    id: out.id,
    at: new Date().toISOString(),
    kind: r.status as "refused" | "conflict",
    outboxKind: m.kind,
    entityId,
    messageVi,
    mutation: out,
    ...(r.current ? { current: r.current } : {}),
  });
  if (out.type.startsWith("draft.")) await settleDraftStep(db, m.id, entityId, undefined);
}

/** Issued, but addressed to no office in the server's directory: nothing is sent, and the person is told so. */
async function recordUnsent(db: VanthuDb, m: OutboxMutation, t: { mutations: Mutation[]; unsent?: string[] }): Promise<void> {
  await db.syncIssues.put({
    id: `${m.id}-unsent`,
    at: new Date().toISOString(),
    kind: "refused",
    outboxKind: m.kind,
    entityId: m.entityId,
    messageVi: `Văn bản đã phát hành nhưng CHƯA GỬI: không tìm thấy cơ quan nhận "${t.unsent!.join("; ")}" trong danh bạ của máy chủ. Hãy ghi tên cơ quan nhận như danh bạ (ví dụ: UBND xã An Hưng) rồi gửi lại, hoặc gửi bằng tệp edXML.`,
    mutation: t.mutations.at(-1)!,
  });
}

/** The step is answered: no longer pending here; the number the register gave is shown until the pull brings the whole record. */
async function settleDraftStep(db: VanthuDb, outboxId: string, draftId: string, number: DraftNumber | undefined): Promise<void> {
  await db.transaction("rw", db.workflow, async () => {
    const w = await db.workflow.get(draftId);
    if (!w) return;
    await db.workflow.put({ ...w, pending: (w.pending ?? []).filter((p) => p.outboxId !== outboxId), ...(number ? { number } : {}) });
  });
}

/** A paper or scanned document registered by hand: the server's QLVB time and số đến replace the provisional ones. */
async function applyPaperArrival(db: VanthuDb, entryId: string, at: string, number?: number, year?: number): Promise<void> {
  const e = await db.incoming.get(entryId);
  if (!e) return;
  const r = await db.received
    .where("documentSha256")
    .equals(e.documentSha256 ?? "-")
    .first();
  if (r) await applyServerArrival(db, r.id, at, number, year);
  else await db.incoming.put({ ...e, arrivedAt: at, arrivedAtProvisional: false });
}

/** The server's QLVB receive time, and its số đến when it fits the local register. */
async function applyServerArrival(db: VanthuDb, receivedId: string, at: string, number?: number, year?: number): Promise<void> {
  await applyQlvbReceiveTime(db, receivedId, at);
  const r = await db.received.get(receivedId);
  if (!r?.incomingEntryId || number === undefined || year === undefined) return;
  const e = await db.incoming.get(r.incomingEntryId);
  if (!e || (e.number === number && e.year === year)) return;
  try {
    await db.incoming.put({ ...e, number, year });
  } catch {
    // The server's number is taken locally by another entry (registered offline): keep ours; the note says so.
    await db.incoming.put({ ...e, note: [e.note, `Số đến trên máy chủ: ${number}/${year}`].filter(Boolean).join("; ") });
  }
}

async function pull(api: ApiClient, db: VanthuDb, onNewReceived: (id: string) => void, mayIssue: boolean): Promise<number> {
  let cursor = ((await db.meta.get("syncCursor"))?.value as string | undefined) ?? "";
  let n = 0;
  for (;;) {
    const page = await api.json(`/api/sync/pull?cursor=${encodeURIComponent(cursor)}&limit=200`, PullResponse);
    // What remains: this page and, on a long feed (a new device's first sync), what the server says follows it.
    const total = n + page.changes.length + (page.remaining ?? 0);
    for (const ch of page.changes) {
      showProgress("Đang nhận thay đổi", n, total);
      if (ch.entity === EXCHANGE_INCOMING && ch.data)
        await applyIncoming(api, db, IncomingDelivery.parse(ch.data), onNewReceived, (done, size) =>
          showProgress("Đang tải văn bản về", n, total, { done, total: size }),
        );
      if (ch.entity === EXCHANGE_OUTGOING && ch.data) await applyOutgoing(db, OutgoingExchange.parse(ch.data));
      if (ch.entity.startsWith("cert_") && ch.op === "put" && ch.data)
        await (await import("../certificates/flows.ts")).applyPulledCertRecord(db, ch.entity, ch.data);
      if ((ch.entity === "incoming" || ch.entity === "outgoing") && ch.op === "put" && ch.data) await applyRegisterRecord(db, ch.entity, ch.data);
      if (ch.entity === "incoming_handling" && ch.op === "put" && ch.data)
        await (await import("../incoming/handling-sync.ts")).applyPulledHandling(db, ch.data);
      if (ch.entity === DRAFT_ENTITY && ch.data) await applyServerDraft(api, db, ch.data, mayIssue);
      if (ch.entity === AUDIT_ENTITY && ch.data) {
        const e = AuditEntrySchema.safeParse(ch.data);
        if (e.success) await db.serverAudit.put(e.data as AuditEntry);
      }
      // The version a later change of this record will name as its base.
      if (ch.version !== undefined && /^[a-z][a-z0-9_]*$/.test(ch.entity)) await db.versions.put({ key: `${ch.entity}:${ch.id}`, version: ch.version });
      n++;
    }
    cursor = page.cursor;
    await db.meta.put({ key: "syncCursor", value: cursor });
    if (!page.hasMore) return n;
  }
}

/**
 * A draft as the server holds it (trình ký). Its latest file is fetched so it can be read
 * offline; when the official's signed revision arrives at the drafter's device, the local
 * draft takes it ("the signed revision comes back by itself") and is ready to be issued.
 */
async function applyServerDraft(api: ApiClient, db: VanthuDb, data: unknown, mayIssue: boolean): Promise<void> {
  const p = ServerDraftSchema.safeParse(data);
  if (!p.success) return;
  const d = p.data;
  // The latest file to read offline; a văn thư also keeps the working file a rebuilt draft names.
  const wanted = [d.revisions.at(-1), mayIssue ? d.revisions.filter((r) => r.kind === "draft").at(-1) : undefined];
  for (const r of wanted) if (r && !(await db.documents.get(r.sha256))) await putDocument(db, await downloadBlob(api, r.sha256), r.name);
  await db.transaction("rw", [db.workflow, db.drafts], async () => {
    const local = await db.workflow.get(d.id);
    // Steps still queued here stay marked; the server's record is the truth for everything else.
    await db.workflow.put({ ...d, pending: local?.pending?.length ? local.pending : undefined });
    const draft = await db.drafts.get(d.id);
    if (!draft) {
      // Another văn thư's draft, signed: this device can issue it too.
      const rebuilt = mayIssue && (d.state === "signed" || d.state === "issued") ? localDraftFromServer(d) : undefined;
      if (rebuilt) await db.drafts.put(rebuilt);
      return;
    }
    const signed = d.revisions.filter((r) => r.kind === "signed").at(-1);
    if (signed && draft.status === "draft" && !(draft.signedSha256 ?? []).includes(signed.sha256)) {
      await db.drafts.put({
        ...draft,
        status: "signed",
        signedSha256: [...(draft.signedSha256 ?? []), signed.sha256],
        numberAndSymbol: d.number?.numberAndSymbol,
        updatedAt: d.updatedAt,
      });
    }
  });
}

/**
 * A register entry written by another device of this office. Kept when this device does not
 * have it; when its number of the year is already taken here (two clerks numbered offline), it
 * is not merged silently: the conflict is listed for the clerk in the sync view.
 */
async function applyRegisterRecord(db: VanthuDb, entity: "incoming" | "outgoing", data: Record<string, unknown>): Promise<void> {
  const id = typeof data.id === "string" ? data.id : undefined;
  if (!id || typeof data.year !== "number" || typeof data.number !== "number") return;
  const table = db[entity] as unknown as import("dexie").Table<Record<string, unknown>, string>;
  if (await table.get(id)) return;
  const d = data as {
    issuer?: string;
    numberAndSymbol?: string;
    summary?: string;
    signerName?: string;
    recipients?: string[];
    handler?: string;
    typeCode?: string;
  };
  const tokens = searchTokens(
    d.issuer,
    d.numberAndSymbol,
    documentTypeByCode(d.typeCode ?? "")?.name,
    d.summary,
    d.signerName,
    d.recipients?.join(" "),
    d.handler,
  );
  try {
    await table.add({ ...data, searchTokens: tokens });
  } catch (e) {
    if (!(e instanceof Error && e.name === "ConstraintError")) throw e;
    const list =
      ((await db.meta.get("registerConflicts"))?.value as
        | Array<{ entity: string; id: string; year: number; number: number; numberAndSymbol?: string }>
        | undefined) ?? [];
    if (!list.some((c) => c.id === id)) {
      await db.meta.put({
        key: "registerConflicts",
        value: [...list, { entity, id, year: data.year, number: data.number, numberAndSymbol: d.numberAndSymbol }],
      });
    }
  }
}

async function applyIncoming(api: ApiClient, db: VanthuDb, d: IncomingDelivery, onNew: (id: string) => void, onBytes?: OnBytes): Promise<void> {
  const existing = await db.received.get(d.deliveryId);
  if (!existing) {
    const main = d.blobs.find((b) => b.role === "main") ?? d.blobs[0];
    if (!main) return;
    const bytes = await downloadBlob(api, main.sha256, onBytes);
    const attachments: AttachedFile[] = [];
    for (const b of d.blobs) {
      if (b === main || (b.role !== "attachment" && b.role !== "appendix")) continue;
      await putDocument(db, await downloadBlob(api, b.sha256, onBytes), b.name);
      attachments.push({ sha256: b.sha256, name: b.name, role: b.role });
    }
    await receiveDocument(db, { bytes, name: main.name }, declaredOf(d), "sync", {
      id: d.deliveryId,
      senderOffice: d.from.name,
      qlvbTime: d.receivedAt ?? undefined,
      attachments,
    });
    onNew(d.deliveryId);
    return;
  }
  if (d.receivedAt && existing.receivedAtProvisional)
    await applyServerArrival(db, d.deliveryId, d.receivedAt, d.arrivalNumber ?? undefined, d.arrivalYear ?? undefined);
}

async function applyOutgoing(db: VanthuDb, x: OutgoingExchange): Promise<void> {
  const e = await db.outgoing.get(x.documentRef);
  if (!e) return;
  const refused = x.deliveries.filter((d) => d.status === "refused");
  const accepted = x.deliveries.filter((d) => d.status === "accepted");
  await db.outgoing.put({
    ...e,
    sentAt: x.sentAt,
    sentAtProvisional: false,
    status: refused.length > 0 ? "refused-by-recipient" : "sent",
    refusalReason: refused.length > 0 ? refused.map((d) => `${d.recipientName}: ${d.refusalReason ?? ""}`).join("; ") : undefined,
    receipt: accepted.length > 0 ? accepted.map((d) => `${d.recipientName} (số đến ${d.arrivalNumber})`).join("; ") : e.receipt,
  });
}

/**
 * The roots the server publishes for the offices' devices (sync-server/trust). When the list
 * changes, documents waiting for the clerk are judged again against it.
 */
async function refreshPublishedAnchors(api: ApiClient, db: VanthuDb): Promise<void> {
  let body: { anchors?: Array<{ pem: string; labelVi: string }> };
  try {
    body = (await readJson(await api.req("/api/trust/anchors"))) as typeof body;
  } catch (e) {
    if (isTransient(e)) throw e;
    return; // an older server without the list: the device's own imports stand
  }
  const { parseCertificates } = await import("../../../shared/trust/index.ts");
  const anchors = (body.anchors ?? []).flatMap((a) =>
    parseCertificates(new TextEncoder().encode(a.pem)).map((c) => ({ der: new Uint8Array(c.rawData), labelVi: a.labelVi })),
  );
  if (!(await keepPublishedAnchors(db, anchors))) return;
  await (await import("../verify/run.ts")).reverifyWaiting(db);
}

/**
 * How a round ended, for the scheduler: done; "retry" — the network or a busy server, tried
 * again after a pause; "error" — the server refused something the person must look at.
 */
export type SyncOutcome = "done" | "retry" | "error" | "skipped";

export interface SyncOptions {
  onNewReceived?: (id: string) => void;
  base?: string;
  /**
   * When a round already runs (in this tab or another): "skip" (the scheduler's rhythm), or
   * "after" — a press of "Đồng bộ ngay" or a change just made must not be lost because a round
   * was finishing: it runs once that round ends (one such wait per tab).
   */
  whenBusy?: "skip" | "after";
}

let queuedRound: Promise<SyncOutcome> | undefined;

/** One sync round; only one tab of this origin runs it at a time. */
export async function syncNow(db: VanthuDb, opts: SyncOptions = {}): Promise<SyncOutcome> {
  if (typeof navigator === "undefined" || !navigator.locks) return syncRound(db, opts);
  const ran = await navigator.locks.request("vanthu-sync", { ifAvailable: true }, async (lock) => (lock ? syncRound(db, opts) : undefined));
  if (ran !== undefined) return ran;
  if (opts.whenBusy !== "after") return "skipped";
  queuedRound ??= navigator.locks.request("vanthu-sync", () => {
    queuedRound = undefined;
    return syncRound(db, opts);
  });
  return queuedRound;
}

async function syncRound(db: VanthuDb, opts: SyncOptions): Promise<SyncOutcome> {
  const session = await loadSession(db);
  if (!session) {
    setSyncState({ phase: "signed-out" });
    return "skipped";
  }
  if (typeof navigator !== "undefined" && !navigator.onLine) {
    setSyncState((s) => ({ ...s, phase: "offline", progress: undefined }));
    return "retry";
  }
  if (syncPaused()) {
    setSyncState((s) => ({ ...s, phase: "paused", progress: undefined }));
    return "skipped";
  }
  let outcome: SyncOutcome = "skipped";
  const run = async () => {
    const signal = beginRound();
    const api = new ApiClient(opts.base ?? "", session.token, signal);
    setSyncState((s) => ({ ...s, phase: "syncing", errorVi: undefined, adviceVi: undefined }));
    try {
      const onNew = opts.onNewReceived ?? (() => undefined);
      // The roots first: a document received in this round is judged against them at once.
      await refreshPublishedAnchors(api, db);
      await push(api, db, session, onNew);
      await pull(api, db, onNew, capabilitiesOf(session.user.roles, "own").actions["draft.issue"] ?? false);
      // Certificates (issue 7): the holiday calendar in force, requests moved on by their drafts' issue, then their records pushed.
      const certs = await import("../certificates/flows.ts");
      try {
        const cal = (await readJson(await api.req("/api/certificates/calendar"))) as { data?: unknown };
        if (cal.data) await db.meta.put({ key: "holidayCalendar", value: cal.data });
      } catch {
        // the calendar kept from the last sync stands
      }
      await certs.reconcileRequests(db);
      await push(api, db, session, onNew);
      await (await import("../verify/run.ts")).recheckInconclusive(db);
      const at = new Date().toISOString();
      await db.meta.put({ key: "lastSyncAt", value: at });
      setSyncState({ phase: "idle", lastSyncAt: at });
      outcome = "done";
    } catch (e) {
      const v = e instanceof VanthuError ? e : new VanthuError("sync.failed", "Đồng bộ không thành công.", String(e));
      if (v.code === "sync.paused" || signal.aborted) {
        // Stopped by the person: what moved is kept (the server's bytes, the partial download); nothing to report.
        setSyncState((s) => ({ ...s, phase: "paused", progress: undefined, errorVi: undefined, adviceVi: undefined }));
        return;
      }
      if (!(e instanceof VanthuError)) console.error(e);
      if (isTransient(v)) {
        // Nothing for the person to do: the header says what is happening and the next try is automatic.
        const phase = v.code === "sync.offline" ? "offline" : "unreachable";
        setSyncState((s) => ({ ...s, phase, progress: undefined, errorVi: v.messageVi, adviceVi: "Sẽ tự thử lại." }));
        outcome = "retry";
        return;
      }
      const advice =
        v.code === "sync.unauthorized" ? "Đăng nhập lại ở mục Đồng bộ." : "Xem thay đổi bị lỗi trong danh sách chờ gửi; sửa hoặc liên hệ phụ trách CNTT.";
      setSyncState((s) => ({ ...s, phase: "error", progress: undefined, errorVi: v.messageVi, adviceVi: advice }));
      outcome = "error";
    } finally {
      endRound(signal);
    }
  };
  await run();
  return outcome;
}
