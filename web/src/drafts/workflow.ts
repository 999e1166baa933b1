import { ulid } from "ulid";
import { isoDay, toVietnamIso } from "../../../shared/domain/index.ts";
import { VanthuError } from "../../../shared/errors.ts";
import type { DraftState, DraftStep } from "../../../shared/sync/drafts.ts";
import type { Person } from "../../../shared/sync/primitives.ts";
import { particularsOf } from "../db/drafts.ts";
import { enqueue } from "../db/outbox.ts";
import type { Draft, VanthuDb, WorkflowDraft } from "../db/schema.ts";
import type { DraftStepBody } from "../sync/mapping.ts";
import { provisionalNumberAndSymbol, takeReservedNumber } from "../registers/reserved-numbers.ts";
import { apiCall } from "../sync/api.ts";

/**
 * Trình ký on this device: each step the person takes is queued (the outbox) as the server's
 * typed mutation with the version of the draft they saw, and shown at once as pending; the
 * server decides (rules, named official, state, version) and its record, pulled back, is the
 * truth. A step refused or in conflict is shown to the person (sync/client.ts recordIssue).
 */

/** The version the server will have when the steps already queued here are applied (comments do not move it). */
export function expectedVersion(w: WorkflowDraft | undefined): number {
  if (!w) return 0;
  return w.version + (w.pending ?? []).filter((p) => p.step !== "comment").length;
}

const NEXT_STATE: Partial<Record<DraftStep, DraftState>> = {
  submit: "submitted",
  return: "returned",
  approve: "approved",
  sign: "signed",
  issue: "issued",
  cancel: "cancelled",
  revise: "drafting",
};

async function queueStep(
  db: VanthuDb,
  draftId: string,
  step: DraftStep,
  body: Omit<DraftStepBody, "draftId">,
  opts: { blobs?: string[]; by: Person; note?: string; reasons?: string },
): Promise<void> {
  const now = new Date();
  await db.transaction("rw", [db.workflow, db.outbox], async () => {
    const w = await db.workflow.get(draftId);
    if (!w && step !== "create")
      throw new VanthuError("web.workflow-missing", "Dự thảo chưa có trên máy chủ: hãy đồng bộ rồi thử lại.", `Workflow ${draftId} not on this device`);
    const outboxId = await enqueue(db, "draft.step", draftId, { mutation: { ...body, draftId }, blobs: opts.blobs ?? [] }, now);
    if (!w) return;
    const to = NEXT_STATE[step] ?? w.state;
    const at = toVietnamIso(now);
    await db.workflow.put({
      ...w,
      state: to,
      pending: [...(w.pending ?? []), { outboxId, step, at }],
      // Provisional until the server's record comes back: the server's time replaces the device's.
      history:
        step === "comment"
          ? w.history
          : [
              ...w.history,
              { step, from: w.state, to, by: opts.by, at, ...(opts.note ? { note: opts.note } : {}), ...(opts.reasons ? { reasons: opts.reasons } : {}) },
            ],
      comments: step === "comment" ? [...w.comments, { id: String(body.commentId), by: opts.by, at, text: String(body.text) }] : w.comments,
    });
  });
}

/** Leaders of the office (whom a draft may be submitted to), from the server; the last list is kept for offline use. */
export async function officialsOf(db: VanthuDb): Promise<Array<{ id: string; fullName: string }>> {
  try {
    const { officials } = await apiCall<{ officials: Array<{ id: string; fullName: string }> }>(db, "/api/drafts/officials");
    await db.meta.put({ key: "officials", value: officials });
    return officials;
  } catch {
    return ((await db.meta.get("officials"))?.value as Array<{ id: string; fullName: string }> | undefined) ?? [];
  }
}

/**
 * Trình ký: the draft goes to the named official with a note. Its file goes with it (the first
 * revision on the server); the server takes the number from the register when it receives this.
 */
export async function submitForSigning(
  db: VanthuDb,
  draft: Draft,
  opts: { official: { id: string; fullName: string }; note: string; issuerSymbol: string; by: Person; offline?: boolean },
): Promise<void> {
  const sha = draft.documentSha256;
  if (!sha) throw new VanthuError("web.no-file", "Dự thảo chưa có tệp PDF để trình ký.", "Draft has no PDF");
  if (!draft.summary.trim()) throw new VanthuError("web.no-summary", "Hãy nhập trích yếu trước khi trình ký.", "Draft has no summary");
  const name = draft.fileName ?? "du-thao.pdf";
  let w = await db.workflow.get(draft.id);
  if (!w) {
    const now = toVietnamIso(new Date());
    const numbering = {
      registerId: "vb-di",
      typeCode: draft.typeCode,
      issuerSymbol: opts.issuerSymbol,
      ...(draft.unitSymbol ? { unitSymbol: draft.unitSymbol } : {}),
    };
    await db.transaction("rw", [db.workflow, db.outbox], async () => {
      const outboxId = await enqueue(db, "draft.step", draft.id, {
        mutation: {
          type: "draft.create",
          draftId: draft.id,
          subject: draft.summary.trim(),
          numbering,
          revision: { sha256: sha, name },
          particulars: particularsOf(draft),
        },
        blobs: [sha],
      });
      await db.workflow.put({
        id: draft.id,
        officeId: "",
        subject: draft.summary.trim(),
        numbering,
        state: "drafting",
        version: 0,
        createdBy: opts.by,
        createdAt: now,
        updatedAt: now,
        official: null,
        number: null,
        revisions: [{ n: 1, sha256: sha, name, kind: "draft", by: opts.by, at: now }],
        history: [{ step: "create", from: null, to: "drafting", by: opts.by, at: now }],
        comments: [],
        exchangeId: null,
        pending: [{ outboxId, step: "create", at: now }],
      });
    });
    w = (await db.workflow.get(draft.id))!;
  } else if (w.state !== "drafting" && w.state !== "returned") {
    throw new VanthuError("web.already-submitted", "Dự thảo đã được trình ký.", `Draft ${draft.id} is ${w.state}`);
  } else if (w.revisions.at(-1)?.sha256 !== sha) {
    // Returned and changed: the new file is a new revision before it goes again.
    await queueStep(
      db,
      draft.id,
      "revise",
      { type: "draft.revise", baseVersion: expectedVersion(w), revision: { sha256: sha, name }, particulars: particularsOf(draft) },
      { blobs: [sha], by: opts.by },
    );
    w = (await db.workflow.get(draft.id))!;
  }
  const base = w;
  await db.transaction("rw", [db.workflow, db.outbox, db.meta], async () => {
    // Offline, a number of this device's reserved block goes with the submission, shown as provisional.
    const reserved = opts.offline ? await takeReservedNumber(db) : undefined;
    await queueStep(
      db,
      draft.id,
      "submit",
      {
        type: "draft.submit",
        baseVersion: expectedVersion(base),
        officialId: opts.official.id,
        ...(opts.note.trim() ? { note: opts.note.trim() } : {}),
        ...(reserved ? { reservedNumber: reserved } : {}),
      },
      { by: opts.by, note: opts.note.trim() || undefined },
    );
    const after = (await db.workflow.get(draft.id))!;
    const shown = reserved && !after.number ? provisionalNumberAndSymbol(reserved, after.numbering) : undefined;
    await db.workflow.put({
      ...after,
      official: { id: opts.official.id, name: opts.official.fullName },
      ...(reserved && shown
        ? {
            number: {
              registerId: after.numbering.registerId ?? "vb-di",
              year: reserved.year,
              number: reserved.number,
              numberAndSymbol: shown,
              issueDate: isoDay(new Date()),
              assignedAt: toVietnamIso(new Date()),
              source: "reserved" as const,
            },
          }
        : {}),
    });
  });
}

export async function commentOn(db: VanthuDb, draftId: string, text: string, by: Person, page?: number): Promise<void> {
  if (!text.trim()) throw new VanthuError("web.empty-comment", "Hãy nhập nội dung góp ý.", "Empty comment");
  await queueStep(db, draftId, "comment", { type: "draft.comment", commentId: ulid(), text: text.trim(), ...(page ? { page } : {}) }, { by });
}

export async function returnWithReasons(db: VanthuDb, draftId: string, reasons: string, by: Person): Promise<void> {
  if (!reasons.trim()) throw new VanthuError("web.no-reasons", "Hãy ghi lý do trả lại để người soạn thảo sửa.", "Return needs reasons");
  const w = await db.workflow.get(draftId);
  await queueStep(db, draftId, "return", { type: "draft.return", baseVersion: expectedVersion(w), reasons: reasons.trim() }, { by, reasons: reasons.trim() });
}

export async function approve(db: VanthuDb, draftId: string, by: Person, note?: string): Promise<void> {
  const w = await db.workflow.get(draftId);
  await queueStep(
    db,
    draftId,
    "approve",
    { type: "draft.approve", baseVersion: expectedVersion(w), ...(note?.trim() ? { note: note.trim() } : {}) },
    { by, note: note?.trim() || undefined },
  );
}

/** The official's signed revision (number and date of issue written in it) goes back to the office. */
export async function recordSigned(db: VanthuDb, draftId: string, revision: { sha256: string; name: string }, by: Person): Promise<void> {
  const w = await db.workflow.get(draftId);
  await queueStep(db, draftId, "sign", { type: "draft.sign", baseVersion: expectedVersion(w), revision }, { blobs: [revision.sha256], by });
  const after = (await db.workflow.get(draftId))!;
  await db.workflow.put({
    ...after,
    revisions: [...after.revisions, { n: after.revisions.length + 1, ...revision, kind: "signed", by, at: toVietnamIso(new Date()) }],
  });
}

export async function cancelDraft(db: VanthuDb, draftId: string, reason: string, by: Person): Promise<void> {
  if (!reason.trim()) throw new VanthuError("web.no-reason", "Hãy ghi lý do hủy (số đã lấy sẽ được hủy với lý do này).", "Cancel needs a reason");
  const w = await db.workflow.get(draftId);
  await queueStep(db, draftId, "cancel", { type: "draft.cancel", baseVersion: expectedVersion(w), reason: reason.trim() }, { by, reasons: reason.trim() });
}

/** The draft.issue step that goes with the register entry of the issue (sync/mapping.ts, outgoing.issue). */
export async function issueStepOf(db: VanthuDb, draftId: string, revision: { sha256: string; name: string }): Promise<DraftStepBody | undefined> {
  const w = await db.workflow.get(draftId);
  if (!w) return undefined;
  return { type: "draft.issue", draftId, baseVersion: expectedVersion(w), revision };
}
