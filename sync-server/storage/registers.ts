import { REGISTER_NUMBER_ENTITY, type RegisterNumber } from "../../shared/sync/registers.ts";
import type { Person } from "../../shared/sync/schemas.ts";
import { vietnamYear } from "../../shared/sync/time.ts";
import { stamp } from "../clock/qlvb-clock.ts";
import type { AuditRepository } from "./audit.ts";
import type { StorageContext, Tx } from "./context.ts";
import { nextCounter } from "./counters.ts";
import type { ChangeFeed } from "./feed.ts";
import { refuse } from "./refusal.ts";
import type { Database } from "./schema.ts";

const counterName = (registerId: string) => `outgoing:${registerId}`;

/**
 * The numbers of the office's outgoing registers (Nghị định 30/2020: one sequence per
 * register per year). Every number taken from the sequence becomes a row and stays one:
 * reserved for a device, assigned to a draft, or cancelled with its reason.
 */
export class RegisterRepository {
  constructor(
    private readonly ctx: StorageContext,
    private readonly feed: ChangeFeed,
    private readonly audit: AuditRepository,
  ) {}

  /** The next number of the register's current year, assigned to a draft now. */
  async take(trx: Tx, officeId: string, registerId: string, draftId: string, format: (n: number) => string): Promise<RegisterNumber> {
    const now = this.ctx.clock.now();
    const year = vietnamYear(now);
    const number = await nextCounter(trx, officeId, counterName(registerId), year);
    const at = stamp(this.ctx.clock);
    const row = {
      office_id: officeId,
      register_id: registerId,
      year,
      number,
      state: "assigned",
      draft_id: draftId,
      number_and_symbol: format(number),
      reserved_by: null,
      reserved_for_client: null,
      reserved_at: null,
      assigned_at: at,
      cancelled_at: null,
      cancelled_by: null,
      cancel_reason: null,
    };
    await trx.insertInto("register_numbers").values(row).execute();
    await this.emit(trx, row, at);
    return toNumber(row);
  }

  /** A block of numbers kept for one device, to be used offline. */
  async reserve(trx: Tx, officeId: string, registerId: string, count: number, by: Person, clientId: string): Promise<{ year: number; numbers: number[] }> {
    const year = vietnamYear(this.ctx.clock.now());
    const at = stamp(this.ctx.clock);
    const numbers: number[] = [];
    for (let i = 0; i < count; i++) {
      const number = await nextCounter(trx, officeId, counterName(registerId), year);
      const row = {
        office_id: officeId,
        register_id: registerId,
        year,
        number,
        state: "reserved",
        draft_id: null,
        number_and_symbol: null,
        reserved_by: JSON.stringify(by),
        reserved_for_client: clientId,
        reserved_at: at,
        assigned_at: null,
        cancelled_at: null,
        cancelled_by: null,
        cancel_reason: null,
      };
      await trx.insertInto("register_numbers").values(row).execute();
      await this.emit(trx, row, at);
      numbers.push(number);
    }
    await this.audit.append(trx, officeId, {
      action: "number",
      actor: by,
      summary: `Giữ trước ${count} số văn bản đi của sổ ${registerId} năm ${year} cho một máy trạm: ${numbers.join(", ")}.`,
      subject: { kind: "register-number", id: `${registerId}:${year}:${numbers[0]}`, label: `${registerId} ${year}` },
      details: { registerId, year, numbers, clientId },
    });
    return { year, numbers };
  }

  /** Assigns a number this office reserved earlier to a draft; refused when it is not (or no longer) a free reservation of this year. */
  async useReserved(
    trx: Tx,
    officeId: string,
    registerId: string,
    year: number,
    number: number,
    draftId: string,
    numberAndSymbol: string,
  ): Promise<RegisterNumber> {
    const currentYear = vietnamYear(this.ctx.clock.now());
    if (year !== currentYear) {
      throw refuse(
        "number_year_passed",
        `Số giữ trước ${number} thuộc năm ${year}; sổ năm ${currentYear} đánh số lại từ 01. Hãy lấy số mới.`,
        `Reserved number ${number} is of ${year}, the register is now in ${currentYear}`,
      );
    }
    const at = stamp(this.ctx.clock);
    const updated = await trx
      .updateTable("register_numbers")
      .set({ state: "assigned", draft_id: draftId, number_and_symbol: numberAndSymbol, assigned_at: at })
      .where("office_id", "=", officeId)
      .where("register_id", "=", registerId)
      .where("year", "=", year)
      .where("number", "=", number)
      .where("state", "=", "reserved")
      .returningAll()
      .executeTakeFirst();
    if (!updated) {
      const row = await this.get(trx, officeId, registerId, year, number);
      const why = !row ? "không được giữ trước" : row.state === "assigned" ? `đã cấp cho văn bản ${row.number_and_symbol ?? ""}`.trim() : "đã bị hủy";
      throw refuse(
        "number_not_reserved",
        `Số ${number}/${year} của sổ ${registerId} ${why}; không dùng được.`,
        `Number ${number}/${year} of register ${registerId} is not a free reservation (${row?.state ?? "unknown"})`,
      );
    }
    await this.emit(trx, updated, at);
    return toNumber(updated);
  }

  /** Cancels a number with its reason: a free reservation (number.cancel), or the number of a cancelled draft. */
  async cancel(
    trx: Tx,
    officeId: string,
    registerId: string,
    year: number,
    number: number,
    reason: string,
    by: Person,
    options: { draftId?: string } = {},
  ): Promise<RegisterNumber> {
    const at = stamp(this.ctx.clock);
    let q = trx
      .updateTable("register_numbers")
      .set({ state: "cancelled", cancelled_at: at, cancelled_by: JSON.stringify(by), cancel_reason: reason })
      .where("office_id", "=", officeId)
      .where("register_id", "=", registerId)
      .where("year", "=", year)
      .where("number", "=", number);
    q = options.draftId ? q.where("state", "=", "assigned").where("draft_id", "=", options.draftId) : q.where("state", "=", "reserved");
    const updated = await q.returningAll().executeTakeFirst();
    if (!updated) {
      const row = await this.get(trx, officeId, registerId, year, number);
      const why = !row
        ? "không có trong sổ"
        : row.state === "assigned"
          ? `đã cấp cho văn bản ${row.number_and_symbol ?? ""}; hãy hủy dự thảo đó`.trim()
          : "đã bị hủy trước đó";
      throw refuse(
        "number_not_cancellable",
        `Không hủy được số ${number}/${year}: số này ${why}.`,
        `Number ${number}/${year} of ${registerId} cannot be cancelled (${row?.state ?? "unknown"})`,
      );
    }
    await this.emit(trx, updated, at);
    await this.audit.append(trx, officeId, {
      action: "number",
      actor: by,
      summary: `Hủy số ${updated.number_and_symbol ?? number} (sổ ${registerId} năm ${year}). Lý do: ${reason}`,
      subject: { kind: "register-number", id: `${registerId}:${year}:${number}`, label: updated.number_and_symbol ?? String(number) },
      details: { registerId, year, number, reason },
    });
    return toNumber(updated);
  }

  private async get(trx: Tx, officeId: string, registerId: string, year: number, number: number) {
    return trx
      .selectFrom("register_numbers")
      .selectAll()
      .where("office_id", "=", officeId)
      .where("register_id", "=", registerId)
      .where("year", "=", year)
      .where("number", "=", number)
      .executeTakeFirst();
  }

  async list(officeId: string, registerId: string, year: number): Promise<RegisterNumber[]> {
    const rows = await this.ctx.db
      .selectFrom("register_numbers")
      .selectAll()
      .where("office_id", "=", officeId)
      .where("register_id", "=", registerId)
      .where("year", "=", year)
      .orderBy("number")
      .execute();
    return rows.map(toNumber);
  }

  private async emit(trx: Tx, row: Database["register_numbers"], at: string) {
    await this.feed.emit(
      trx,
      row.office_id,
      REGISTER_NUMBER_ENTITY,
      `${row.register_id}:${row.year}:${row.number}`,
      "put",
      JSON.stringify(toNumber(row)),
      null,
      at,
    );
  }
}

function toNumber(r: Database["register_numbers"]): RegisterNumber {
  const person = (s: string | null) => (s ? (JSON.parse(s) as Person) : null);
  return {
    registerId: r.register_id,
    year: Number(r.year),
    number: Number(r.number),
    state: r.state as RegisterNumber["state"],
    reservedBy: person(r.reserved_by),
    reservedForClient: r.reserved_for_client,
    reservedAt: r.reserved_at,
    draftId: r.draft_id,
    numberAndSymbol: r.number_and_symbol,
    assignedAt: r.assigned_at,
    cancelledAt: r.cancelled_at,
    cancelledBy: person(r.cancelled_by),
    cancelReason: r.cancel_reason,
  };
}
