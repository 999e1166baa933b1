import { ulid } from "ulid";
import { toVietnamIso, type AttachedFile } from "../../../shared/domain/index.ts";
import { putDocument } from "./documents.ts";
import type { ReceivedDocument, StoredReport, VanthuDb } from "./schema.ts";

/** What the sender declared: the schema's type, declared once there. */
export type Declared = ReceivedDocument["declared"];

/** A document arrives (file import or sync pull): kept byte for byte, waiting for verification. */
export async function receiveDocument(
  db: VanthuDb,
  pdf: { bytes: Uint8Array; name: string },
  declared: Declared,
  source: ReceivedDocument["source"],
  opts: { now?: Date; qlvbTime?: string; senderOffice?: string; id?: string; attachments?: AttachedFile[]; receiptForm?: ReceivedDocument["receiptForm"] } = {},
): Promise<ReceivedDocument> {
  const now = opts.now ?? new Date();
  const sha = await putDocument(db, pdf.bytes, pdf.name, now);
  const r: ReceivedDocument = {
    id: opts.id ?? ulid(now.getTime()),
    receivedAt: opts.qlvbTime ?? toVietnamIso(now),
    receivedAtProvisional: !opts.qlvbTime,
    documentSha256: sha,
    fileName: pdf.name,
    source,
    ...(opts.receiptForm && opts.receiptForm !== "electronic" ? { receiptForm: opts.receiptForm } : {}),
    senderOffice: opts.senderOffice,
    declared,
    attachments: opts.attachments,
    status: "pending",
  };
  await db.received.put(r);
  return r;
}

/** Keeps the verifier's report with the document (R12) and moves the received document on. */
export async function saveReport(
  db: VanthuDb,
  receivedId: string | null,
  report: Omit<StoredReport, "id" | "createdAt">,
  now = new Date(),
): Promise<StoredReport> {
  const stored: StoredReport = { ...report, id: ulid(now.getTime()), createdAt: now.toISOString() };
  await db.transaction("rw", [db.reports, db.received], async () => {
    await db.reports.add(stored);
    if (receivedId) {
      const r = await db.received.get(receivedId);
      if (r && (r.status === "pending" || r.status === "verifying" || r.status === "verified")) {
        await db.received.put({ ...r, status: "verified", reportId: stored.id });
      }
    }
  });
  return stored;
}

/** The QLVB time (R7) replaces a provisional local time once the server has stamped it. */
export async function applyQlvbReceiveTime(db: VanthuDb, receivedId: string, qlvbTime: string): Promise<void> {
  await db.transaction("rw", [db.received, db.incoming], async () => {
    const r = await db.received.get(receivedId);
    if (!r) return;
    await db.received.put({ ...r, receivedAt: qlvbTime, receivedAtProvisional: false });
    if (r.incomingEntryId) {
      const e = await db.incoming.get(r.incomingEntryId);
      if (e) await db.incoming.put({ ...e, arrivedAt: qlvbTime, arrivedAtProvisional: false });
    }
  });
}

export async function applyQlvbSendTime(db: VanthuDb, outgoingId: string, qlvbTime: string): Promise<void> {
  const e = await db.outgoing.get(outgoingId);
  if (e) await db.outgoing.put({ ...e, sentAt: qlvbTime, sentAtProvisional: false, status: e.status === "issued" ? "sent" : e.status });
}
