import { applyRequestOutcomeToInventory, newCertificatesFromAnswer, type CertificateRequest } from "../../../shared/domain/certificates/index.ts";
import { dayToVi, toVietnamIso } from "../../../shared/domain/index.ts";
import type { VanthuDb } from "../db/schema.ts";
import { appendAudit, saveDerivedCertRecord } from "./store.ts";

/**
 * The Sở's answer, arrived through the server, applied to the office's inventory beyond a
 * revocation: a renewal writes the new expiry (Nghị định 68/2024 Điều 9, at most 3 years), a new
 * issue adds the certificates the answer carries — each step in the audit trail.
 */
export async function applyAnswerToInventory(db: VanthuDb, r: CertificateRequest): Promise<void> {
  if (r.outcome?.kind !== "completed") return;
  if (r.kind === "renewal") {
    const before = await db.certInventory.toArray();
    const after = applyRequestOutcomeToInventory(before, r);
    for (const [i, c] of after.entries()) {
      if (c.notAfter === before[i]!.notAfter) continue;
      await saveDerivedCertRecord(db, "certInventory", c);
      await appendAudit(db, {
        officeId: c.officeId,
        action: "certificate",
        actor: r.outcome.by,
        time: { at: r.outcome.at, source: "qlvb" },
        summary: `Chứng thư số ${c.serialNumber} (${c.holder}) được gia hạn đến ${dayToVi(c.notAfter.slice(0, 10))} theo đề nghị ${r.document?.number ?? ""}.`,
        subject: { kind: "certificate", id: c.id, label: `${c.holder} (${c.serialNumber})` },
      });
    }
  }
  if (r.kind === "issue-person" || r.kind === "issue-organisation" || r.kind === "issue-device") {
    for (const c of await newCertificatesFromAnswer(r, { addedAt: toVietnamIso(new Date()) })) {
      if (await db.certInventory.get(c.id)) continue;
      await saveDerivedCertRecord(db, "certInventory", c);
      await appendAudit(db, {
        officeId: c.officeId,
        action: "certificate",
        actor: r.outcome.by,
        time: { at: r.outcome.at, source: "qlvb" },
        summary: `Chứng thư số mới ${c.serialNumber} (${c.holder}) do Sở cấp theo đề nghị ${r.document?.number ?? ""}, hạn đến ${dayToVi(c.notAfter.slice(0, 10))}.`,
        subject: { kind: "certificate", id: c.id, label: `${c.holder} (${c.serialNumber})` },
      });
    }
  }
}
