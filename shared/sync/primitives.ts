/** The small types every part of the sync protocol uses (re-exported by schemas.ts). */
import { z } from "zod";

/** ISO 8601 with an explicit offset, e.g. `2026-11-24T09:15:02+07:00`. */
export const IsoTime = z.iso.datetime({ offset: true });
/** A calendar day, `yyyy-mm-dd`. */
export const IsoDay = z.iso.date();
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "lower-case hex SHA-256");
/** Client-made ids (ULID, UUID…): letters, digits, `-` and `_`. */
export const ClientId = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/);
export const ServerId = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/);
export const OfficeId = z.string().regex(/^[0-9A-Za-z._-]{1,64}$/);

/** The roles of a user in an office. */
export const Role = z.enum([
  "clerk", // văn thư
  "leader", // lãnh đạo (người có thẩm quyền ký)
  "signature_officer", // phụ trách chữ ký số
  "district_it", // IT of the district, manages several offices
  "admin", // system administrator (creates offices and users)
  "inspector", // thanh tra, kiểm tra: reads and exports the audit trail of the offices it is given
]);
export type Role = z.infer<typeof Role>;

/** One error: a stable code, an English message for logs, a Vietnamese one for people. */
export const ApiError = z.object({
  code: z.string(),
  message: z.string(),
  messageVi: z.string(),
  details: z.unknown().optional(),
});
export type ApiError = z.infer<typeof ApiError>;

/** Someone, as the server names them in records (account id and full name). */
export const Person = z.object({ id: z.string(), name: z.string() });
export type Person = z.infer<typeof Person>;

/** The base of every mutation. */
export const MutationBase = {
  /** Client-made, unique per office: a retried push with the same id is applied once. */
  id: ClientId,
  /** The client's clock when the person acted: provisional only, never the QLVB time. */
  clientTime: IsoTime,
};

/** The server version a change was based on: 0 = "this record must not exist yet". */
export const BaseVersion = z.number().int().min(0);
