import type { Kysely, Transaction } from "kysely";
import type { Office, OfficeKind, Person, Role } from "../../shared/sync/schemas.ts";
import type { Where } from "../../shared/sync/rules.ts";
import type { QlvbClock } from "../clock/qlvb-clock.ts";
import type { DialectName } from "./migrations.ts";
import type { Database } from "./schema.ts";

/** What every repository shares: one Kysely handle, the dialect it speaks, the QLVB clock. */
export interface StorageContext {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  readonly clock: QlvbClock;
}

/** A handle or an open transaction: repositories take one so that several acts share a transaction. */
export type Tx = Kysely<Database> | Transaction<Database>;

export interface User {
  id: string;
  officeId: string;
  username: string;
  fullName: string;
  passwordHash: string;
  roles: Role[];
  disabled: boolean;
}

/** Who is acting, for which office: every office-scoped call takes one. */
export interface Actor {
  userId: string;
  roles: Role[];
  /** The office whose data this call may touch (already checked against the user's offices). */
  officeId: string;
}

export function toOffice(r: Database["offices"]): Office {
  return { id: r.id, name: r.name, kind: r.kind as OfficeKind, organId: r.organ_id, isDemo: Number(r.is_demo) === 1 };
}

export function toUser(r: Database["users"]): User {
  return {
    id: r.id,
    officeId: r.office_id,
    username: r.username,
    fullName: r.full_name,
    passwordHash: r.password_hash,
    roles: JSON.parse(r.roles) as Role[],
    disabled: Number(r.disabled) === 1,
  };
}

/** The actor of one push, as the server knows them: their name, and whether the office is their own. */
export interface Acting extends Actor {
  person: Person;
  where: Where;
  clientId: string;
  /** Server code acting with its own authority (a route that checked its own rules): the rule table is skipped. */
  trusted: boolean;
}
