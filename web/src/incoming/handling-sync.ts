import { registerColumnsFromHandling, type IncomingHandling } from "../../../shared/domain/incoming/index.ts";
import { documentTypeByCode, searchTokens } from "../../../shared/domain/index.ts";
import type { VanthuDb } from "../db/schema.ts";

/**
 * A handling record pulled from the server (written there with QLVB times): the incoming
 * register's "Đơn vị hoặc người nhận", "Ngày chuyển" and "Ký nhận" columns and its state are
 * filled from it, so the clerk types none of them and the printed register shows them.
 */
export async function applyPulledHandling(db: VanthuDb, data: Record<string, unknown>): Promise<void> {
  const h = data as unknown as IncomingHandling;
  if (typeof h.id !== "string" || !Array.isArray(h.history)) return;
  const entry = await db.incoming.get(h.id);
  if (!entry) return;
  const cols = registerColumnsFromHandling(h);
  const status = h.state === "done" ? "done" : h.state === "registered" ? "registered" : "in-progress";
  const next = {
    ...entry,
    handler: cols.handler || entry.handler,
    handedOverAt: cols.handedOverAt ?? entry.handedOverAt,
    receipt: cols.receipt ?? entry.receipt,
    status,
  } as typeof entry;
  next.searchTokens = searchTokens(next.issuer, next.numberAndSymbol, documentTypeByCode(next.typeCode)?.name, next.summary, next.handler);
  await db.incoming.put(next);
}
