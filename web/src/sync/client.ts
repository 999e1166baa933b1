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
} from "../../../shared/sync/schemas.ts";
import { VanthuError } from "../../../shared/errors.ts";
import { getDocument, putDocument, sha256Hex } from "../db/documents.ts";
import { documentTypeByCode, searchTokens, type AttachedFile } from "../../../shared/domain/index.ts";
import { acknowledge, markFailed, pendingMutations } from "../db/outbox.ts";
import { applyQlvbReceiveTime, applyQlvbSendTime, receiveDocument } from "../db/received.ts";
import type { VanthuDb } from "../db/schema.ts";
import { declaredOf, translate } from "./mapping.ts";
import { ApiClient, throwApi } from "./api.ts";

/**
 * The sync client: pushes the outbox in order and pulls the office's changes, one tab at a
 * time (Web Locks). The server's answers carry the QLVB times (R7) that replace the
 * provisional local ones.
 */
import { setSyncState } from "./state.ts";
export { syncState } from "./state.ts";

export async function loadSession(db: VanthuDb): Promise<SessionInfo | undefined> {
  return (await db.meta.get("session"))?.value as SessionInfo | undefined;
}

export async function login(db: VanthuDb, username: string, password: string, base = ""): Promise<SessionInfo> {
  let res: Response;
  try {
    res = await fetch(base + "/api/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
  } catch (e) {
    throw new VanthuError("sync.offline", "Cần có mạng để đăng nhập lần đầu.", "Login needs the network", { cause: e });
  }
  if (!res.ok) await throwApi(res);
  const s = SessionInfo.parse(await res.json());
  await db.meta.put({ key: "session", value: s });
  setSyncState({ phase: "idle" });
  return s;
}

export async function logout(db: VanthuDb): Promise<void> {
  await db.meta.delete("session");
  setSyncState({ phase: "signed-out" });
}

/** Uploads a kept PDF (resumable: asks the server where it stopped). */
async function uploadBlob(api: ApiClient, db: VanthuDb, sha256: string): Promise<void> {
  const doc = await getDocument(db, sha256);
  const st = await api.json("/api/blobs/uploads", UploadState, { method: "POST", body: JSON.stringify({ sha256, size: doc.size }) });
  if (st.complete) return;
  let offset = st.offset;
  while (offset < doc.size) {
    const chunk = doc.bytes.subarray(offset, Math.min(doc.size, offset + MAX_CHUNK_SIZE));
    const res = await api.req(`/api/blobs/uploads/${st.uploadId}`, {
      method: "PATCH",
      headers: { "content-type": "application/offset+octet-stream", "upload-offset": String(offset) },
      body: chunk as Uint8Array<ArrayBuffer>,
    });
    if (res.status === 409) {
      offset = Number(res.headers.get("upload-offset") ?? offset);
      continue;
    }
    const next = UploadState.parse(await res.json());
    offset = next.offset;
    if (next.complete) return;
  }
}

async function downloadBlob(api: ApiClient, sha256: string): Promise<Uint8Array> {
  const res = await api.req(`/api/blobs/${sha256}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if ((await sha256Hex(bytes)) !== sha256) {
    throw new VanthuError("sync.blob-corrupt", "Tệp tải về không khớp mã SHA-256: sẽ tải lại lần sau.", `Downloaded blob ${sha256} does not match`);
  }
  return bytes;
}

async function directory(api: ApiClient, db: VanthuDb): Promise<Array<{ id: string; name: string }>> {
  try {
    const res = await api.req("/api/offices");
    const body = (await res.json()) as { offices: Array<{ id: string; name: string }> };
    await db.meta.put({ key: "offices", value: body.offices });
    return body.offices;
  } catch {
    return ((await db.meta.get("offices"))?.value as Array<{ id: string; name: string }>) ?? [];
  }
}

async function push(api: ApiClient, db: VanthuDb, session: SessionInfo, onNewReceived: (id: string) => void): Promise<number> {
  let pushed = 0;
  const dir = await directory(api, db);
  for (;;) {
    const batch = await pendingMutations(db, 50);
    if (batch.length === 0) return pushed;
    setSyncState((s) => ({ ...s, phase: "syncing", progress: { done: pushed, total: pushed + batch.length, what: "Đang gửi thay đổi" } }));
    const mutations: Mutation[] = [];
    const owner = new Map<string, string>();
    for (const m of batch) {
      const received = m.kind.startsWith("incoming.") ? await db.received.get((m.payload as { receivedId: string }).receivedId) : undefined;
      const t = translate(m, { directory: dir, received, ownOfficeId: session.office.id });
      for (const sha of t.blobs) await uploadBlob(api, db, sha);
      for (const x of t.mutations) {
        mutations.push(x);
        owner.set(x.id, m.id);
      }
    }
    let res: PushResponse;
    try {
      res = await api.json("/api/sync/push", PushResponse, { method: "POST", body: JSON.stringify({ clientId: session.user.id.replace(/[^0-9A-Za-z_-]/g, "_").slice(0, 64) || "web", mutations }) });
    } catch (e) {
      if (e instanceof VanthuError && e.code !== "sync.offline" && e.code !== "sync.unauthorized") await markFailed(db, batch.map((b) => b.id), e.messageVi);
      throw e;
    }
    for (const r of res.results) {
      const a = r.assigned;
      const out = mutations.find((x) => x.id === r.mutationId)!;
      if (out.type === "exchange.send" && a.sentAt) await applyQlvbSendTime(db, out.documentRef, a.sentAt);
      if (out.type === "exchange.accept" && a.receivedAt) await applyServerArrival(db, out.deliveryId, a.receivedAt, a.arrivalNumber, a.arrivalYear);
    }
    void onNewReceived;
    await acknowledge(db, batch.map((b) => b.id));
    pushed += batch.length;
  }
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

async function pull(api: ApiClient, db: VanthuDb, onNewReceived: (id: string) => void): Promise<number> {
  let cursor = ((await db.meta.get("syncCursor"))?.value as string | undefined) ?? "";
  let n = 0;
  for (;;) {
    const page = await api.json(`/api/sync/pull?cursor=${encodeURIComponent(cursor)}&limit=200`, PullResponse);
    for (const ch of page.changes) {
      setSyncState((s) => ({ ...s, phase: "syncing", progress: { done: n, total: n + page.changes.length, what: "Đang nhận thay đổi" } }));
      if (ch.entity === EXCHANGE_INCOMING && ch.data) await applyIncoming(api, db, IncomingDelivery.parse(ch.data), onNewReceived);
      if (ch.entity === EXCHANGE_OUTGOING && ch.data) await applyOutgoing(db, OutgoingExchange.parse(ch.data));
      if (ch.entity.startsWith("cert_") && ch.op === "put" && ch.data) await (await import("../certificates/flows.ts")).applyPulledCertRecord(db, ch.entity, ch.data);
      if ((ch.entity === "incoming" || ch.entity === "outgoing") && ch.op === "put" && ch.data) await applyRegisterRecord(db, ch.entity, ch.data);
      if (ch.entity === "incoming_handling" && ch.op === "put" && ch.data) await (await import("../incoming/handling-sync.ts")).applyPulledHandling(db, ch.data);
      n++;
    }
    cursor = page.cursor;
    await db.meta.put({ key: "syncCursor", value: cursor });
    if (!page.hasMore) return n;
  }
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
  const d = data as { issuer?: string; numberAndSymbol?: string; summary?: string; signerName?: string; recipients?: string[]; handler?: string; typeCode?: string };
  const tokens = searchTokens(d.issuer, d.numberAndSymbol, documentTypeByCode(d.typeCode ?? "")?.name, d.summary, d.signerName, d.recipients?.join(" "), d.handler);
  try {
    await table.add({ ...data, searchTokens: tokens });
  } catch (e) {
    if (!(e instanceof Error && e.name === "ConstraintError")) throw e;
    const list = ((await db.meta.get("registerConflicts"))?.value as Array<{ entity: string; id: string; year: number; number: number; numberAndSymbol?: string }> | undefined) ?? [];
    if (!list.some((c) => c.id === id)) {
      await db.meta.put({ key: "registerConflicts", value: [...list, { entity, id, year: data.year, number: data.number, numberAndSymbol: d.numberAndSymbol }] });
    }
  }
}

async function applyIncoming(api: ApiClient, db: VanthuDb, d: IncomingDelivery, onNew: (id: string) => void): Promise<void> {
  const existing = await db.received.get(d.deliveryId);
  if (!existing) {
    const main = d.blobs.find((b) => b.role === "main") ?? d.blobs[0];
    if (!main) return;
    const bytes = await downloadBlob(api, main.sha256);
    const attachments: AttachedFile[] = [];
    for (const b of d.blobs) {
      if (b === main || (b.role !== "attachment" && b.role !== "appendix")) continue;
      await putDocument(db, await downloadBlob(api, b.sha256), b.name);
      attachments.push({ sha256: b.sha256, name: b.name, role: b.role });
    }
    await receiveDocument(db, { bytes, name: main.name }, declaredOf(d), "sync", { id: d.deliveryId, senderOffice: d.from.name, qlvbTime: d.receivedAt ?? undefined, attachments });
    onNew(d.deliveryId);
    return;
  }
  if (d.receivedAt && existing.receivedAtProvisional) await applyServerArrival(db, d.deliveryId, d.receivedAt, d.arrivalNumber ?? undefined, d.arrivalYear ?? undefined);
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

/** One sync round; only one tab of this origin runs it at a time. */
export async function syncNow(db: VanthuDb, opts: { onNewReceived?: (id: string) => void; base?: string } = {}): Promise<void> {
  const session = await loadSession(db);
  if (!session) {
    setSyncState({ phase: "signed-out" });
    return;
  }
  if (typeof navigator !== "undefined" && !navigator.onLine) {
    setSyncState((s) => ({ ...s, phase: "offline", progress: undefined }));
    return;
  }
  const run = async () => {
    const api = new ApiClient(opts.base ?? "", session.token);
    setSyncState((s) => ({ ...s, phase: "syncing", errorVi: undefined, adviceVi: undefined }));
    try {
      const onNew = opts.onNewReceived ?? (() => undefined);
      await push(api, db, session, onNew);
      await pull(api, db, onNew);
      // Certificates (issue 7): the holiday calendar in force, requests moved on by their drafts' issue, then their records pushed.
      const certs = await import("../certificates/flows.ts");
      try {
        const cal = (await (await api.req("/api/certificates/calendar")).json()) as { data?: unknown };
        if (cal.data) await db.meta.put({ key: "holidayCalendar", value: cal.data });
      } catch {
        // the calendar kept from the last sync stands
      }
      await certs.reconcileRequests(db);
      await push(api, db, session, onNew);
      const at = new Date().toISOString();
      await db.meta.put({ key: "lastSyncAt", value: at });
      setSyncState({ phase: "idle", lastSyncAt: at });
    } catch (e) {
      const v = e instanceof VanthuError ? e : new VanthuError("sync.failed", "Đồng bộ không thành công.", String(e));
      if (!(e instanceof VanthuError)) console.error(e);
      const advice =
        v.code === "sync.offline"
          ? "Sẽ tự thử lại khi có mạng."
          : v.code === "sync.unauthorized"
            ? "Đăng nhập lại ở mục Đồng bộ."
            : "Xem thay đổi bị lỗi trong danh sách chờ gửi; sửa hoặc liên hệ phụ trách CNTT.";
      setSyncState((s) => ({ ...s, phase: v.code === "sync.offline" ? "offline" : "error", progress: undefined, errorVi: v.messageVi, adviceVi: advice }));
    }
  };
  if (typeof navigator !== "undefined" && navigator.locks) {
    await navigator.locks.request("vanthu-sync", { ifAvailable: true }, async (lock) => {
      if (lock) await run();
    });
  } else await run();
}
