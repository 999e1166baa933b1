import { ulid } from "ulid";
import { appendAuditEntry, type AuditEntry, type AuditEntryInput } from "../../../shared/domain/audit/audit-chain.ts";
import type { CertificateInventoryEntry, CertificateRequest, CustodyEvent, OfficePerson, TokenIncident } from "../../../shared/domain/certificates/index.ts";
import { capabilitiesOf } from "../../../shared/sync/rules.ts";
import type { SessionInfo } from "../../../shared/sync/schemas.ts";
import { enqueue } from "../db/outbox.ts";
import type { VanthuDb } from "../db/schema.ts";

/**
 * The office's certificate records in IndexedDB, each change written together with its outbox
 * mutation (record.put of the server entity), so the server and district IT see the same data.
 */
export const CERT_ENTITY = {
  certInventory: "cert_inventory",
  certRequests: "cert_request",
  certIncidents: "cert_incident",
  certCustody: "cert_custody",
  certPeople: "cert_person",
  audit: "audit_entry",
} as const;
export type CertTable = keyof typeof CERT_ENTITY;
type RowOf<T extends CertTable> = T extends "certInventory"
  ? CertificateInventoryEntry
  : T extends "certRequests"
    ? CertificateRequest
    : T extends "certIncidents"
      ? TokenIncident
      : T extends "certCustody"
        ? CustodyEvent
        : T extends "certPeople"
          ? OfficePerson
          : AuditEntry;

/** Stores one record and queues it for the server, in one transaction. */
export async function saveCertRecord<T extends Exclude<CertTable, "audit">>(db: VanthuDb, table: T, row: RowOf<T>, now = new Date()): Promise<void> {
  await db.transaction("rw", [db.table(table), db.outbox], async () => {
    await db.table(table).put(row);
    await enqueue(db, "cert.put", (row as { id: string }).id, { entity: CERT_ENTITY[table], record: JSON.parse(JSON.stringify(row)) }, now);
  });
}

/**
 * A record this device derives from what the server sent (the Sở's answer: a certificate
 * revoked, renewed or issued, an incident closed). Every device of the office derives the same
 * record from the same answer, so it is queued for the server only where this account may write
 * it (văn thư, phụ trách chữ ký số); a leader's device keeps it to itself instead of sending a
 * change the server would refuse (shared/sync/rules.ts, the server's own table).
 */
export async function saveDerivedCertRecord<T extends Exclude<CertTable, "audit">>(db: VanthuDb, table: T, row: RowOf<T>): Promise<void> {
  const roles = ((await db.meta.get("session"))?.value as SessionInfo | undefined)?.user.roles ?? [];
  const exists = (await db.table(table).get((row as { id: string }).id)) !== undefined;
  const may = capabilitiesOf(roles, "own").records[CERT_ENTITY[table]];
  if (may?.[exists ? "update" : "create"]) return saveCertRecord(db, table, row);
  await db.table(table).put(row);
}

let chain: Promise<unknown> = Promise.resolve();

/**
 * Appends to the office's audit chain. Hashing (WebCrypto) happens outside the IndexedDB
 * transaction; the seq primary key makes a concurrent append from another tab fail, and it is
 * retried on the new head.
 */
export function appendAudit(db: VanthuDb, input: Omit<AuditEntryInput, "id"> & { id?: string }): Promise<AuditEntry> {
  const run = async (): Promise<AuditEntry> => {
    for (let attempt = 0; ; attempt++) {
      const head = (await db.audit.orderBy("seq").last()) ?? null;
      const entry = await appendAuditEntry(head, { ...input, id: input.id ?? ulid() });
      try {
        await db.transaction("rw", [db.audit, db.outbox], async () => {
          await db.audit.add(entry);
          await enqueue(db, "cert.put", entry.id, { entity: CERT_ENTITY.audit, record: JSON.parse(JSON.stringify(entry)) });
        });
        return entry;
      } catch (e) {
        if ((e as Error).name !== "ConstraintError" || attempt >= 5) throw e;
      }
    }
  };
  const p = chain.then(run, run);
  chain = p.catch(() => undefined);
  return p;
}
