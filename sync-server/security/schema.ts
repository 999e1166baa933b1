import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.ts";
import type { SyncStorage } from "../storage/storage.ts";

/** The tables and columns of migrations/0100-security.ts, as Kysely sees them. */
export interface LoginAttemptsTable {
  key: string;
  failures: number;
  next_allowed_ms: number;
  last_failure_ms: number;
}
export interface BackupRunsTable {
  id: string;
  started_at: string;
  finished_at: string;
  directory: string;
  ok: number;
  verified: number;
  detail: string;
}
export interface UserPasswordState {
  must_change_password: number;
  password_changed_at: string | null;
}

export interface SecurityDatabase extends Omit<Database, "users"> {
  users: Database["users"] & UserPasswordState;
  login_attempts: LoginAttemptsTable;
  backup_runs: BackupRunsTable;
}

/** The same connection, typed with the security tables. */
export const securityDb = (storage: SyncStorage) => storage.db as unknown as Kysely<SecurityDatabase>;
