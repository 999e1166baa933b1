import { Dexie, type EntityTable } from "dexie";
import type { CertificateInventoryEntry, CertificateRequest, CustodyEvent, OfficePerson, TokenIncident } from "../../../shared/domain/certificates/index.ts";
import type { AuditEntry } from "../../../shared/domain/audit/audit-chain.ts";
import type { AttachedFile, IncomingRegisterEntry, OutgoingRegisterEntry, Secrecy, SigningCapacity, Urgency } from "../../../shared/domain/index.ts";
import type { CurrentRecord, Mutation } from "../../../shared/sync/schemas.ts";
import type { Draft as ServerDraft } from "../../../shared/sync/drafts.ts";

/**
 * The PWA's IndexedDB database. The schema is declared once, here; a change is a new
 * `version(n)` with an upgrade function, never an edit of an old one.
 */

/** Dự thảo: a document being prepared, kept locally (R18). */
export interface Draft {
  id: string;
  createdAt: string;
  updatedAt: string;
  /** The imported PDF (documents table, by SHA-256). */
  documentSha256?: string;
  fileName?: string;
  typeCode: string;
  /** Trích yếu nội dung. */
  summary: string;
  /** Số và ký hiệu, once the clerk has taken the number. */
  numberAndSymbol?: string;
  /** Ngày tháng văn bản, yyyy-mm-dd. */
  documentDate: string;
  signerName: string;
  signerTitle: string;
  capacity: SigningCapacity;
  /** Title of the head on whose behalf KT./TL./TUQ. is signed. */
  principalTitle?: string;
  recipients: string[];
  urgency: Urgency;
  /** Never a classified level: those are refused before anything is stored (R9). */
  secrecy: Secrecy;
  /** Ký hiệu của đơn vị soạn thảo (for công văn). */
  unitSymbol?: string;
  status: "draft" | "signed" | "issued";
  /** SHA-256 of the signed revisions, in order. */
  signedSha256?: string[];
  /** Separate files issued with it (R4, R5); signedSha256 once the organisation has signed them. */
  attachments?: Array<AttachedFile & { signedSha256?: string }>;
}

/** A PDF kept byte for byte (R15), addressed by its SHA-256. */
export interface StoredDocument {
  sha256: string;
  bytes: Uint8Array;
  size: number;
  name: string;
  createdAt: string;
}

/** A document that arrived (by sync or file import) and waits for the clerk's decision. */
export interface ReceivedDocument {
  id: string;
  receivedAt: string;
  /** True until the server's QLVB receive time arrives (R7). */
  receivedAtProvisional: boolean;
  documentSha256: string;
  fileName: string;
  source: "file" | "sync";
  /** Hình thức nhận: a paper document (registered from its scan) is not judged by a signature verdict. */
  receiptForm?: "electronic" | "paper" | "scan";
  senderOffice?: string;
  /** What the sender declared (edXML header) or what the clerk typed. */
  declared: {
    issuer: string;
    numberAndSymbol: string;
    documentDate: string;
    typeCode: string;
    summary: string;
    documentId?: string;
    urgency: Urgency;
  };
  status: "pending" | "verifying" | "verified" | "registered" | "refused";
  /** Attachments and appendices that came with it, kept and verified like the main file. */
  attachments?: AttachedFile[];
  reportId?: string;
  incomingEntryId?: string;
  refusalReason?: string;
}

/** A kept verification result (R12): the report object as the verifier produced it. */
export interface StoredReport {
  id: string;
  documentSha256: string;
  createdAt: string;
  /** Overall verdict, for lists. */
  verdict: "valid" | "invalid" | "indeterminate" | "error";
  summaryVi: string;
  report: unknown;
}

/** A change waiting to be pushed to the sync server; the ULID makes retries idempotent. */
export interface OutboxMutation {
  id: string;
  createdAt: string;
  kind: string;
  entityId: string;
  payload: unknown;
  status: "pending" | "error";
  attempts: number;
  lastError?: string;
}

/** Bản sao điện tử (R3): sao y, trích sao, sao lục share one yearly counter (Nghị định 30/2020). */
export interface ElectronicCopy {
  id: string;
  year: number;
  number: number;
  /** e.g. `01/SY-UBND`. */
  numberAndSymbol: string;
  form: "SY" | "TrS" | "SL";
  sourceSha256: string;
  sha256: string;
  createdAt: string;
}

/**
 * Trình ký: the server's record of a draft (shared/sync/drafts.ts) as last pulled, the
 * authority on its state, number and history. `pending` marks steps this device has queued
 * and the server has not answered yet: what the screen shows of them is provisional.
 */
export interface WorkflowDraft extends ServerDraft {
  pending?: Array<{ outboxId: string; step: string; at: string }>;
}

/** The server version of a replicated record, as this device last saw it (a change names it as its base). */
export interface RecordVersion {
  key: string;
  version: number;
}

/**
 * A change the server did not apply: refused by the rules (the reason, in Vietnamese), or a
 * conflict with a change made elsewhere (the server's record beside ours), for the person to resolve.
 */
export interface SyncIssue {
  id: string;
  at: string;
  kind: "refused" | "conflict";
  outboxKind: string;
  entityId: string;
  messageVi: string;
  mutation: Mutation;
  current?: CurrentRecord;
}

export interface MetaRow {
  key: string;
  value: unknown;
}

export type VanthuDb = Dexie & {
  drafts: EntityTable<Draft, "id">;
  documents: EntityTable<StoredDocument, "sha256">;
  received: EntityTable<ReceivedDocument, "id">;
  reports: EntityTable<StoredReport, "id">;
  incoming: EntityTable<IncomingRegisterEntry, "id">;
  outgoing: EntityTable<OutgoingRegisterEntry, "id">;
  outbox: EntityTable<OutboxMutation, "id">;
  meta: EntityTable<MetaRow, "key">;
  copies: EntityTable<ElectronicCopy, "id">;
  certInventory: EntityTable<CertificateInventoryEntry, "id">;
  certRequests: EntityTable<CertificateRequest, "id">;
  certIncidents: EntityTable<TokenIncident, "id">;
  certCustody: EntityTable<CustodyEvent, "id">;
  certPeople: EntityTable<OfficePerson, "id">;
  audit: EntityTable<AuditEntry, "seq">;
  workflow: EntityTable<WorkflowDraft, "id">;
  versions: EntityTable<RecordVersion, "key">;
  syncIssues: EntityTable<SyncIssue, "id">;
  serverAudit: EntityTable<AuditEntry, "seq">;
};

export function openVanthuDb(name = "vanthu"): VanthuDb {
  const db = new Dexie(name) as VanthuDb;
  db.version(1).stores({
    drafts: "id, updatedAt, status",
    documents: "sha256, createdAt",
    received: "id, receivedAt, status, documentSha256",
    reports: "id, documentSha256, createdAt",
    // [year+number] is unique: a number is given once per year (Điều 15.1); searchTokens is multi-entry (R16).
    incoming: "id, &[year+number], year, arrivedAt, documentDate, typeCode, issuer, status, *searchTokens, documentSha256, documentId",
    outgoing: "id, &[year+number], year, documentDate, typeCode, status, *searchTokens, documentSha256",
    outbox: "id, status, createdAt",
    meta: "key",
  });
  // v2: the search tokens also per year ("2026:uy"), so that a search within the register of a
  // year (what the view shows) scans only that year's part of the index (R16, 100,000 entries).
  db.version(2)
    .stores({
      incoming: "id, &[year+number], year, arrivedAt, documentDate, typeCode, issuer, status, *searchTokens, *yearTokens, documentSha256, documentId",
      outgoing: "id, &[year+number], year, documentDate, typeCode, status, *searchTokens, *yearTokens, documentSha256",
    })
    .upgrade(async (tx) => {
      for (const name of ["incoming", "outgoing"]) {
        await tx
          .table(name)
          .toCollection()
          .modify((e: { year: number; searchTokens: string[]; yearTokens?: string[] }) => {
            e.yearTokens = yearTokensOf(e);
          });
      }
    });
  // v3: electronic copies with their yearly number.
  db.version(3).stores({ copies: "id, &[year+number], sourceSha256, sha256" });
  // v4: certificates, tokens, requests, incidents, custody and the audit trail (issue 7, R19–R23).
  db.version(4).stores({
    certInventory: "id, notAfter, tokenId, serialNumber",
    certRequests: "id, state, createdAt, draftId, exchangeRef",
    certIncidents: "id, state",
    certCustody: "id, certificateId, effectiveFrom",
    certPeople: "id",
    audit: "seq, &id, action",
  });
  // v5 (issue 11): the server's drafts (trình ký), record versions, refusals and conflicts, the office's audit chain on the server.
  db.version(5).stores({
    workflow: "id, state, updatedAt",
    versions: "key",
    syncIssues: "id, at, entityId",
    serverAudit: "seq, &id",
  });
  for (const t of [db.incoming, db.outgoing] as Array<Dexie.Table<{ year: number; searchTokens: string[]; yearTokens?: string[] }, string>>) {
    // Derived on every write, whoever writes (registering, sync), so it can never be stale.
    t.hook("creating", (_pk, obj) => {
      obj.yearTokens = yearTokensOf(obj);
    });
    t.hook("updating", (mods, _pk, obj) => {
      const next = { ...obj, ...(mods as object) } as { year: number; searchTokens: string[] };
      return { yearTokens: yearTokensOf(next) };
    });
  }
  return db;
}

export function yearTokensOf(e: { year: number; searchTokens: string[] }): string[] {
  return e.searchTokens.map((t) => `${e.year}:${t}`);
}
