/**
 * Trình ký on the server: a draft is an office record whose states and steps only the server
 * moves, each step recorded with who, when (QLVB time) and what changed; every revision's file
 * is a blob (uploaded first through /api/blobs) and every revision is kept.
 *
 *   drafting ──submit──▶ submitted ──approve──▶ approved ──sign──▶ signed ──issue──▶ issued ──send──▶ sent
 *      ▲  │                 │  └─────────────sign (approve and sign at once)──▶ signed
 *      │  revise            return (reasons)
 *      └──────── returned ◀─┘
 *   any state before issued ──cancel (reason)──▶ cancelled
 *
 * The outgoing number is taken from the office's register when the draft is submitted
 * (shared/sync/registers.ts); it stays with the draft through returns and resubmissions and
 * is cancelled, with the draft's cancel reason, if the draft is cancelled.
 */
import { z } from "zod";
import { BaseVersion, ClientId, IsoDay, IsoTime, MutationBase, Person, Sha256Hex } from "./primitives.ts";

export const DRAFT_ENTITY = "draft.document";

export const DraftState = z.enum(["drafting", "submitted", "returned", "approved", "signed", "issued", "sent", "cancelled"]);
export type DraftState = z.infer<typeof DraftState>;

export const DRAFT_STATE_LABELS_VI: Record<DraftState, string> = {
  drafting: "Đang soạn thảo",
  submitted: "Chờ lãnh đạo xem xét",
  returned: "Bị trả lại",
  approved: "Đã duyệt, chờ ký tại máy tính",
  signed: "Đã ký, chờ văn thư phát hành",
  issued: "Đã phát hành",
  sent: "Đã gửi",
  cancelled: "Đã hủy",
};

/** A file of the draft as the client names it (the bytes are uploaded as a blob first). */
export const RevisionInput = z.object({
  sha256: Sha256Hex,
  name: z.string().trim().min(1).max(255),
});
export type RevisionInput = z.infer<typeof RevisionInput>;

/** The parts of the số và ký hiệu (Nghị định 30/2020 Phụ lục I), formatted by the server with the number. */
export const Numbering = z.object({
  /** Register (sổ văn bản đi) of the office; "vb-di" is the default register. */
  registerId: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/)
    .default("vb-di"),
  /** Document type code of shared/domain/document-types.ts (e.g. "QD", "CV"). */
  typeCode: z.string().min(1).max(10),
  /** The issuing body's symbol, e.g. "UBND". */
  issuerSymbol: z.string().trim().min(1).max(30),
  /** The drafting unit's symbol (required for công văn), e.g. "VP". */
  unitSymbol: z.string().trim().min(1).max(30).optional(),
});
export type Numbering = z.input<typeof Numbering>;

/** The number a draft holds, from the register on the server. */
export const DraftNumber = z.object({
  registerId: z.string(),
  year: z.number().int(),
  number: z.number().int().min(1),
  /** `07/QĐ-UBND`: what the PDF and the register both show. */
  numberAndSymbol: z.string(),
  /** The date of issue written into the document (yyyy-mm-dd, Vietnam), the day the number was taken. */
  issueDate: IsoDay,
  /** QLVB time the number was taken. */
  assignedAt: IsoTime,
  /** "register": taken at submission; "reserved": from a block the device reserved earlier (registers.ts). */
  source: z.enum(["register", "reserved"]),
});
export type DraftNumber = z.infer<typeof DraftNumber>;

export const DraftRevision = z.object({
  n: z.number().int().min(1),
  sha256: Sha256Hex,
  name: z.string(),
  /** draft: a working file; signed: with the official's signature; issued: with the office's seal signature. */
  kind: z.enum(["draft", "signed", "issued"]),
  by: Person,
  at: IsoTime,
});
export type DraftRevision = z.infer<typeof DraftRevision>;

export const DraftStep = z.enum(["create", "revise", "submit", "comment", "return", "approve", "sign", "issue", "send", "cancel"]);
export type DraftStep = z.infer<typeof DraftStep>;

export const DRAFT_STEP_LABELS_VI: Record<DraftStep, string> = {
  create: "Tạo dự thảo",
  revise: "Sửa dự thảo",
  submit: "Trình ký",
  comment: "Góp ý",
  return: "Trả lại",
  approve: "Duyệt",
  sign: "Ký số",
  issue: "Phát hành",
  send: "Gửi",
  cancel: "Hủy",
};

/** One step of the draft's history: who, when (QLVB), from which state to which, and what changed. */
export const DraftEvent = z.object({
  step: DraftStep,
  from: DraftState.nullable(),
  to: DraftState,
  by: Person,
  at: IsoTime,
  /** The device's clock when the person acted (provisional, for reference only). */
  clientTime: IsoTime.optional(),
  note: z.string().optional(),
  reasons: z.string().optional(),
  /** The revision this step added. */
  revision: z.number().int().optional(),
  /** The official the draft was submitted to. */
  official: Person.optional(),
  numberAndSymbol: z.string().optional(),
});
export type DraftEvent = z.infer<typeof DraftEvent>;

export const DraftComment = z.object({
  id: z.string(),
  by: Person,
  at: IsoTime,
  text: z.string(),
  page: z.number().int().optional(),
});
export type DraftComment = z.infer<typeof DraftComment>;

/**
 * What the drafter filled in besides the number: who signs, in which capacity, to whom it goes.
 * Kept on the server with the draft so that any văn thư of the office, on any device, can issue
 * and send the signed revision.
 */
export const DraftParticulars = z.object({
  signerName: z.string().trim().max(200),
  signerTitle: z.string().trim().max(200),
  capacity: z.enum(["direct", "KT.", "TL.", "TUQ."]),
  principalTitle: z.string().trim().max(200).optional(),
  recipients: z.array(z.string().trim().min(1).max(300)).max(200),
  urgency: z.enum(["none", "Khẩn", "Thượng khẩn", "Hỏa tốc"]),
});
export type DraftParticulars = z.infer<typeof DraftParticulars>;

/** The draft as pulled (entity `draft.document`) and as GET /api/drafts/:id answers. */
export const Draft = z.object({
  id: z.string(),
  officeId: z.string(),
  subject: z.string(),
  numbering: Numbering,
  state: DraftState,
  /** The server version: send it as baseVersion with the next step. */
  version: z.number().int(),
  createdBy: Person,
  createdAt: IsoTime,
  updatedAt: IsoTime,
  /** The named official the draft is (or was last) submitted to. */
  official: Person.nullable(),
  number: DraftNumber.nullable(),
  revisions: z.array(DraftRevision),
  history: z.array(DraftEvent),
  comments: z.array(DraftComment),
  /** The exchange it was sent by (state sent). */
  exchangeId: z.string().nullable(),
  /** Absent on drafts made before it was kept. */
  particulars: DraftParticulars.optional(),
});
export type Draft = z.infer<typeof Draft>;

// ---------------------------------------------------------------- mutations
const Base = { ...MutationBase, draftId: ClientId };
const Versioned = { ...Base, baseVersion: BaseVersion };

export const DraftCreate = z.object({
  ...Base,
  type: z.literal("draft.create"),
  subject: z.string().trim().min(1).max(500),
  numbering: Numbering,
  revision: RevisionInput,
  note: z.string().max(2000).optional(),
  particulars: DraftParticulars.optional(),
});
export const DraftRevise = z.object({
  ...Versioned,
  type: z.literal("draft.revise"),
  revision: RevisionInput,
  note: z.string().max(2000).optional(),
  subject: z.string().trim().min(1).max(500).optional(),
  particulars: DraftParticulars.optional(),
});
export const DraftSubmit = z.object({
  ...Versioned,
  type: z.literal("draft.submit"),
  /** Account id of the official (a leader of the same office) who is to review and sign. */
  officialId: z.string().min(1).max(64),
  note: z.string().max(2000).optional(),
  /** A number of a block this device reserved while online (registers.ts), used when submitting offline. */
  reservedNumber: z.object({ year: z.number().int(), number: z.number().int().min(1) }).optional(),
});
/** Comments are appended, never edited: they merge without a version. */
export const DraftCommentAdd = z.object({
  ...Base,
  type: z.literal("draft.comment"),
  commentId: ClientId,
  text: z.string().trim().min(1).max(5000),
  page: z.number().int().min(1).max(10_000).optional(),
});
export const DraftReturn = z.object({ ...Versioned, type: z.literal("draft.return"), reasons: z.string().trim().min(1).max(5000) });
export const DraftApprove = z.object({ ...Versioned, type: z.literal("draft.approve"), note: z.string().max(2000).optional() });
/** The official's signed revision (the PDF with the number and date in its blanks, signed). */
export const DraftSign = z.object({ ...Versioned, type: z.literal("draft.sign"), revision: RevisionInput });
/** The clerk's issued revision (the signed PDF with the office's seal signature). */
export const DraftIssue = z.object({ ...Versioned, type: z.literal("draft.issue"), revision: RevisionInput });
export const DraftCancel = z.object({ ...Versioned, type: z.literal("draft.cancel"), reason: z.string().trim().min(1).max(2000) });

export const DRAFT_MUTATIONS = [DraftCreate, DraftRevise, DraftSubmit, DraftCommentAdd, DraftReturn, DraftApprove, DraftSign, DraftIssue, DraftCancel] as const;
export type DraftMutation = z.infer<(typeof DRAFT_MUTATIONS)[number]>;
