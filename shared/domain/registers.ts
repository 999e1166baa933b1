import type { Urgency } from "./secrecy.ts";

/**
 * Entries of the registers (sổ đăng ký văn bản đi / đến), with the columns of Nghị định 30/2020
 * Phụ lục IV and the field names of Phụ lục VI (edXML) in comments.
 */
export interface OutgoingRegisterEntry {
  id: string;
  year: number;
  /** Số (CodeNumber), per year. */
  number: number;
  /** Số, ký hiệu văn bản, e.g. `12/UBND-VP`. */
  numberAndSymbol: string;
  /** Ngày tháng văn bản (IssuedDate), yyyy-mm-dd. */
  documentDate: string;
  /** Tên loại (TypeName), code from DOCUMENT_TYPES. */
  typeCode: string;
  /** Trích yếu nội dung (Subject). */
  summary: string;
  /** Người ký (SignerInfo FullName) and chức vụ (Position). */
  signerName: string;
  signerTitle: string;
  /** Nơi nhận (To). */
  recipients: string[];
  /** Đơn vị, người nhận bản lưu. */
  archiveHolder: string;
  /** Số lượng bản (IssuedAmount). */
  copies: number;
  /** Ngày chuyển: the QLVB send time when known, else provisional local time. */
  sentAt?: string;
  sentAtProvisional?: boolean;
  /** Ký nhận. */
  receipt?: string;
  /** Ghi chú. */
  note?: string;
  urgency: Urgency;
  documentSha256?: string;
  /** Văn bản kèm theo / phụ lục in separate files, each signed by the organisation (R4, R5). */
  attachments?: AttachedFile[];
  status: "issued" | "sent" | "refused-by-recipient";
  refusalReason?: string;
  searchTokens: string[];
}

export interface AttachedFile {
  sha256: string;
  name: string;
  role: "attachment" | "appendix";
}

export interface IncomingRegisterEntry {
  id: string;
  year: number;
  /** Số đến (ArrivalNumber), one yearly sequence. */
  number: number;
  /** Ngày đến (ArrivalDate): QLVB receive time when known. */
  arrivedAt: string;
  arrivedAtProvisional?: boolean;
  /** Tác giả: the issuing body (OrganName). */
  issuer: string;
  numberAndSymbol: string;
  documentDate: string;
  typeCode: string;
  summary: string;
  /** Đơn vị hoặc người nhận. */
  handler: string;
  /** Ngày chuyển. */
  handedOverAt?: string;
  receipt?: string;
  note?: string;
  urgency: Urgency;
  documentId?: string;
  documentSha256?: string;
  /** Hình thức nhận: on paper (its scan kept) or an unsigned scan; electronic when absent. */
  receiptForm?: "electronic" | "paper" | "scan";
  /** Trạng thái xử lý. */
  status: "registered" | "in-progress" | "done";
  searchTokens: string[];
}

export const OUTGOING_COLUMNS_VI = [
  "Số, ký hiệu văn bản",
  "Ngày tháng văn bản",
  "Tên loại và trích yếu nội dung",
  "Người ký",
  "Nơi nhận",
  "Đơn vị, người nhận bản lưu",
  "Số lượng bản",
  "Ngày chuyển",
  "Ký nhận",
  "Ghi chú",
] as const;

export const INCOMING_COLUMNS_VI = [
  "Ngày đến",
  "Số đến",
  "Tác giả",
  "Số, ký hiệu văn bản",
  "Ngày tháng văn bản",
  "Tên loại và trích yếu nội dung",
  "Đơn vị hoặc người nhận",
  "Ngày chuyển",
  "Ký nhận",
  "Ghi chú",
] as const;
