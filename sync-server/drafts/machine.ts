import {
  DRAFT_STATE_LABELS_VI,
  DRAFT_STEP_LABELS_VI,
  type Draft,
  type DraftEvent,
  type DraftMutation,
  type DraftNumber,
  type DraftState,
  type DraftStep,
} from "../../shared/sync/drafts.ts";
import type { Person } from "../../shared/sync/schemas.ts";
import { refuse } from "../storage/refusal.ts";

/**
 * The trình ký state machine, without storage: which step may follow which state, and what
 * each step changes in the draft. The repository (storage/drafts.ts) checks roles, versions,
 * blobs and the official, then stores what this returns.
 */
export const STEP_FROM: Record<Exclude<DraftStep, "create">, readonly DraftState[]> = {
  revise: ["drafting", "returned"],
  submit: ["drafting", "returned"],
  comment: ["drafting", "submitted", "returned", "approved", "signed", "issued", "sent"],
  return: ["submitted", "approved"],
  approve: ["submitted"],
  sign: ["submitted", "approved"],
  issue: ["signed"],
  send: ["issued"],
  cancel: ["drafting", "submitted", "returned", "approved", "signed"],
};

const STEP_TO: Record<Exclude<DraftStep, "create" | "comment">, DraftState> = {
  revise: "drafting",
  submit: "submitted",
  return: "returned",
  approve: "approved",
  sign: "signed",
  issue: "issued",
  send: "sent",
  cancel: "cancelled",
};

export interface StepContext {
  by: Person;
  /** QLVB time of the step. */
  at: string;
  clientTime?: string;
}

export function stepOf(type: DraftMutation["type"] | "send"): DraftStep {
  return (type === "send" ? "send" : type.slice("draft.".length)) as DraftStep;
}

/** Refuses a step the draft's state does not allow, naming both in Vietnamese. */
export function assertStepAllowed(draft: Draft, step: Exclude<DraftStep, "create">): void {
  if (!STEP_FROM[step].includes(draft.state)) {
    throw refuse(
      "draft_wrong_state",
      `Không thể ${DRAFT_STEP_LABELS_VI[step].toLocaleLowerCase("vi")} khi dự thảo đang ở trạng thái "${DRAFT_STATE_LABELS_VI[draft.state]}".`,
      `Step ${step} is not allowed in state ${draft.state}`,
      { state: draft.state, step },
    );
  }
}

export function newDraft(
  input: {
    id: string;
    officeId: string;
    subject: string;
    numbering: Draft["numbering"];
    revision: { sha256: string; name: string };
    note?: string;
    particulars?: Draft["particulars"];
  },
  ctx: StepContext,
): Draft {
  return {
    id: input.id,
    officeId: input.officeId,
    subject: input.subject,
    numbering: input.numbering,
    state: "drafting",
    version: 1,
    createdBy: ctx.by,
    createdAt: ctx.at,
    updatedAt: ctx.at,
    official: null,
    number: null,
    revisions: [{ n: 1, sha256: input.revision.sha256, name: input.revision.name, kind: "draft", by: ctx.by, at: ctx.at }],
    history: [
      {
        step: "create",
        from: null,
        to: "drafting",
        by: ctx.by,
        at: ctx.at,
        ...(ctx.clientTime ? { clientTime: ctx.clientTime } : {}),
        revision: 1,
        ...(input.note ? { note: input.note } : {}),
      },
    ],
    comments: [],
    exchangeId: null,
    ...(input.particulars ? { particulars: input.particulars } : {}),
  };
}

export interface StepChange {
  note?: string;
  reasons?: string;
  revision?: { sha256: string; name: string; kind: "draft" | "signed" | "issued" };
  official?: Person;
  number?: DraftNumber;
  subject?: string;
  exchangeId?: string;
  particulars?: Draft["particulars"];
}

/** The draft after a state step (not create, not comment): a new version, the step in its history. */
export function applyStep(draft: Draft, step: Exclude<DraftStep, "create" | "comment">, change: StepChange, ctx: StepContext): Draft {
  assertStepAllowed(draft, step);
  const revisions = [...draft.revisions];
  let revisionNo: number | undefined;
  if (change.revision) {
    revisionNo = revisions.length + 1;
    revisions.push({ n: revisionNo, sha256: change.revision.sha256, name: change.revision.name, kind: change.revision.kind, by: ctx.by, at: ctx.at });
  }
  const to = STEP_TO[step];
  const event: DraftEvent = {
    step,
    from: draft.state,
    to,
    by: ctx.by,
    at: ctx.at,
    ...(ctx.clientTime ? { clientTime: ctx.clientTime } : {}),
    ...(change.note ? { note: change.note } : {}),
    ...(change.reasons ? { reasons: change.reasons } : {}),
    ...(revisionNo ? { revision: revisionNo } : {}),
    ...(change.official ? { official: change.official } : {}),
    ...(change.number ? { numberAndSymbol: change.number.numberAndSymbol } : {}),
  };
  return {
    ...draft,
    state: to,
    version: draft.version + 1,
    updatedAt: ctx.at,
    subject: change.subject ?? draft.subject,
    official: change.official ?? draft.official,
    number: change.number ?? draft.number,
    exchangeId: change.exchangeId ?? draft.exchangeId,
    ...(change.particulars ? { particulars: change.particulars } : {}),
    revisions,
    history: [...draft.history, event],
  };
}

/** Comments append: they do not change the version a step is based on, so they never conflict with one. */
export function addComment(draft: Draft, comment: { id: string; text: string; page?: number }, ctx: StepContext): Draft {
  assertStepAllowed(draft, "comment");
  if (draft.comments.some((c) => c.id === comment.id)) return draft;
  return {
    ...draft,
    updatedAt: ctx.at,
    comments: [...draft.comments, { id: comment.id, by: ctx.by, at: ctx.at, text: comment.text, ...(comment.page ? { page: comment.page } : {}) }],
  };
}

/** The latest revision of a kind (the file the next step works on). */
export function latestRevision(draft: Draft, kind?: "draft" | "signed" | "issued") {
  return [...draft.revisions].reverse().find((r) => !kind || r.kind === kind);
}
