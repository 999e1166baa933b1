/**
 * The office's audit trail on the server: one hash chain per office (shared/domain/audit),
 * appended by the server in the same transaction as the act it records, with the QLVB time.
 * Acts the server sees itself (sign-in, trình ký steps, issue, send, receive, accept, refuse,
 * register, numbers, custody/incident/request records) are appended without the client asking;
 * acts only the device sees (verifying a signature, signing with the CLI) are reported with
 * `audit.append` and chained by the server with its own time and the account that reported.
 */
import { z } from "zod";
import { verifyAuditChain, type AuditAnchor, type AuditChainReport, type AuditEntry } from "../domain/audit/audit-chain.ts";
import { AuditEntrySchema } from "../domain/audit/schemas.ts";
import { ClientId, IsoTime, MutationBase, Sha256Hex } from "./primitives.ts";

export const AUDIT_ENTITY = "audit.entry";
export const AUDIT_EXPORT_FORMAT = "vanthu-audit-export-v1";

/** What a device may report; everything else the server records itself. */
export const ClientAuditAction = z.enum(["verification", "signing", "certificate", "custody-change", "incident", "request"]);

export const AuditAppend = z.object({
  ...MutationBase,
  type: z.literal("audit.append"),
  entryId: ClientId,
  action: ClientAuditAction,
  /** What happened, one sentence in Vietnamese. */
  summary: z.string().trim().min(1).max(2000),
  documentSha256: Sha256Hex.optional(),
  subject: z
    .object({
      kind: z.enum(["document", "certificate", "token", "request", "incident", "custody"]),
      id: z.string().min(1).max(200),
      label: z.string().max(300).optional(),
    })
    .optional(),
  details: z.record(z.string(), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])).optional(),
});
export type AuditAppend = z.infer<typeof AuditAppend>;

/** GET /api/audit/export: the office's whole chain, with the head the server holds. */
export const AuditExport = z.object({
  format: z.literal(AUDIT_EXPORT_FORMAT),
  office: z.object({ id: z.string(), name: z.string(), organId: z.string() }),
  exportedAt: IsoTime,
  exportedBy: z.object({ id: z.string(), name: z.string() }),
  head: z.object({ seq: z.number().int(), hash: Sha256Hex }).nullable(),
  entries: z.array(AuditEntrySchema),
});
export type AuditExport = z.infer<typeof AuditExport>;

export interface AuditExportReport extends AuditChainReport {
  /** Entries that name another office than the export's. */
  foreignEntries: number[];
}

/**
 * Proves an export: every hash and link recomputed (shared/domain/audit), every entry of the
 * export's office, and the chain reaching the head the server declared. Pass `anchors` known
 * from elsewhere (an earlier export's head, a signed report) to detect a chain cut short or
 * rewritten from some point on.
 */
export async function verifyAuditExport(raw: unknown, anchors: readonly AuditAnchor[] = []): Promise<AuditExportReport> {
  const parsed = AuditExport.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      count: 0,
      head: null,
      foreignEntries: [],
      problems: [
        {
          kind: "changed",
          position: 0,
          messageVi: `Tệp xuất nhật ký không đúng khuôn dạng (${issue?.path.join(".") ?? ""}).`,
          messageEn: `Malformed audit export: ${issue?.path.join(".")}: ${issue?.message}`,
        },
      ],
    };
  }
  const exp = parsed.data;
  const entries = exp.entries as AuditEntry[];
  const report = await verifyAuditChain(entries, { anchors: [...(exp.head ? [exp.head] : []), ...anchors] });
  const foreignEntries = entries.flatMap((e, i) => (e.officeId === exp.office.id ? [] : [i + 1]));
  for (const position of foreignEntries) {
    report.problems.push({
      kind: "inserted",
      position,
      messageVi: `Mục thứ ${position} thuộc cơ quan khác.`,
      messageEn: `Entry at position ${position} belongs to another office`,
    });
  }
  if (exp.head && entries.length > 0 && entries.at(-1)!.seq !== exp.head.seq) {
    report.problems.push({
      kind: "truncated",
      position: entries.length,
      messageVi: "Mục cuối của tệp không phải đầu chuỗi máy chủ đã ghi.",
      messageEn: "The last entry is not the head the server declared",
    });
  }
  report.problems.sort((a, b) => a.position - b.position);
  return { ...report, ok: report.problems.length === 0, foreignEntries };
}
