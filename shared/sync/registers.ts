/**
 * Numbers of the office's registers, given by the server (Nghị định 30/2020: one sequence per
 * register per year, from 01 on 1 January). Every number taken from a sequence is a row that
 * stays: reserved, assigned to a document, or cancelled with a recorded reason — a number never
 * disappears silently and two documents never share one.
 *
 * Offline: while online, a device reserves a small block (`number.reserve`); offline, a draft
 * is submitted with one of them (`draft.submit.reservedNumber`) and shows it as provisional
 * ("số tạm") until the server's answer confirms it. A reserved number that will not be used
 * is cancelled with a reason (`number.cancel`). A reservation of one year cannot be used in
 * the next: the server refuses it and the device takes a new one.
 */
import { z } from "zod";
import { ClientId, IsoDay, IsoTime, MutationBase, Person } from "./primitives.ts";

export const REGISTER_NUMBER_ENTITY = "register.number";
export const DEFAULT_OUTGOING_REGISTER = "vb-di";
export const MAX_RESERVED_BLOCK = 20;

export const RegisterId = z.string().regex(/^[a-z0-9-]{1,40}$/);

export const RegisterNumberState = z.enum(["reserved", "assigned", "cancelled"]);
export type RegisterNumberState = z.infer<typeof RegisterNumberState>;

/** One number of a register (entity `register.number`, id `registerId:year:number`). */
export const RegisterNumber = z.object({
  registerId: z.string(),
  year: z.number().int(),
  number: z.number().int(),
  state: RegisterNumberState,
  /** The device (sync clientId) and person that reserved it (state reserved, or assigned from a reservation). */
  reservedBy: Person.nullable(),
  reservedForClient: z.string().nullable(),
  reservedAt: IsoTime.nullable(),
  draftId: z.string().nullable(),
  numberAndSymbol: z.string().nullable(),
  assignedAt: IsoTime.nullable(),
  cancelledAt: IsoTime.nullable(),
  cancelledBy: Person.nullable(),
  cancelReason: z.string().nullable(),
});
export type RegisterNumber = z.infer<typeof RegisterNumber>;

/** Reserve a block of outgoing numbers for this device, to be used offline. */
export const NumberReserve = z.object({
  ...MutationBase,
  type: z.literal("number.reserve"),
  registerId: RegisterId.default(DEFAULT_OUTGOING_REGISTER),
  count: z.number().int().min(1).max(MAX_RESERVED_BLOCK),
});
/** Cancel a reserved number (or one whose draft was cancelled) with the reason, recorded in the register. */
export const NumberCancel = z.object({
  ...MutationBase,
  type: z.literal("number.cancel"),
  registerId: RegisterId.default(DEFAULT_OUTGOING_REGISTER),
  year: z.number().int(),
  number: z.number().int().min(1),
  reason: z.string().trim().min(1).max(2000),
});

/** Hình thức tiếp nhận of an incoming document registered by hand. */
export const ReceiptForm = z.enum(["paper", "scan"]);
export const RECEIPT_FORM_LABELS_VI = {
  paper: "Bản giấy",
  scan: "Bản quét (không có chữ ký số)",
  server: "Điện tử (qua hệ thống)",
  edxml: "Điện tử (gói edXML)",
} as const;

/**
 * Vào sổ văn bản đến a document received on paper or as an unsigned scan: no signature
 * verdict is asked for; the server gives the số đến and the QLVB time of registration.
 * (Electronic documents arrive through the exchange and are accepted with exchange.accept.)
 */
export const IncomingRegister = z.object({
  ...MutationBase,
  type: z.literal("incoming.register"),
  entryId: ClientId,
  form: ReceiptForm,
  from: z.object({ name: z.string().trim().min(1).max(300), organId: z.string().max(50).optional() }),
  /** Số, ký hiệu of the document as printed on it, e.g. "15/QĐ-UBND". */
  numberAndSymbol: z.string().trim().min(1).max(60),
  documentDate: IsoDay,
  subject: z.string().trim().min(1).max(500),
  typeName: z.string().max(100).optional(),
  /** The day it arrived, when earlier than its registration. */
  arrivedOn: IsoDay.optional(),
  /** The scan (for form "scan"; optional for paper), uploaded as a blob first. */
  scan: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), name: z.string().min(1).max(255) }).optional(),
  note: z.string().max(2000).optional(),
});
export type IncomingRegister = z.infer<typeof IncomingRegister>;
