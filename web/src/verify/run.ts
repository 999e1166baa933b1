import type { VerifyRequest, VerifyResponse } from "./protocol.ts";
import { getDocument } from "../db/documents.ts";
import { saveReport } from "../db/received.ts";
import { trustAnchorsOf } from "../db/trust.ts";
import type { VanthuDb } from "../db/schema.ts";

let worker: Worker | null = null;
let seq = 0;
const waiting = new Map<number, (r: VerifyResponse) => void>();

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL("./verify.worker.ts", import.meta.url), { type: "module", name: "vanthu-verify" });
    worker.onmessage = (ev: MessageEvent<VerifyResponse>) => {
      waiting.get(ev.data.id)?.(ev.data);
      waiting.delete(ev.data.id);
    };
  }
  return worker;
}

/** Verifies a kept document in the worker with the cached trust store and CRLs, and keeps the report (R10, R12, R13). */
export async function verifyReceived(db: VanthuDb, receivedId: string): Promise<VerifyResponse> {
  const r = await db.received.get(receivedId);
  if (!r) throw new Error(`received ${receivedId} not found`);
  await db.received.update(receivedId, { status: "verifying" });
  try {
    const doc = await getDocument(db, r.documentSha256);
    const trust = await trustAnchorsOf(db);
    const crls = ((await db.meta.get("crls"))?.value as VerifyRequest["crls"] | undefined) ?? [];
    const run = (pdf: Uint8Array) => {
      const id = ++seq;
      return new Promise<VerifyResponse>((resolve) => {
        waiting.set(id, resolve);
        getWorker().postMessage({ id, pdf, trustAnchors: trust, crls } satisfies VerifyRequest);
      });
    };
    const res = await run(doc.bytes);
    // Each attachment and appendix in its own file carries the organisation's signature (R4, R5): verified too.
    const attachments = [];
    for (const a of r.attachments ?? []) {
      const x = await run((await getDocument(db, a.sha256)).bytes);
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
  const doc = await getDocument(db, sha256);
  const trust = await trustAnchorsOf(db);
  const crls = ((await db.meta.get("crls"))?.value as VerifyRequest["crls"] | undefined) ?? [];
  const id = ++seq;
  const res = await new Promise<VerifyResponse>((resolve) => {
    waiting.set(id, resolve);
    getWorker().postMessage({ id, pdf: doc.bytes, trustAnchors: trust, crls } satisfies VerifyRequest);
  });
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
