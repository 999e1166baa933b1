import type { Generated } from "kysely";

/** The tables, as Kysely sees them. Every row that holds an office's data carries its office_id. */
export interface OfficesTable {
  id: string;
  name: string;
  kind: string;
  organ_id: string;
  is_demo: number;
  created_at: string;
}
export interface UsersTable {
  id: string;
  office_id: string;
  username: string;
  full_name: string;
  password_hash: string;
  roles: string;
  disabled: number;
  created_at: string;
}
/** District IT: the offices a user manages besides their own. */
export interface ManagedOfficesTable {
  user_id: string;
  office_id: string;
}
export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}
/** Applied mutation ids with their answers: a retried push gets the same answer and changes nothing. */
export interface MutationsTable {
  office_id: string;
  mutation_id: string;
  client_id: string;
  user_id: string;
  type: string;
  result: string;
  applied_at: string;
}
export interface RecordsTable {
  office_id: string;
  entity: string;
  record_id: string;
  data: string | null;
  version: number;
  deleted: number;
  updated_at: string;
  provisional_at: string | null;
  updated_by: string;
}
/**
 * The change feed each office pulls. `txid` is the writing transaction's id on PostgreSQL
 * (0 on SQLite, whose writers are serialised): pulls stop below the oldest transaction still
 * in flight, so no change is ever skipped when transactions commit out of order.
 */
export interface ChangesTable {
  seq: Generated<number>;
  txid: number;
  office_id: string;
  entity: string;
  entity_id: string;
  op: string;
  data: string | null;
  version: number | null;
  at: string;
}
export interface ExchangesTable {
  id: string;
  sender_office_id: string | null;
  sender_organ_id: string;
  sender_name: string;
  document_ref: string;
  document_id: string;
  header: string;
  blobs: string;
  sent_at: string;
  provisional_sent_at: string | null;
  via: string;
  created_by: string | null;
  clock_source: string;
}
export interface DeliveriesTable {
  id: string;
  exchange_id: string;
  recipient_office_id: string;
  status: string;
  received_at: string | null;
  arrival_number: number | null;
  arrival_year: number | null;
  refused_at: string | null;
  refusal_reason: string | null;
  decided_by: string | null;
  provisional_decided_at: string | null;
  note: string | null;
}
/** Yearly counters, e.g. the incoming register's số đến. */
export interface CountersTable {
  office_id: string;
  name: string;
  year: number;
  last: number;
}
export interface BlobsTable {
  sha256: string;
  size: number;
  created_at: string;
}
/** Which office may read which blob: the uploader, and the recipients of a document that carries it. */
export interface BlobRefsTable {
  office_id: string;
  sha256: string;
  created_at: string;
}
export interface BlobUploadsTable {
  id: string;
  office_id: string;
  sha256: string;
  size: number;
  created_at: string;
}

/** Every number taken from a register's yearly sequence (issue 11): reserved, assigned or cancelled. */
export interface RegisterNumbersTable {
  office_id: string;
  register_id: string;
  year: number;
  number: number;
  state: string;
  draft_id: string | null;
  number_and_symbol: string | null;
  /** JSON Person. */
  reserved_by: string | null;
  reserved_for_client: string | null;
  reserved_at: string | null;
  assigned_at: string | null;
  cancelled_at: string | null;
  /** JSON Person. */
  cancelled_by: string | null;
  cancel_reason: string | null;
}
/** The head of each office's audit chain: the row locked while an entry is appended. */
export interface AuditHeadsTable {
  office_id: string;
  seq: number;
  hash: string;
}
/** The office's audit chain (shared/domain/audit AuditEntry as canonical JSON in `entry`). */
export interface AuditEntriesTable {
  office_id: string;
  seq: number;
  entry_id: string;
  action: string;
  at: string;
  entry: string;
  hash: string;
}

/** One row: the offset added to transaction ids in the change feed (set by a restore). */
export interface SyncEpochTable {
  id: number;
  txid_offset: number;
}

export interface Database {
  offices: OfficesTable;
  users: UsersTable;
  managed_offices: ManagedOfficesTable;
  sessions: SessionsTable;
  mutations: MutationsTable;
  records: RecordsTable;
  changes: ChangesTable;
  exchanges: ExchangesTable;
  deliveries: DeliveriesTable;
  counters: CountersTable;
  blobs: BlobsTable;
  blob_refs: BlobRefsTable;
  blob_uploads: BlobUploadsTable;
  sync_epoch: SyncEpochTable;
  register_numbers: RegisterNumbersTable;
  audit_heads: AuditHeadsTable;
  audit_entries: AuditEntriesTable;
}

/**
 * Tables in an order that satisfies foreign keys (backup writes and restore reads in this
 * order). sync_epoch is not copied: a restore computes its own.
 */
export const TABLES = [
  "offices",
  "users",
  "managed_offices",
  "sessions",
  "mutations",
  "records",
  "changes",
  "exchanges",
  "deliveries",
  "counters",
  "blobs",
  "blob_refs",
  "blob_uploads",
  "register_numbers",
  "audit_heads",
  "audit_entries",
] as const satisfies readonly (keyof Database)[];
