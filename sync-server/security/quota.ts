import type { MiddlewareHandler } from "hono";
import { sql } from "kysely";
import type { AuthVariables } from "../auth/index.ts";
import { SyncError } from "../errors.ts";
import type { SyncStorage } from "../storage/storage.ts";

/** Default per-office storage for documents: 20 GiB (a commune's signed PDFs for many years). */
export const DEFAULT_OFFICE_QUOTA_BYTES = 20 * 1024 ** 3;

/** `500MB`, `20GB`, `1TB`, or a number of bytes → bytes; undefined when malformed. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 }[(m[2] ?? "B").toUpperCase() as "B"];
  const n = Math.floor(Number(m[1]) * unit);
  return n > 0 ? n : undefined;
}

/** Bytes an office holds: documents it can read (uploaded or received) plus uploads under way. */
export async function officeUsage(storage: SyncStorage, officeId: string): Promise<number> {
  const stored = await storage.db
    .selectFrom("blob_refs")
    .innerJoin("blobs", "blobs.sha256", "blob_refs.sha256")
    .select(sql<number>`COALESCE(SUM(blobs.size), 0)`.as("n"))
    .where("blob_refs.office_id", "=", officeId)
    .executeTakeFirst();
  const pending = await storage.db
    .selectFrom("blob_uploads")
    .select(sql<number>`COALESCE(SUM(size), 0)`.as("n"))
    .where("office_id", "=", officeId)
    .executeTakeFirst();
  return Number(stored?.n ?? 0) + Number(pending?.n ?? 0);
}

const mb = (n: number) => `${(n / 1024 ** 2).toLocaleString("vi-VN", { maximumFractionDigits: 1 })} MB`;

/**
 * Before a new upload is created (POST /api/blobs/uploads {sha256,size}): refuses it when the
 * office's documents would exceed its quota, with the figures, so that district IT knows what
 * to raise (`vanthu server --office-quota`). Malformed bodies are left to the route to refuse.
 */
export function officeQuota(storage: SyncStorage, quotaBytes: number): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    let size = 0;
    try {
      size = Number((JSON.parse(await c.req.text()) as { size?: unknown }).size) || 0;
    } catch {
      return next();
    }
    const officeId = c.get("actor").officeId;
    const used = await officeUsage(storage, officeId);
    if (size > 0 && used + size > quotaBytes) {
      throw new SyncError(
        413,
        "office_quota_exceeded",
        `Dung lượng lưu văn bản của cơ quan đã hết: đang dùng ${mb(used)} trên ${mb(quotaBytes)}, tệp này cần ${mb(size)}. Hãy báo cán bộ CNTT khu vực để tăng hạn mức.`,
        `Office storage quota reached: ${used} of ${quotaBytes} bytes used, upload needs ${size}`,
        { usedBytes: used, quotaBytes, neededBytes: size },
      );
    }
    await next();
  };
}
