import type { Kysely } from "kysely";
import type {
  BlobRef,
  DocumentHeader,
  IncomingDelivery,
  Mutation,
  MutationResult,
  Office,
  OfficeKind,
  OutgoingExchange,
  Role,
} from "../../shared/sync/schemas.ts";
import type { QlvbClock } from "../clock/qlvb-clock.ts";
import { AuditRepository } from "./audit.ts";
import { BlobRepository } from "./blobs.ts";
import { DraftRepository } from "./drafts.ts";
import { RecordRepository } from "./records.ts";
import { RegisterRepository } from "./registers.ts";
import type { Actor, StorageContext, User } from "./context.ts";
import { ExchangeRepository, type ExternalSender } from "./exchange.ts";
import { ChangeFeed, type PullPage } from "./feed.ts";
import type { DialectName } from "./migrations.ts";
import { OfficeRepository } from "./offices.ts";
import { migrateToLatest, openDatabase, type DatabaseTarget } from "./open.ts";
import { PushRepository, type PushOptions } from "./push.ts";
import type { Database } from "./schema.ts";
import { SessionRepository } from "./sessions.ts";
import { SnapshotRepository } from "./snapshots.ts";
import { UserRepository } from "./users.ts";

export type { Actor, User, StorageContext, Tx } from "./context.ts";
export type { PushOptions } from "./push.ts";
export type { PullPage } from "./feed.ts";
export type { ExternalSender } from "./exchange.ts";

/**
 * The sync server's storage: repositories sharing one Kysely handle, the same queries on
 * SQLite and PostgreSQL. Every office-scoped query filters by the actor's office id.
 *
 * The methods below the repositories are the older flat API, kept as one-line delegations
 * so that callers in other folders keep working; new code uses the repositories.
 */
export class SyncStorage implements StorageContext {
  readonly offices: OfficeRepository;
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly feed: ChangeFeed;
  readonly blobs: BlobRepository;
  readonly audit: AuditRepository;
  readonly records: RecordRepository;
  readonly registers: RegisterRepository;
  readonly drafts: DraftRepository;
  readonly exchange: ExchangeRepository;
  readonly push: PushRepository;
  readonly snapshots: SnapshotRepository;

  private constructor(
    readonly db: Kysely<Database>,
    readonly dialect: DialectName,
    readonly clock: QlvbClock,
  ) {
    this.offices = new OfficeRepository(this);
    this.users = new UserRepository(this);
    this.feed = new ChangeFeed(this);
    this.audit = new AuditRepository(this, this.feed);
    this.sessions = new SessionRepository(this, this.audit);
    this.blobs = new BlobRepository(this);
    this.records = new RecordRepository(this, this.feed, this.audit);
    this.registers = new RegisterRepository(this, this.feed, this.audit);
    this.drafts = new DraftRepository(this, this.records, this.blobs, this.registers, this.audit);
    this.exchange = new ExchangeRepository(this, this.feed, this.blobs, this.audit, this.drafts);
    this.push = new PushRepository(this, this.records, this.exchange, this.drafts, this.registers, this.audit);
    this.snapshots = new SnapshotRepository(this, this.offices);
  }

  /**
   * Opens (and migrates) the database. `readonly` opens an existing database without
   * migrating or writing anything: what a backup of a running server needs.
   */
  static async open(target: DatabaseTarget, clock: QlvbClock, options: { poolSize?: number; readonly?: boolean } = {}): Promise<SyncStorage> {
    const { db, dialect } = openDatabase(target, options);
    try {
      if (!options.readonly) await migrateToLatest(db, dialect);
    } catch (e) {
      await db.destroy();
      throw e;
    }
    return new SyncStorage(db, dialect, clock);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  // ------------------------------------------------------------ flat API (delegations)
  isEmpty = (): Promise<boolean> => this.offices.isEmpty();
  createOffice = (o: { id?: string; name: string; kind: OfficeKind; organId: string; isDemo?: boolean }): Promise<Office> => this.offices.create(o);
  getOffice = (id: string): Promise<Office | undefined> => this.offices.get(id);
  listOffices = (): Promise<Office[]> => this.offices.list();
  createUser = (u: { officeId: string; username: string; fullName: string; passwordHash: string; roles: Role[]; managedOfficeIds?: string[] }): Promise<User> =>
    this.users.create(u);
  findUserByUsername = (username: string): Promise<User | undefined> => this.users.findByUsername(username);
  getUser = (id: string): Promise<User | undefined> => this.users.get(id);
  officesOf = (user: User): Promise<Office[]> => this.users.officesOf(user);
  createSession = (tokenHash: string, userId: string, expiresAt: string): Promise<void> => this.sessions.create(tokenHash, userId, expiresAt);
  findSession = (tokenHash: string): Promise<{ user: User; expiresAt: string; mustChangePassword: boolean } | undefined> => this.sessions.find(tokenHash);
  deleteSession = (tokenHash: string): Promise<void> => this.sessions.delete(tokenHash);
  /**
   * For server code writing with its own authority (routes that check their own rules): trusted,
   * so the rule table and base versions are skipped. What clients push goes through `push.apply`.
   */
  applyPush = (actor: Actor, mutations: Mutation[], options: PushOptions): Promise<MutationResult[]> =>
    this.push.apply(actor, mutations, { trusted: true, ...options });
  pull = (officeId: string, cursor: string, limit: number): Promise<PullPage> => this.feed.pull(officeId, cursor, limit);
  listIncoming = (actor: Actor, status?: string): Promise<IncomingDelivery[]> => this.exchange.listIncoming(actor, status);
  getIncoming = (actor: Actor, deliveryId: string): Promise<IncomingDelivery> => this.exchange.getIncoming(actor, deliveryId);
  listOutgoing = (actor: Actor): Promise<OutgoingExchange[]> => this.exchange.listOutgoing(actor);
  getOutgoing = (actor: Actor, exchangeId: string): Promise<OutgoingExchange> => this.exchange.getOutgoing(actor, exchangeId);
  getExchangeForOffice = (actor: Actor, exchangeId: string) => this.exchange.getExchangeForOffice(actor, exchangeId);
  importExternal = (actor: Actor, sender: ExternalSender, header: DocumentHeader, blobs: BlobRef[], documentRef: string): Promise<IncomingDelivery> =>
    this.exchange.importExternal(actor, sender, header, blobs, documentRef);
  blobSize = (sha256: string): Promise<number | undefined> => this.blobs.size(sha256);
  canReadBlob = (officeId: string, sha256: string): Promise<boolean> => this.blobs.canRead(officeId, sha256);
  recordBlob = (officeId: string, sha256: string, size: number): Promise<void> => this.blobs.record(officeId, sha256, size);
  createUpload = (officeId: string, sha256: string, size: number): Promise<string> => this.blobs.createUpload(officeId, sha256, size);
  findUpload = (officeId: string, sha256: string, size: number): Promise<string | undefined> => this.blobs.findUpload(officeId, sha256, size);
  getUpload = (officeId: string, id: string) => this.blobs.getUpload(officeId, id);
  staleUploads = (before: string): Promise<string[]> => this.blobs.staleUploads(before);
  deleteUpload = (id: string): Promise<void> => this.blobs.deleteUpload(id);
  exportSnapshot = (write: (table: string, rows: Record<string, unknown>[]) => Promise<void>): Promise<void> => this.snapshots.export(write);
  importSnapshot = (read: (table: string) => Promise<Record<string, unknown>[]>): Promise<void> => this.snapshots.import(read);
}
