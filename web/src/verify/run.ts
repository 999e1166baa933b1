import type { VerifyProgressMessage, VerifyRequest, VerifyResponse } from "./protocol.ts";
import { VanthuError } from "../../../shared/errors.ts";
import { getDocument } from "../db/documents.ts";
import { saveReport } from "../db/received.ts";
import { trustAnchorsOf } from "../db/trust.ts";
import type { VanthuDb } from "../db/schema.ts";
import { startWork } from "../ui/progress.tsx";

/** From this size a check takes long enough on a phone to show how far it is, and to offer to stop it. */
export const SHOW_PROGRESS_FROM = 1024 * 1024;

interface Job {
  resolve: (r: VerifyResponse) => void;
  reject: (e: unknown) => void;
  onProgress?: (p: VerifyProgressMessage["progress"]) => void;
}

let worker: Worker | null = null;
let seq = 0;
const waiting = new Map<number, Job>();

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL("./verify.worker.ts", import.meta.url), { type: "module", name: "vanthu-verify" });
    worker.onmessage = (ev: MessageEvent<VerifyResponse | VerifyProgressMessage>) => {
      const job = waiting.get(ev.data.id);
      if ("progress" in ev.data) return job?.onProgress?.(ev.data.progress);
      job?.resolve(ev.data);
      waiting.delete(ev.data.id);
    };
  }
  return worker;
}

/**
 * Stops the checks in progress: the worker is ended (its hashing cannot be interrupted any other
 * way) and every check waiting on it ends as stopped. Safe: nothing is written before a report
 * is complete; the documents stay "chờ kiểm tra" and can be checked again.
 */
export function stopVerifying(): void {
  worker?.terminate();
  worker = null;
  const stopped = new VanthuError("web.cancelled", "Đã dừng kiểm tra chữ ký số; có thể kiểm tra lại bất cứ lúc nào.", "Verification stopped by the person");
  for (const job of waiting.values()) job.reject(stopped);
  waiting.clear();
}

/** One file through the worker with the cached trust store and CRLs; a large one shows its progress and can be stopped. */
async function check(db: VanthuDb, sha256: string, name?: string): Promise<VerifyResponse> {
  const doc = await getDocument(db, sha256);
  const label = name ?? doc.name;
  const trustAnchors = await trustAnchorsOf(db);
  const crls = ((await db.meta.get("crls"))?.value as VerifyRequest["crls"] | undefined) ?? [];
  const work = doc.size >= SHOW_PROGRESS_FROM ? startWork(`Đang kiểm tra chữ ký số: ${label}`, doc.size, "bytes", stopVerifying) : undefined;
  try {
    const id = ++seq;
    return await new Promise<VerifyResponse>((resolve, reject) => {
      waiting.set(id, {
        resolve,
        reject,
        onProgress: (p) => {
          // Each signature hashes its own signed ranges (several passes over a file signed several
          // times): shown as the share of the file's size, which is what the person knows.
          work?.advance(Math.round((doc.size * p.bytesDone) / Math.max(1, p.bytesTotal)));
          if (p.signatures > 1) work?.describe(`Đang kiểm tra chữ ký số: ${label} (chữ ký ${p.signature}/${p.signatures})`);
        },
      });
      getWorker().postMessage({ id, pdf: doc.bytes, trustAnchors, crls } satisfies VerifyRequest);
    });
  } finally {
    work?.end();
  }
}

/** Verifies a kept document in the worker with the cached trust store and CRLs, and keeps the report (R10, R12, R13). */
export async function verifyReceived(db: VanthuDb, receivedId: string): Promise<VerifyResponse> {
  const r = await db.received.get(receivedId);
  if (!r) throw new Error(`received ${receivedId} not found`);
  await db.received.update(receivedId, { status: "verifying" });
  try {
    const label = r.declared.numberAndSymbol || r.fileName;
    const res = await check(db, r.documentSha256, label);
    // Each attachment and appendix in its own file carries the organisation's signature (R4, R5): verified too.
    const attachments = [];
    for (const a of r.attachments ?? []) {
      const x = await check(db, a.sha256, a.name);
      attachments.push({ ...a, verdict: x.verdict, summaryVi: x.summaryVi, signatures: x.signatures });
    }
    const bad = attachments.find((a) => a.verdict !== "valid");
    const verdict = res.verdict !== "valid" ? res.verdict : bad ? (bad.verdict === "error" ? "invalid" : bad.verdict) : "valid";
    const summaryVi = bad && res.verdict === "valid" ? `Văn bản chính hợp lệ, nhưng tệp kèm theo "${bad.name}": ${bad.summaryVi}` : res.summaryVi;
    await saveReport(db, receivedId, {
      documentSha256: r.documentSha256,
      verdict,
      summaryVi,
      report: { signatures: res.signatures, attachments, engine: res.report, errorEn: res.errorEn },
    });
    return { ...res, verdict, summaryVi };
  } catch (e) {
    await db.received.update(receivedId, { status: "pending" });
    throw e;
  }
}

/** Verifies any kept document (an issued one, a copy) in the worker and keeps the report beside it. */
export async function verifyDocument(db: VanthuDb, sha256: string): Promise<VerifyResponse> {
  const res = await check(db, sha256);
  await saveReport(db, null, {
    documentSha256: sha256,
    verdict: res.verdict,
    summaryVi: res.summaryVi,
    report: { signatures: res.signatures, engine: res.report, errorEn: res.errorEn },
  });
  return res;
}

/**
 * The trust store changed: documents waiting for the clerk are judged again. One being checked
 * now is included: its check started with the old store, and the worker answers in order, so
 * the new verdict is the one kept.
 */
export async function reverifyWaiting(db: VanthuDb): Promise<void> {
  for (const r of await db.received.where("status").anyOf("pending", "verifying", "verified").toArray()) void verifyReceived(db, r.id).catch(() => undefined);
}

/** How old an inconclusive verdict must be before a sync round judges the document again: a verdict that stays inconclusive (a CRL server down for days) costs a check every few minutes, not every round. */
export const RECHECK_INCONCLUSIVE_AFTER_MS = 5 * 60_000;

/**
 * Documents judged "chưa kết luận được" and still waiting for the clerk are checked again after a
 * sync round: the cause is most often a CRL or OCSP answer that did not come in time on a bad
 * line, or a root the server had not yet published, and a clerk should not have to think of
 * pressing "Kiểm tra lại". A document being checked now is left alone.
 */
export async function recheckInconclusive(db: VanthuDb, now = Date.now()): Promise<void> {
  for (const r of await db.received.where("status").equals("verified").toArray()) {
    const rep = r.reportId ? await db.reports.get(r.reportId) : undefined;
    if (rep?.verdict !== "indeterminate" || now - Date.parse(rep.createdAt) < RECHECK_INCONCLUSIVE_AFTER_MS) continue;
    void verifyReceived(db, r.id).catch(() => undefined);
  }
}
