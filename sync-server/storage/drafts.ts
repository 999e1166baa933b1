import { formatNumberAndSymbol, numberAndSymbolKey } from "../../shared/domain/number-symbol.ts";
import { isVanthuError } from "../../shared/errors.ts";
import { DRAFT_ENTITY, type Draft, type DraftMutation, type DraftNumber } from "../../shared/sync/drafts.ts";
import { actionRefusal } from "../../shared/sync/rules.ts";
import type { Assigned, BlobRefInput, DocumentHeader } from "../../shared/sync/schemas.ts";
import { stamp } from "../clock/qlvb-clock.ts";
import { addComment, applyStep, assertStepAllowed, latestRevision, newDraft, stepOf, type StepChange, type StepContext } from "../drafts/machine.ts";
import type { AuditRepository } from "./audit.ts";
import type { BlobRepository } from "./blobs.ts";
import type { Acting, StorageContext, Tx } from "./context.ts";
import type { RecordRepository } from "./records.ts";
import { conflict, refuse } from "./refusal.ts";
import type { RegisterRepository } from "./registers.ts";
import { toUser } from "./context.ts";

/**
 * Drafts (trình ký) as office records of entity `draft.document`, moved only by the server:
 * each step checked against the rule table, the draft's version, its state, its named official
 * and its blobs; numbers from the register; every step chained in the office's audit trail.
 */
export class DraftRepository {
  constructor(
    private readonly ctx: StorageContext,
    private readonly records: RecordRepository,
    private readonly blobs: BlobRepository,
    private readonly registers: RegisterRepository,
    private readonly audit: AuditRepository,
  ) {}

  async get(trx: Tx, officeId: string, draftId: string): Promise<{ draft: Draft; recordVersion: number } | undefined> {
    const r = await this.records.get(trx, officeId, DRAFT_ENTITY, draftId);
    return r && r.data && !r.deleted ? { draft: r.data as unknown as Draft, recordVersion: r.version } : undefined;
  }

  async list(officeId: string, state?: string): Promise<Draft[]> {
    const rows = await this.ctx.db
      .selectFrom("records")
      .select("data")
      .where("office_id", "=", officeId)
      .where("entity", "=", DRAFT_ENTITY)
      .where("deleted", "=", 0)
      .orderBy("updated_at", "desc")
      .execute();
    const drafts = rows.map((r) => JSON.parse(r.data!) as Draft);
    return state ? drafts.filter((d) => d.state === state) : drafts;
  }

  /** The leaders of the office: whom a draft can be submitted to. */
  async officials(officeId: string): Promise<{ id: string; fullName: string }[]> {
    const rows = await this.ctx.db.selectFrom("users").selectAll().where("office_id", "=", officeId).where("disabled", "=", 0).orderBy("full_name").execute();
    return rows
      .map(toUser)
      .filter((u) => u.roles.includes("leader"))
      .map((u) => ({ id: u.id, fullName: u.fullName }));
  }

  async apply(trx: Tx, acting: Acting, m: DraftMutation): Promise<Assigned> {
    if (!acting.trusted) {
      const refusal = actionRefusal(m.type, acting.roles, acting.where);
      if (refusal) throw refuse(refusal.code, refusal.messageVi, refusal.messageEn, { draftId: m.draftId });
    }
    const ctx: StepContext = { by: acting.person, at: stamp(this.ctx.clock), clientTime: m.clientTime };
    const found = await this.get(trx, acting.officeId, m.draftId);
    if (m.type === "draft.create") {
      if (found) throw refuse("draft_exists", "Đã có dự thảo với mã này.", `Draft ${m.draftId} exists`);
      checkNumbering(m.numbering);
      await this.requireBlob(trx, acting.officeId, m.revision.sha256, m.revision.name);
      const draft = newDraft(
        {
          id: m.draftId,
          officeId: acting.officeId,
          subject: m.subject,
          numbering: m.numbering,
          revision: m.revision,
          ...(m.note ? { note: m.note } : {}),
          ...(m.particulars ? { particulars: m.particulars } : {}),
        },
        ctx,
      );
      await this.store(trx, acting, draft, 0, m.clientTime);
      await this.audit.append(trx, acting.officeId, {
        action: "draft",
        actor: acting.person,
        summary: `Tạo dự thảo "${draft.subject}".`,
        subject: { kind: "document", id: m.revision.sha256, label: draft.subject },
        details: { draftId: draft.id, step: "create" },
      });
      return { version: draft.version };
    }
    if (!found) throw refuse("not_found", "Không tìm thấy dự thảo này.", `Draft ${m.draftId} not found`);
    const { draft, recordVersion } = found;
    if (m.type === "draft.comment") {
      const next = addComment(draft, { id: m.commentId, text: m.text, ...(m.page ? { page: m.page } : {}) }, ctx);
      if (next !== draft) await this.store(trx, acting, next, recordVersion, m.clientTime);
      return { version: draft.version };
    }
    if (m.baseVersion !== draft.version) {
      throw conflict(
        {
          entity: DRAFT_ENTITY,
          id: draft.id,
          version: draft.version,
          deleted: false,
          data: draft as unknown as Record<string, unknown>,
          updatedAt: draft.updatedAt,
          updatedBy: draft.history.at(-1)?.by.id ?? "",
        },
        "dự thảo",
      );
    }
    const step = stepOf(m.type) as Exclude<ReturnType<typeof stepOf>, "create" | "comment">;
    if ((m.type === "draft.return" || m.type === "draft.approve" || m.type === "draft.sign") && !acting.trusted && draft.official?.id !== acting.userId) {
      throw refuse(
        "not_named_official",
        `Chỉ ${draft.official?.name ?? "lãnh đạo được trình"} mới được ${m.type === "draft.return" ? "trả lại" : m.type === "draft.approve" ? "duyệt" : "ký"} dự thảo này.`,
        `Only the named official may ${step} this draft`,
      );
    }
    assertStepAllowed(draft, step);
    const change = await this.changeOf(trx, acting, draft, m);
    const next = applyStep(draft, step, change, ctx);
    await this.store(trx, acting, next, recordVersion, m.clientTime);
    await this.auditStep(trx, acting, next, step, change);
    return { version: next.version, ...(next.number ? { number: next.number } : {}) };
  }

  /** What a step brings: its revision (blob checked), the official and number of a submission, the cancelled number. */
  private async changeOf(trx: Tx, acting: Acting, draft: Draft, m: Exclude<DraftMutation, { type: "draft.create" | "draft.comment" }>): Promise<StepChange> {
    switch (m.type) {
      case "draft.revise":
        await this.requireBlob(trx, acting.officeId, m.revision.sha256, m.revision.name);
        return {
          revision: { ...m.revision, kind: "draft" },
          ...(m.note ? { note: m.note } : {}),
          ...(m.subject ? { subject: m.subject } : {}),
          ...(m.particulars ? { particulars: m.particulars } : {}),
        };
      case "draft.submit": {
        const official = await this.official(trx, acting.officeId, m.officialId);
        const number = draft.number ?? (await this.takeNumber(trx, acting, draft, m.reservedNumber));
        return { official, number, ...(m.note ? { note: m.note } : {}) };
      }
      case "draft.return":
        return { reasons: m.reasons };
      case "draft.approve":
        return m.note ? { note: m.note } : {};
      case "draft.sign":
        await this.requireBlob(trx, acting.officeId, m.revision.sha256, m.revision.name);
        return { revision: { ...m.revision, kind: "signed" } };
      case "draft.issue":
        await this.requireBlob(trx, acting.officeId, m.revision.sha256, m.revision.name);
        return { revision: { ...m.revision, kind: "issued" } };
      case "draft.cancel":
        if (draft.number)
          await this.registers.cancel(
            trx,
            acting.officeId,
            draft.number.registerId,
            draft.number.year,
            draft.number.number,
            `Hủy dự thảo "${draft.subject}": ${m.reason}`,
            acting.person,
            { draftId: draft.id },
          );
        return { reasons: m.reason };
    }
  }

  private async takeNumber(trx: Tx, acting: Acting, draft: Draft, reserved: { year: number; number: number } | undefined): Promise<DraftNumber> {
    const n = draft.numbering;
    const registerId = n.registerId ?? "vb-di";
    const format = (number: number) =>
      formatNumberAndSymbol({ number, typeCode: n.typeCode, issuerSymbol: n.issuerSymbol, ...(n.unitSymbol ? { unitSymbol: n.unitSymbol } : {}) });
    const row = reserved
      ? await this.registers.useReserved(trx, acting.officeId, registerId, reserved.year, reserved.number, draft.id, format(reserved.number))
      : await this.registers.take(trx, acting.officeId, registerId, draft.id, format);
    return {
      registerId,
      year: row.year,
      number: row.number,
      numberAndSymbol: row.numberAndSymbol!,
      issueDate: row.assignedAt!.slice(0, 10),
      assignedAt: row.assignedAt!,
      source: reserved ? "reserved" : "register",
    };
  }

  private async official(trx: Tx, officeId: string, userId: string) {
    const r = await trx.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirst();
    const u = r ? toUser(r) : undefined;
    if (!u || u.officeId !== officeId || u.disabled || !u.roles.includes("leader")) {
      throw refuse(
        "bad_official",
        "Người được trình phải là lãnh đạo đang làm việc của cơ quan mình.",
        `User ${userId} is not an active leader of this office`,
      );
    }
    return { id: u.id, name: u.fullName };
  }

  private async requireBlob(trx: Tx, officeId: string, sha256: string, name: string) {
    if (!(await this.blobs.canRead(officeId, sha256, trx))) {
      throw refuse("blob_missing", `Tệp ${name} chưa được tải lên máy chủ; hãy tải lên trước.`, `Blob ${sha256} has not been uploaded by this office`);
    }
  }

  private async store(trx: Tx, acting: Acting, draft: Draft, expectedRecordVersion: number, clientTime: string) {
    const v = await this.records.write(trx, acting, DRAFT_ENTITY, draft.id, JSON.stringify(draft), expectedRecordVersion, clientTime);
    if (v === undefined) {
      const now = await this.get(trx, acting.officeId, draft.id);
      const d = now?.draft ?? draft;
      throw conflict(
        {
          entity: DRAFT_ENTITY,
          id: d.id,
          version: d.version,
          deleted: false,
          data: d as unknown as Record<string, unknown>,
          updatedAt: d.updatedAt,
          updatedBy: "",
        },
        "dự thảo",
      );
    }
  }

  private async auditStep(trx: Tx, acting: Acting, draft: Draft, step: string, change: StepChange) {
    const doc = latestRevision(draft)!;
    const label = draft.number?.numberAndSymbol ?? draft.subject;
    const summary: Record<string, string> = {
      revise: `Sửa dự thảo "${draft.subject}" (bản ${doc.n}).`,
      submit: `Trình ký dự thảo "${draft.subject}" lên ${draft.official?.name ?? ""}; cấp số ${draft.number?.numberAndSymbol ?? ""} ngày ${draft.number ? draft.number.issueDate.split("-").reverse().join("/") : ""}.`,
      return: `Trả lại dự thảo "${draft.subject}". Lý do: ${change.reasons ?? ""}`,
      approve: `Duyệt dự thảo "${draft.subject}", chờ ký tại máy tính.`,
      sign: `Ký số văn bản ${label} (bản đã ký ${doc.n}).`,
      issue: `Phát hành văn bản ${label} (ký số của cơ quan, bản ${doc.n}).`,
      cancel: `Hủy dự thảo "${draft.subject}". Lý do: ${change.reasons ?? ""}`,
    };
    const action = step === "sign" ? "signing" : step === "issue" ? "issue" : "draft";
    await this.audit.append(trx, acting.officeId, {
      action,
      actor: acting.person,
      summary: summary[step] ?? `${step} ${draft.subject}`,
      subject: { kind: "document", id: doc.sha256, label },
      details: { draftId: draft.id, step, revision: doc.n, version: draft.version },
    });
  }

  /** Before an exchange.send that names a draft: the draft must be issued, and the header and main file must be the draft's. */
  async checkSendable(
    trx: Tx,
    officeId: string,
    draftId: string,
    header: DocumentHeader,
    blobs: BlobRefInput[],
  ): Promise<{ draft: Draft; recordVersion: number }> {
    const found = await this.get(trx, officeId, draftId);
    if (!found) throw refuse("not_found", "Không tìm thấy dự thảo của văn bản gửi.", `Draft ${draftId} not found`);
    const { draft } = found;
    if (draft.state !== "issued") throw refuse("draft_wrong_state", "Chỉ gửi được văn bản đã phát hành.", `Draft ${draftId} is ${draft.state}, not issued`);
    const nas = `${header.codeNumber}/${header.codeNotation}`;
    // "1/UBND-VP" and "01/UBND-VP" are one number: leading zeros and case do not differ (ND30 prints 01).
    if (draft.number && numberAndSymbolKey(nas) !== numberAndSymbolKey(draft.number.numberAndSymbol)) {
      throw refuse(
        "number_mismatch",
        `Số, ký hiệu gửi đi (${nas}) khác số trong sổ (${draft.number.numberAndSymbol}).`,
        `Header number ${nas} differs from the register's ${draft.number.numberAndSymbol}`,
      );
    }
    const issued = latestRevision(draft, "issued");
    const main = blobs.find((b) => b.role === "main");
    if (!issued || main?.sha256 !== issued.sha256) {
      throw refuse("file_mismatch", "Tệp chính gửi đi không phải bản đã phát hành của dự thảo.", "The main blob is not the draft's issued revision");
    }
    return found;
  }

  async markSent(trx: Tx, acting: Acting, found: { draft: Draft; recordVersion: number }, exchangeId: string, clientTime: string): Promise<void> {
    const next = applyStep(found.draft, "send", { exchangeId }, { by: acting.person, at: stamp(this.ctx.clock), clientTime });
    await this.store(trx, acting, next, found.recordVersion, clientTime);
  }
}

function checkNumbering(n: { typeCode: string; issuerSymbol: string; unitSymbol?: string | undefined }) {
  try {
    formatNumberAndSymbol({ number: 1, typeCode: n.typeCode, issuerSymbol: n.issuerSymbol, ...(n.unitSymbol ? { unitSymbol: n.unitSymbol } : {}) });
  } catch (e) {
    if (isVanthuError(e)) throw refuse(`draft.${e.code}`, e.messageVi, e.message);
    throw e;
  }
}
