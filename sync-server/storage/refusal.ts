import type { ApiError, Assigned, CurrentRecord, MutationResult } from "../../shared/sync/schemas.ts";

/**
 * A mutation the server will not apply: outside the rule table, not possible in the record's
 * state (refused), or based on a version that is no longer current (conflict, with the server's
 * record). Thrown by a handler before its first write, so that the rest of the batch goes on.
 */
export class MutationRefused extends Error {
  constructor(
    readonly error: ApiError,
    readonly current?: CurrentRecord,
  ) {
    super(error.message);
    this.name = "MutationRefused";
  }
}

export const refuse = (code: string, messageVi: string, messageEn: string, details?: unknown) =>
  new MutationRefused({ code, message: messageEn, messageVi, ...(details !== undefined ? { details } : {}) });

export const conflict = (current: CurrentRecord, what = "bản ghi") =>
  new MutationRefused(
    {
      code: "conflict",
      message: `${current.entity} ${current.id} changed on the server (now version ${current.version}); nothing was written`,
      messageVi: `${what[0]!.toLocaleUpperCase("vi")}${what.slice(1)} đã được người khác thay đổi trên máy chủ (phiên bản ${current.version}); thay đổi của bạn chưa được ghi. Hãy xem bản mới và làm lại.`,
    },
    current,
  );

/** A mutation's answer: applied with what it was assigned, or refused / a conflict (with the server's record). */
export function answerOf(mutationId: string, a: Assigned | MutationRefused): MutationResult {
  if (!(a instanceof MutationRefused)) return { mutationId, status: "applied", assigned: a };
  return { mutationId, status: a.current ? "conflict" : "refused", assigned: {}, error: a.error, ...(a.current ? { current: a.current } : {}) };
}
