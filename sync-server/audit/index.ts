import { Hono } from "hono";
import { z } from "zod";
import { auditTrailCsv } from "../../shared/domain/audit/export.ts";
import { AUDIT_EXPORT_FORMAT, type AuditExport } from "../../shared/sync/audit.ts";
import { AUDIT_EXPORT_GRANTS, AUDIT_READ_GRANTS, granted } from "../../shared/sync/rules.ts";
import type { AuthVariables } from "../auth/index.ts";
import { stamp } from "../clock/qlvb-clock.ts";
import { forbidden } from "../errors.ts";
import { parseWith } from "../http/errors.ts";
import type { SyncStorage } from "../storage/storage.ts";
import { whereOf } from "../authority/where.ts";

const After = z.coerce.number().int().min(0);
const Limit = z.coerce.number().int().min(1).max(10_000);

/**
 * The office's audit chain: read by its members, exported (JSON that proves itself with
 * verifyAuditExport, or CSV) by district IT and inspectors for the offices they are given
 * (X-Vanthu-Office), the administrator, and the office's leader.
 */
export function auditRoutes(storage: SyncStorage) {
  const app = new Hono<{ Variables: AuthVariables }>();

  app.get("/entries", async (c) => {
    if (!granted(AUDIT_READ_GRANTS, c.get("user").roles, whereOf(c)))
      throw forbidden("Vai trò của bạn không được xem nhật ký của cơ quan này.", "Role may not read this office's audit trail");
    const officeId = c.get("actor").officeId;
    const after = parseWith(After, c.req.query("after") ?? "0");
    const limit = parseWith(Limit, c.req.query("limit") ?? "1000");
    return c.json({ entries: await storage.audit.list(officeId, after, limit), head: await storage.audit.head(officeId) });
  });

  app.get("/export", async (c) => {
    const user = c.get("user");
    if (!granted(AUDIT_EXPORT_GRANTS, user.roles, whereOf(c))) {
      throw forbidden(
        "Chỉ cán bộ CNTT khu vực, thanh tra (với cơ quan được giao) và lãnh đạo cơ quan mới được xuất nhật ký.",
        "Role may not export this office's audit trail",
      );
    }
    const office = (await storage.offices.get(c.get("actor").officeId))!;
    // Entries and head read in one transaction, so that the head is the last entry exported.
    const { entries, head } = await storage.db
      .transaction()
      .execute(async (trx) => ({ entries: await storage.audit.list(office.id, 0, 1_000_000, trx), head: await storage.audit.head(office.id, trx) }));
    const format = c.req.query("format") ?? "json";
    const fileBase = `nhat-ky-${office.organId}-${stamp(storage.clock).slice(0, 10)}`;
    if (format === "csv") {
      c.header("Content-Disposition", `attachment; filename="${fileBase}.csv"`);
      return c.body(auditTrailCsv(entries), 200, { "Content-Type": "text/csv; charset=utf-8" });
    }
    const body: AuditExport = {
      format: AUDIT_EXPORT_FORMAT,
      office: { id: office.id, name: office.name, organId: office.organId },
      exportedAt: stamp(storage.clock),
      exportedBy: { id: user.id, name: user.fullName },
      head,
      entries: entries as AuditExport["entries"],
    };
    c.header("Content-Disposition", `attachment; filename="${fileBase}.json"`);
    return c.json(body);
  });

  return app;
}
