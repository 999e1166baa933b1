import { ulid } from "ulid";
import { formatNumberAndSymbol, toVietnamIso } from "../../../shared/domain/index.ts";
import { VanthuError } from "../../../shared/errors.ts";
import { DEFAULT_OUTGOING_REGISTER, MAX_RESERVED_BLOCK, type RegisterNumber } from "../../../shared/sync/registers.ts";
import { PushResponse, type SessionInfo } from "../../../shared/sync/schemas.ts";
import { vietnamYear } from "../../../shared/sync/time.ts";
import type { VanthuDb } from "../db/schema.ts";
import { apiCall, serverApi } from "../sync/api.ts";

/**
 * Số giữ trước (shared/sync/registers.ts): while online, the văn thư reserves a small block of
 * the outgoing register's numbers for this device; a draft submitted while offline takes one,
 * shown as provisional ("số tạm") until the server confirms it. A reserved number never used is
 * cancelled with a reason, so the register shows what became of every number. Reserving is the
 * person's choice: each reserved number leaves the register's running sequence.
 */
export interface ReservedBlock {
  registerId: string;
  year: number;
  numbers: number[];
}

const KEY = "reservedNumbers";

export async function reservedBlock(db: VanthuDb): Promise<ReservedBlock | undefined> {
  return (await db.meta.get(KEY))?.value as ReservedBlock | undefined;
}

/** The session's device id, as the sync client names itself to the server. */
function clientIdOf(s: SessionInfo): string {
  return s.user.id.replace(/[^0-9A-Za-z_-]/g, "_").slice(0, 64) || "web";
}

/** One act on the register, sent at once (never queued: a reservation made offline would mean nothing). */
async function pushNow(db: VanthuDb, mutation: Record<string, unknown>) {
  const s = (await db.meta.get("session"))?.value as SessionInfo | undefined;
  if (!s) throw new VanthuError("sync.signed-out", "Hãy đăng nhập (mục Đồng bộ).", "Not signed in");
  const api = await serverApi(db);
  const body = { clientId: clientIdOf(s), mutations: [{ id: ulid(), clientTime: toVietnamIso(new Date()), ...mutation }] };
  const res = await api.json("/api/sync/push", PushResponse, { method: "POST", body: JSON.stringify(body) });
  const r = res.results[0];
  if (!r || r.status === "refused" || r.status === "conflict")
    throw new VanthuError("web.register-refused", r?.error?.messageVi ?? "Máy chủ không nhận thao tác này.", r?.error?.message ?? "Refused");
  return r.assigned;
}

/** Reserve `count` more numbers for this device; numbers of a past year are dropped from the stock (the server no longer takes them). */
export async function reserveNumbers(db: VanthuDb, count: number): Promise<ReservedBlock> {
  if (!Number.isInteger(count) || count < 1 || count > MAX_RESERVED_BLOCK)
    throw new VanthuError("web.reserve-count", `Mỗi lần giữ trước từ 1 đến ${MAX_RESERVED_BLOCK} số.`, `Reserve count ${count} out of range`);
  const a = await pushNow(db, { type: "number.reserve", registerId: DEFAULT_OUTGOING_REGISTER, count });
  if (!a.reserved) throw new VanthuError("web.reserve-empty", "Máy chủ không cấp số giữ trước.", "No reserved numbers in answer");
  const kept = await reservedBlock(db);
  const same = kept && kept.year === a.reserved.year ? kept.numbers : [];
  const block = { registerId: a.reserved.registerId, year: a.reserved.year, numbers: [...new Set([...same, ...a.reserved.numbers])].sort((x, y) => x - y) };
  await db.meta.put({ key: KEY, value: block });
  return block;
}

/** Cancel one reserved number with the person's reason; it leaves this device's stock once the server has recorded it. */
export async function cancelReservedNumber(db: VanthuDb, year: number, number: number, reason: string): Promise<void> {
  if (!reason.trim()) throw new VanthuError("web.no-reason", "Hãy ghi lý do hủy số (sổ đăng ký ghi lại lý do này).", "Cancel needs a reason");
  await pushNow(db, { type: "number.cancel", registerId: DEFAULT_OUTGOING_REGISTER, year, number, reason: reason.trim() });
  await db.transaction("rw", db.meta, async () => {
    const b = await reservedBlock(db);
    if (b && b.year === year) await db.meta.put({ key: KEY, value: { ...b, numbers: b.numbers.filter((n) => n !== number) } });
  });
}

/**
 * The number for a draft submitted while offline: the lowest of this year's stock, taken out of
 * it in the same transaction as the submission is queued (the caller's). None → undefined: the
 * server numbers the draft when the submission reaches it.
 */
export async function takeReservedNumber(db: VanthuDb, now = new Date()): Promise<{ year: number; number: number } | undefined> {
  const b = await reservedBlock(db);
  const year = vietnamYear(now);
  if (!b || b.year !== year || b.numbers.length === 0) return undefined;
  const [number, ...rest] = b.numbers;
  await db.meta.put({ key: KEY, value: { ...b, numbers: rest } });
  return { year, number: number! };
}

/** The number and symbol a reserved number will carry, shown as "số tạm" until the server answers. */
export function provisionalNumberAndSymbol(
  n: { number: number },
  numbering: { typeCode: string; issuerSymbol: string; unitSymbol?: string | undefined },
): string | undefined {
  try {
    return formatNumberAndSymbol({
      number: n.number,
      typeCode: numbering.typeCode,
      issuerSymbol: numbering.issuerSymbol,
      ...(numbering.unitSymbol ? { unitSymbol: numbering.unitSymbol } : {}),
    });
  } catch {
    return undefined;
  }
}

/** The register's numbers of the year as the server keeps them (reserved, assigned, cancelled with reason). */
export async function registerNumbers(db: VanthuDb, year: number): Promise<RegisterNumber[]> {
  const r = await apiCall<{ numbers: RegisterNumber[] }>(db, `/api/registers/${DEFAULT_OUTGOING_REGISTER}/numbers?year=${year}`);
  return r.numbers;
}
