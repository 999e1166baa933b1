/**
 * The sync protocol between the PWA and the sync server: one set of zod schemas, imported
 * by both sides so that what the client sends is exactly what the server checks.
 *
 * Times: everything the server stamps (sentAt, receivedAt, refusedAt) is the QLVB time
 * (R7, Quy định Điều 13.6), ISO 8601 with the +07:00 offset. A client's own clock is sent
 * as `clientTime` and kept only as a provisional time.
 */
import { z } from "zod";

import { AuditAppend } from "./audit.ts";
import { DRAFT_MUTATIONS, DraftNumber } from "./drafts.ts";
import { ApiError, BaseVersion, ClientId, IsoDay, IsoTime, MutationBase, OfficeId, Role, ServerId, Sha256Hex } from "./primitives.ts";
import { IncomingRegister, NumberCancel, NumberReserve } from "./registers.ts";

export { ApiError, BaseVersion, ClientId, IsoDay, IsoTime, MutationBase, OfficeId, Person, Role, ServerId, Sha256Hex } from "./primitives.ts";

export const OfficeKind = z.enum([
  "commune", // UBND xã / phường / đặc khu
  "district", // a body that manages several offices
  "science_department", // Sở Khoa học và Công nghệ: receives certificate requests
  "other",
]);
export type OfficeKind = z.infer<typeof OfficeKind>;

export const Office = z.object({
  id: OfficeId,
  name: z.string(),
  kind: OfficeKind,
  /** Mã định danh (edXML OrganId). */
  organId: z.string(),
  isDemo: z.boolean(),
});
export type Office = z.infer<typeof Office>;

// ---------------------------------------------------------------- auth
export const LoginRequest = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(1000),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const SessionInfo = z.object({
  token: z.string(),
  expiresAt: IsoTime,
  user: z.object({ id: z.string(), username: z.string(), fullName: z.string(), roles: z.array(Role) }),
  office: Office,
  /** Offices this user may act for (their own, plus those a district IT manages). */
  offices: z.array(Office),
  /** A first or reset password: the server accepts nothing but a password change until it is changed. */
  mustChangePassword: z.boolean().optional(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

// ---------------------------------------------------------------- documents
/** Độ mật: anything but "none" is refused (R9). */
export const Secrecy = z.enum(["none", "Mật", "Tối mật", "Tuyệt mật"]);

/** The header of a document sent between offices: the edXML MessageHeader fields we keep. */
export const DocumentHeader = z.object({
  /** `{OrganId},{yyyy/MM/dd},{number/symbol}`; made by the server when absent. */
  documentId: z.string().max(200).optional(),
  codeNumber: z.string().min(1).max(11),
  codeNotation: z.string().max(30),
  typeName: z.string().max(100).optional(),
  /** edXML DocumentType/Type code. */
  typeCode: z.string().max(10).optional(),
  subject: z.string().min(1).max(500),
  content: z.string().max(20_000).optional(),
  promulgationPlace: z.string().max(200).optional(),
  promulgationDate: IsoDay,
  signerCompetence: z.string().max(100).optional(),
  signerPosition: z.string().max(100).optional(),
  signerFullName: z.string().max(50).optional(),
  dueDate: IsoDay.optional(),
  toPlaces: z.array(z.string().max(1000)).max(200).optional(),
  /** Mức độ khẩn, edXML Priority: 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ. */
  priority: z.number().int().min(0).max(4).optional(),
  sphereOfPromulgation: z.string().max(100).optional(),
  typerNotation: z.string().max(10).optional(),
  promulgationAmount: z.number().int().min(0).max(100_000).optional(),
  pageAmount: z.number().int().min(0).max(100_000).optional(),
  steeringType: z.number().int().min(0).max(9).optional(),
  secrecy: Secrecy.optional(),
});
export type DocumentHeader = z.infer<typeof DocumentHeader>;

export const BlobRefInput = z.object({
  sha256: Sha256Hex,
  name: z.string().min(1).max(255),
  contentType: z.string().min(1).max(100).default("application/pdf"),
  /** main: the document itself; attachment / appendix: văn bản kèm theo / phụ lục. */
  role: z.enum(["main", "attachment", "appendix"]).default("main"),
  description: z.string().max(500).optional(),
});
export type BlobRefInput = z.infer<typeof BlobRefInput>;

// ---------------------------------------------------------------- push
/** Entities the client replicates freely (drafts, registers, reports…). Server-made ones contain a dot. */
export const ClientEntity = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/);
const JsonObject = z.record(z.string(), z.unknown());

/**
 * A record change names the server version it was based on (`baseVersion`; 0 or absent: the
 * record must not exist yet). If the record moved on meanwhile the answer is a conflict with
 * the server's current record, and nothing is written: never a silent overwrite. Which roles
 * may create, change or delete which entity: shared/sync/rules.ts.
 */
export const RecordPut = z.object({
  ...MutationBase,
  type: z.literal("record.put"),
  entity: ClientEntity,
  recordId: ClientId,
  data: JsonObject,
  baseVersion: BaseVersion.optional(),
});
export const RecordDelete = z.object({
  ...MutationBase,
  type: z.literal("record.delete"),
  entity: ClientEntity,
  recordId: ClientId,
  baseVersion: BaseVersion.optional(),
});
/** Gửi văn bản: office A sends a document to offices B, C… */
export const ExchangeSend = z.object({
  ...MutationBase,
  type: z.literal("exchange.send"),
  /** Client-made id of the outgoing document, to link it to the client's own records. */
  documentRef: ClientId,
  recipients: z.array(OfficeId).min(1).max(200),
  header: DocumentHeader,
  blobs: z.array(BlobRefInput).min(1).max(50),
  /**
   * The issued draft this sends (drafts.ts): the server checks that the header's number is
   * the draft's and the main blob its issued revision, and moves the draft to "sent".
   */
  draftId: ClientId.optional(),
});
/** Tiếp nhận: the recipient verified the document and registers it; the server stamps the receive time and gives the số đến. */
export const ExchangeAccept = z.object({ ...MutationBase, type: z.literal("exchange.accept"), deliveryId: ServerId, note: z.string().max(2000).optional() });
/** Từ chối tiếp nhận with the reason (Điều 17.3 Quy định): the sender is told. */
export const ExchangeRefuse = z.object({
  ...MutationBase,
  type: z.literal("exchange.refuse"),
  deliveryId: ServerId,
  reason: z.string().trim().min(1).max(2000),
});

export const Mutation = z.discriminatedUnion("type", [
  RecordPut,
  RecordDelete,
  ExchangeSend,
  ExchangeAccept,
  ExchangeRefuse,
  IncomingRegister,
  NumberReserve,
  NumberCancel,
  AuditAppend,
  ...DRAFT_MUTATIONS,
]);
export type Mutation = z.infer<typeof Mutation>;

export const MAX_MUTATIONS_PER_PUSH = 500;
export const PushRequest = z.object({
  clientId: ClientId,
  mutations: z.array(Mutation).min(1).max(MAX_MUTATIONS_PER_PUSH),
});
export type PushRequest = z.infer<typeof PushRequest>;

/** What the server assigned while applying one mutation. */
export const Assigned = z.object({
  version: z.number().int().optional(),
  exchangeId: ServerId.optional(),
  documentId: z.string().optional(),
  deliveries: z.array(z.object({ deliveryId: ServerId, recipientOfficeId: OfficeId })).optional(),
  /** QLVB times. */
  sentAt: IsoTime.optional(),
  receivedAt: IsoTime.optional(),
  refusedAt: IsoTime.optional(),
  /** Số đến given by the server, in the office's yearly sequence. */
  arrivalNumber: z.number().int().optional(),
  arrivalYear: z.number().int().optional(),
  /** incoming.register: the delivery made for the registered paper/scan document. */
  deliveryId: ServerId.optional(),
  /** draft.*: the draft's number once it has one. */
  number: DraftNumber.optional(),
  /** number.reserve: the block reserved for this device. */
  reserved: z.object({ registerId: z.string(), year: z.number().int(), numbers: z.array(z.number().int()) }).optional(),
  /** The office's audit chain entry this act appended (seq, hash). */
  audit: z.object({ seq: z.number().int(), hash: Sha256Hex }).optional(),
});
export type Assigned = z.infer<typeof Assigned>;

/** The server's record at the time of a conflict: what the person resolves against. */
export const CurrentRecord = z.object({
  entity: z.string(),
  id: z.string(),
  version: z.number().int(),
  deleted: z.boolean(),
  data: JsonObject.nullable(),
  updatedAt: IsoTime,
  updatedBy: z.string(),
});
export type CurrentRecord = z.infer<typeof CurrentRecord>;

/**
 * One answer per mutation, in order:
 * - applied: done now; duplicate: done by an earlier push (the same `assigned`);
 * - refused: outside the rules (rules.ts) or not possible in the record's state; nothing of it
 *   was applied; `error` says why (code, English, Vietnamese) — show it, drop the mutation;
 * - conflict: the record changed since `baseVersion`; nothing was applied; `current` is the
 *   server's record — show both, let the person choose, push again with the new version.
 * A refused or conflicting mutation does not stop the others of the batch. A retried id
 * gets the same answer again.
 */
export const MutationResult = z.object({
  mutationId: ClientId,
  status: z.enum(["applied", "duplicate", "refused", "conflict"]),
  assigned: Assigned,
  error: ApiError.optional(),
  current: CurrentRecord.optional(),
});
export type MutationResult = z.infer<typeof MutationResult>;

export const PushResponse = z.object({ results: z.array(MutationResult) });
export type PushResponse = z.infer<typeof PushResponse>;

// ---------------------------------------------------------------- pull
/** An opaque cursor; "" or absent means from the beginning. */
export const Cursor = z.string().max(100);
export const MAX_PULL_LIMIT = 1000;

export const Change = z.object({
  entity: z.string(),
  id: z.string(),
  op: z.enum(["put", "delete"]),
  data: JsonObject.nullable(),
  /** The record's version after this change (client records only). */
  version: z.number().int().optional(),
  /** The server time the change was written (QLVB clock). */
  at: IsoTime,
});
export type Change = z.infer<typeof Change>;

export const PullResponse = z.object({
  changes: z.array(Change),
  cursor: Cursor,
  hasMore: z.boolean(),
  /** When hasMore: how many changes follow this page (counted up to PULL_REMAINING_CAP), for the progress of a first sync. */
  remaining: z.number().int().nonnegative().optional(),
});
export const PULL_REMAINING_CAP = 100_000;
export type PullResponse = z.infer<typeof PullResponse>;

// ---------------------------------------------------------------- exchange views (what pull delivers)
/** Server-made entity names in the change feed. */
export const EXCHANGE_OUTGOING = "exchange.outgoing";
export const EXCHANGE_INCOMING = "exchange.incoming";

export const DeliveryStatus = z.enum(["pending", "accepted", "refused"]);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const BlobRef = BlobRefInput.extend({ size: z.number().int().nonnegative() });
export type BlobRef = z.infer<typeof BlobRef>;

export const DeliveryOutcome = z.object({
  deliveryId: ServerId,
  recipientOfficeId: OfficeId,
  recipientName: z.string(),
  status: DeliveryStatus,
  receivedAt: IsoTime.nullable(),
  arrivalNumber: z.number().int().nullable(),
  refusedAt: IsoTime.nullable(),
  refusalReason: z.string().nullable(),
});
export type DeliveryOutcome = z.infer<typeof DeliveryOutcome>;

/** Văn bản đi as the sender sees it, with each recipient's outcome. */
export const OutgoingExchange = z.object({
  exchangeId: ServerId,
  documentRef: z.string(),
  header: DocumentHeader,
  blobs: z.array(BlobRef),
  sentAt: IsoTime,
  provisionalSentAt: IsoTime.nullable(),
  deliveries: z.array(DeliveryOutcome),
});
export type OutgoingExchange = z.infer<typeof OutgoingExchange>;

/** Văn bản đến in the recipient's incoming queue. */
export const IncomingDelivery = z.object({
  deliveryId: ServerId,
  exchangeId: ServerId,
  from: z.object({ officeId: OfficeId.nullable(), organId: z.string(), name: z.string() }),
  header: DocumentHeader,
  blobs: z.array(BlobRef),
  sentAt: IsoTime,
  status: DeliveryStatus,
  receivedAt: IsoTime.nullable(),
  arrivalNumber: z.number().int().nullable(),
  arrivalYear: z.number().int().nullable(),
  refusedAt: IsoTime.nullable(),
  refusalReason: z.string().nullable(),
  /** Ghi chú: how it arrived (the server, an edXML package from another QLVB system, or registered by hand from paper or a scan). */
  via: z.enum(["server", "edxml", "paper", "scan"]),
});
export type IncomingDelivery = z.infer<typeof IncomingDelivery>;

// ---------------------------------------------------------------- blobs
export const MAX_BLOB_SIZE = 200 * 1024 * 1024;
export const MAX_CHUNK_SIZE = 8 * 1024 * 1024;
export const CreateUpload = z.object({ sha256: Sha256Hex, size: z.number().int().min(1).max(MAX_BLOB_SIZE) });
export const UploadState = z.object({
  uploadId: z.string().nullable(),
  sha256: Sha256Hex,
  size: z.number().int(),
  offset: z.number().int(),
  complete: z.boolean(),
});
export type UploadState = z.infer<typeof UploadState>;

// ---------------------------------------------------------------- errors
/** Every 4xx/5xx answer: a stable code, an English message for logs and a Vietnamese one for people. */
export const ApiErrorBody = z.object({ error: ApiError });
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;
