/**
 * edXML document packages (QCVN 102:2016/BTTTT, amended by TT 01/2022/TT-BTTTT), for
 * exchange with other QLVB systems and the national document exchange axis.
 *
 * Field names as domain-notes.md lists them. Implementations differ in a few spellings
 * (`OrganizationInCharge`/`OrganInCharge`, `Bussiness`/`Business`): we read both and write
 * the first. Dates are `yyyy/MM/dd`; trace times `yyyy/MM/dd HH:mm:ss` in Vietnam time, as the
 * public SDKs write them (ISO 8601 is read too). `DocumentType` is written as the SDKs write it:
 * `Type` a number (1, văn bản hành chính), `TypeDetail` (0) and `TypeName` the name of Phụ lục
 * III; on reading, our type code comes back from TypeName. The XML Signature over the package
 * is made and checked by the server (sync-server/edxml/signature.ts), which holds the key; the
 * PDFs inside also carry their own PAdES signatures, which the recipient verifies (R10).
 */
import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { VanthuError } from "../errors.ts";
import { DOCUMENT_TYPES, documentTypeByCode } from "../domain/document-types.ts";
import type { DocumentHeader } from "./schemas.ts";

export const EDXML_NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016";

export interface EdxmlOrgan {
  organId: string;
  organName: string;
  organizationInCharge?: string;
  organAdd?: string;
  email?: string;
  telephone?: string;
  fax?: string;
  website?: string;
}

export interface EdxmlAttachment {
  contentId: string;
  name: string;
  contentType: string;
  description?: string;
  data: Uint8Array;
}

/** BussinessDocType: 0 new, 1 recall (thu hồi), 2 update, 3 replace. */
export type BusinessDocType = 0 | 1 | 2 | 3;

/** StaffInfo: the person who handled the package (Bussiness) or a status (Status). */
export interface EdxmlStaff {
  department?: string;
  name?: string;
  mobile?: string;
  email?: string;
}

/**
 * One step of the document's way (TraceHeaderList/TraceHeader: OrganId, Timestamp). The handling
 * of an incoming document adds its steps (status code, opinion, who acted) after them; those
 * three children are our extension, which readers that follow the SDKs skip.
 */
export interface EdxmlTrace {
  organId: string;
  /** ISO 8601 with offset (written as `yyyy/MM/dd HH:mm:ss`, Vietnam time). */
  timestamp: string;
  statusCode?: string;
  description?: string;
  staff?: EdxmlStaff;
}

export interface EdxmlBusiness {
  docType: BusinessDocType;
  reason?: string;
  staff?: EdxmlStaff;
  /** Paper: 1 when a paper original is also sent (gửi kèm bản giấy), 0 when not. */
  paper?: 0 | 1;
}

export interface EdxmlPackage {
  from: EdxmlOrgan;
  to: EdxmlOrgan[];
  header: DocumentHeader;
  trace: EdxmlTrace[];
  business: EdxmlBusiness;
  responseFor?: string;
  attachments: EdxmlAttachment[];
}

const P = "edXML:";

function organXml(o: EdxmlOrgan) {
  return {
    [`${P}OrganId`]: o.organId,
    [`${P}OrganName`]: o.organName,
    [`${P}OrganizationInCharge`]: o.organizationInCharge ?? "",
    [`${P}OrganAdd`]: o.organAdd ?? "",
    [`${P}Email`]: o.email ?? "",
    [`${P}Telephone`]: o.telephone ?? "",
    [`${P}Fax`]: o.fax ?? "",
    [`${P}Website`]: o.website ?? "",
  };
}

const slashDate = (day: string) => day.replaceAll("-", "/");

/** `yyyy/MM/dd HH:mm:ss` in Vietnam time, as the SDKs write trace and status times. */
export function edxmlTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const v = new Date(t + 7 * 3600_000).toISOString();
  return `${v.slice(0, 4)}/${v.slice(5, 7)}/${v.slice(8, 10)} ${v.slice(11, 19)}`;
}

/** Reads `yyyy/MM/dd HH:mm:ss` (Vietnam time) or ISO 8601 into ISO 8601 with +07:00. */
export function readEdxmlTime(s: string | undefined): string {
  if (!s) return "";
  const m = /^(\d{4})[/-](\d{2})[/-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(s.trim());
  if (m) return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+07:00`;
  if (/(?:[+-]\d{2}:\d{2})$/.test(s.trim()) && !Number.isNaN(Date.parse(s))) return s.trim();
  const t = Date.parse(s);
  if (Number.isNaN(t)) return s;
  const v = new Date(t + 7 * 3600_000).toISOString();
  return `${v.slice(0, 19)}+07:00`;
}

/** Type 1: văn bản hành chính (every document this system makes); TypeDetail 0, as the public SDKs write. */
export const EDXML_TYPE_ADMINISTRATIVE = 1;

function staffXml(st: EdxmlStaff | undefined) {
  return { [`${P}Department`]: st?.department ?? "", [`${P}Staff`]: st?.name ?? "", [`${P}Mobile`]: st?.mobile ?? "", [`${P}Email`]: st?.email ?? "" };
}

function traceXml(t: EdxmlTrace) {
  const x: Record<string, unknown> = { [`${P}OrganId`]: t.organId, [`${P}Timestamp`]: edxmlTime(t.timestamp) };
  if (t.statusCode) x[`${P}StatusCode`] = t.statusCode;
  if (t.description) x[`${P}Description`] = t.description;
  if (t.staff) x[`${P}StaffInfo`] = staffXml(t.staff);
  return x;
}

export function buildEdxml(pkg: EdxmlPackage): string {
  const h = pkg.header;
  const messageHeader: Record<string, unknown> = {
    [`${P}From`]: organXml(pkg.from),
    [`${P}To`]: pkg.to.map(organXml),
    [`${P}DocumentId`]: h.documentId ?? `${pkg.from.organId},${slashDate(h.promulgationDate)},${h.codeNumber}/${h.codeNotation}`,
    [`${P}Code`]: { [`${P}CodeNumber`]: h.codeNumber, [`${P}CodeNotation`]: h.codeNotation },
    [`${P}PromulgationInfo`]: { [`${P}Place`]: h.promulgationPlace ?? "", [`${P}PromulgationDate`]: slashDate(h.promulgationDate) },
    [`${P}DocumentType`]: {
      [`${P}Type`]: EDXML_TYPE_ADMINISTRATIVE,
      [`${P}TypeName`]: h.typeName ?? (h.typeCode ? documentTypeByCode(h.typeCode)?.name : undefined) ?? "",
      [`${P}TypeDetail`]: 0,
    },
    [`${P}Subject`]: h.subject,
    [`${P}Content`]: h.content ?? "",
    [`${P}SignerInfo`]: { [`${P}Competence`]: h.signerCompetence ?? "", [`${P}Position`]: h.signerPosition ?? "", [`${P}FullName`]: h.signerFullName ?? "" },
    [`${P}DueDate`]: h.dueDate ? slashDate(h.dueDate) : "",
    [`${P}ToPlaces`]: { [`${P}Place`]: h.toPlaces ?? [] },
    [`${P}OtherInfo`]: {
      [`${P}Priority`]: h.priority ?? 0,
      [`${P}SphereOfPromulgation`]: h.sphereOfPromulgation ?? "",
      [`${P}TyperNotation`]: h.typerNotation ?? "",
      [`${P}PromulgationAmount`]: h.promulgationAmount ?? "",
      [`${P}PageAmount`]: h.pageAmount ?? "",
      [`${P}Appendixes`]: { [`${P}Appendix`]: pkg.attachments.filter((a) => a.description === "appendix").map((a) => a.name) },
    },
    [`${P}SteeringType`]: h.steeringType ?? "",
  };
  if (pkg.responseFor) messageHeader[`${P}ResponseFor`] = pkg.responseFor;
  const doc = {
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    [`${P}edXML`]: {
      [`@_xmlns:edXML`]: EDXML_NAMESPACE,
      [`${P}edXMLEnvelope`]: {
        [`${P}edXMLHeader`]: {
          [`${P}MessageHeader`]: messageHeader,
          [`${P}TraceHeaderList`]: {
            [`${P}TraceHeader`]: pkg.trace.map(traceXml),
            [`${P}Bussiness`]: {
              [`${P}BussinessDocType`]: pkg.business.docType,
              [`${P}BussinessDocReason`]: pkg.business.reason ?? BUSINESS_REASON_VI[pkg.business.docType],
              [`${P}StaffInfo`]: staffXml(pkg.business.staff),
              [`${P}Paper`]: pkg.business.paper ?? 0,
            },
          },
        },
        [`${P}edXMLBody`]: {
          [`${P}edXMLManifest`]: {
            [`${P}Reference`]: pkg.attachments.map((a) => ({
              [`${P}ContentId`]: `cid:${a.contentId}`,
              [`${P}ContentType`]: a.contentType,
              [`${P}AttachmentName`]: a.name,
              [`${P}Description`]: a.description ?? "",
            })),
          },
        },
      },
      [`${P}AttachmentEncoded`]: {
        [`${P}Attachment`]: pkg.attachments.map((a) => ({
          [`${P}ContentId`]: a.contentId,
          [`${P}AttachmentName`]: a.name,
          [`${P}Description`]: a.description ?? "",
          [`${P}ContentType`]: a.contentType,
          [`${P}ContentTransferEncoded`]: toBase64(a.data),
        })),
      },
    },
  };
  return new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true }).build(doc) as string;
}

const ARRAYS = new Set([
  "edXML.edXMLEnvelope.edXMLHeader.MessageHeader.To",
  "edXML.edXMLEnvelope.edXMLHeader.MessageHeader.ToPlaces.Place",
  "edXML.edXMLEnvelope.edXMLHeader.MessageHeader.OtherInfo.Appendixes.Appendix",
  "edXML.edXMLEnvelope.edXMLHeader.TraceHeaderList.TraceHeader",
  "edXML.edXMLEnvelope.edXMLBody.edXMLManifest.Reference",
  "edXML.AttachmentEncoded.Attachment",
]);

type Node = Record<string, unknown>;
const obj = (v: unknown): Node => (v && typeof v === "object" && !Array.isArray(v) ? (v as Node) : {});
const str = (v: unknown): string | undefined => (v === undefined || v === null || v === "" ? undefined : String(v).trim() || undefined);
const num = (v: unknown): number | undefined => {
  const s = str(v);
  return s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined;
};

function invalid(why: string, whyVi: string): VanthuError {
  return new VanthuError("edxml.invalid", `Gói edXML không hợp lệ: ${whyVi}.`, `Invalid edXML package: ${why}`);
}

/** `yyyy/MM/dd`, `yyyy-MM-dd` or `dd/MM/yyyy` → `yyyy-MM-dd`. */
function day(v: unknown, field: string): string | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  let m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})/.exec(s);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s))) [y, mo, d] = [Number(m[3]), Number(m[2]), Number(m[1])];
  else throw invalid(`${field}: bad date '${s}'`, `ngày ${field} sai (${s})`);
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) throw invalid(`${field}: bad date '${s}'`, `ngày ${field} sai (${s})`);
  return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

function organ(n: Node): EdxmlOrgan {
  return {
    organId: str(n.OrganId) ?? "",
    organName: str(n.OrganName) ?? "",
    organizationInCharge: str(n.OrganizationInCharge) ?? str(n.OrganInCharge),
    organAdd: str(n.OrganAdd),
    email: str(n.Email),
    telephone: str(n.Telephone),
    fax: str(n.Fax),
    website: str(n.Website),
  };
}

export function parseEdxml(xml: string): EdxmlPackage {
  // No DTDs: entity expansion is a classic XML bomb and edXML has no use for it.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw invalid("DOCTYPE/ENTITY declarations are not allowed", "không được chứa khai báo DOCTYPE/ENTITY");
  let tree: Node;
  try {
    tree = new XMLParser({
      removeNSPrefix: true,
      ignoreAttributes: true,
      parseTagValue: false,
      trimValues: true,
      isArray: (_name, jpath) => ARRAYS.has(String(jpath)),
    }).parse(xml, true) as Node;
  } catch (e) {
    throw invalid(`not well-formed XML (${(e as Error).message.split("\n")[0]})`, "không phải XML hợp lệ");
  }
  const root = obj(tree.edXML);
  const env = obj(root.edXMLEnvelope);
  const head = obj(env.edXMLHeader);
  const mh = obj(head.MessageHeader);
  if (!root.edXMLEnvelope || !head.MessageHeader) throw invalid("missing edXML/edXMLEnvelope/edXMLHeader/MessageHeader", "thiếu phần MessageHeader");
  const from = organ(obj(mh.From));
  if (!from.organId || !from.organName) throw invalid("From/OrganId and From/OrganName are required", "thiếu mã hoặc tên cơ quan gửi");
  const code = obj(mh.Code);
  const codeNumber = str(code.CodeNumber);
  const subject = str(mh.Subject);
  const promulgationDate = day(obj(mh.PromulgationInfo).PromulgationDate, "PromulgationDate");
  if (!codeNumber || !subject || !promulgationDate)
    throw invalid("Code/CodeNumber, Subject and PromulgationInfo/PromulgationDate are required", "thiếu số văn bản, trích yếu hoặc ngày ban hành");
  const signer = obj(mh.SignerInfo);
  const type = obj(mh.DocumentType);
  const other = obj(mh.OtherInfo);
  const header: DocumentHeader = {
    documentId: str(mh.DocumentId),
    codeNumber,
    codeNotation: str(code.CodeNotation) ?? "",
    typeCode: typeCodeOf(str(type.Type), str(type.TypeName)),
    typeName: str(type.TypeName),
    subject,
    content: str(mh.Content),
    promulgationPlace: str(obj(mh.PromulgationInfo).Place),
    promulgationDate,
    signerCompetence: str(signer.Competence),
    signerPosition: str(signer.Position),
    signerFullName: str(signer.FullName),
    dueDate: day(mh.DueDate, "DueDate"),
    toPlaces: ((obj(mh.ToPlaces).Place as unknown[]) ?? []).map((p) => String(p)).filter(Boolean),
    priority: num(other.Priority),
    sphereOfPromulgation: str(other.SphereOfPromulgation),
    typerNotation: str(other.TyperNotation),
    promulgationAmount: num(other.PromulgationAmount),
    pageAmount: num(other.PageAmount),
    steeringType: num(mh.SteeringType),
  };
  for (const k of Object.keys(header) as (keyof DocumentHeader)[]) if (header[k] === undefined) delete header[k];
  const traceList = obj(head.TraceHeaderList);
  const business = obj(traceList.Bussiness ?? traceList.Business ?? head.Bussiness ?? head.Business);
  const docType = num(business.BussinessDocType ?? business.BusinessDocType) ?? 0;
  if (docType > 3) throw invalid(`BussinessDocType ${docType} unknown`, `loại nghiệp vụ ${docType} không biết`);
  const manifest = ((obj(obj(env.edXMLBody).edXMLManifest).Reference as Node[]) ?? []).map(obj);
  const attachments = ((obj(root.AttachmentEncoded).Attachment as Node[]) ?? []).map(obj).map((a, i) => {
    const contentId = (str(a.ContentId) ?? String(i + 1)).replace(/^cid:/, "");
    const ref = manifest.find((r) => (str(r.ContentId) ?? "").replace(/^cid:/, "") === contentId);
    const encoded = str(a.ContentTransferEncoded) ?? "";
    return {
      contentId,
      name: str(a.AttachmentName) ?? str(ref?.AttachmentName) ?? `attachment-${i + 1}`,
      contentType: str(a.ContentType) ?? str(ref?.ContentType) ?? "application/octet-stream",
      description: str(a.Description) ?? str(ref?.Description),
      data: fromBase64(encoded, contentId),
    };
  });
  return {
    from,
    to: ((mh.To as Node[]) ?? []).map(obj).map(organ),
    header,
    trace: ((traceList.TraceHeader as Node[]) ?? []).map(obj).map(readTrace),
    business: {
      docType: docType as BusinessDocType,
      reason: str(business.BussinessDocReason ?? business.BusinessDocReason),
      ...(business.StaffInfo ? { staff: readStaff(obj(business.StaffInfo)) } : {}),
      ...(num(business.Paper) !== undefined ? { paper: num(business.Paper) === 1 ? (1 as const) : (0 as const) } : {}),
    },
    responseFor: str(mh.ResponseFor),
    attachments,
  };
}

const BUSINESS_REASON_VI: Record<BusinessDocType, string> = { 0: "Văn bản mới", 1: "Thu hồi văn bản", 2: "Cập nhật văn bản", 3: "Thay thế văn bản" };

/** Our type code: a number written by the SDKs gives it through TypeName; an older package's code is kept. */
function typeCodeOf(type: string | undefined, typeName: string | undefined): string | undefined {
  if (type !== undefined && !/^\d+$/.test(type)) return type;
  if (!typeName) return undefined;
  const folded = typeName.normalize("NFC").toLocaleLowerCase("vi");
  return DOCUMENT_TYPES.find((t) => t.name.toLocaleLowerCase("vi") === folded)?.code;
}

function readStaff(n: Node): EdxmlStaff {
  const out: EdxmlStaff = { department: str(n.Department), name: str(n.Staff), mobile: str(n.Mobile), email: str(n.Email) };
  for (const k of Object.keys(out) as (keyof EdxmlStaff)[]) if (out[k] === undefined) delete out[k];
  return out;
}

function readTrace(t: Node): EdxmlTrace {
  const out: EdxmlTrace = { organId: str(t.OrganId) ?? "", timestamp: readEdxmlTime(str(t.Timestamp)) };
  if (str(t.StatusCode)) out.statusCode = str(t.StatusCode);
  if (str(t.Description)) out.description = str(t.Description);
  if (t.StaffInfo) out.staff = readStaff(obj(t.StaffInfo));
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string, contentId: string): Uint8Array {
  const clean = b64.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0)
    throw invalid(`attachment ${contentId}: bad base64`, `tệp đính kèm ${contentId} mã hóa base64 sai`);
  const bin = atob(clean);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Status codes of the edXML status package (domain-notes.md). */
export const EDXML_STATUS = {
  arrived: "01", // đã đến
  refused: "02", // từ chối tiếp nhận
  accepted: "03", // đã tiếp nhận
  assigned: "04", // phân công
  processing: "05", // đang xử lý
  done: "06", // hoàn thành
  recall: "13", // thu hồi: the sender recalls a document it sent
  recallAccepted: "15", // đồng ý thu hồi / cập nhật
  recallRefused: "16", // từ chối thu hồi / cập nhật
} as const;

export const EDXML_STATUS_VI: Readonly<Record<string, string>> = {
  "01": "Đã đến",
  "02": "Từ chối tiếp nhận",
  "03": "Đã tiếp nhận",
  "04": "Phân công xử lý",
  "05": "Đang xử lý",
  "06": "Hoàn thành",
  "13": "Thu hồi",
  "15": "Đồng ý thu hồi, cập nhật",
  "16": "Từ chối thu hồi, cập nhật",
};

export interface EdxmlStatus {
  responseFor: { organId: string; codeNumber: string; codeNotation: string; promulgationDate: string; documentId: string };
  from: EdxmlOrgan;
  statusCode: (typeof EDXML_STATUS)[keyof typeof EDXML_STATUS];
  description?: string;
  /** The QLVB time of the event, ISO 8601 with offset. */
  timestamp: string;
  staff?: EdxmlStaff;
}

/**
 * A status package: the recipient tells the sending system that a document arrived, was
 * accepted (with the QLVB receive time) or refused with a reason (Điều 17.3). The element
 * order follows the public implementations; the standard's own text was not available.
 */
export function buildEdxmlStatus(s: EdxmlStatus): string {
  const doc = {
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    [`${P}edXML`]: {
      [`@_xmlns:edXML`]: EDXML_NAMESPACE,
      [`${P}edXMLEnvelope`]: {
        [`${P}edXMLHeader`]: {
          [`${P}Status`]: {
            [`${P}ResponseFor`]: {
              [`${P}OrganId`]: s.responseFor.organId,
              [`${P}Code`]: `${s.responseFor.codeNumber}/${s.responseFor.codeNotation}`,
              [`${P}PromulgationDate`]: slashDate(s.responseFor.promulgationDate),
              [`${P}DocumentId`]: s.responseFor.documentId,
            },
            [`${P}From`]: organXml(s.from),
            [`${P}StatusCode`]: s.statusCode,
            [`${P}Description`]: s.description ?? "",
            // The legal QLVB time with its milliseconds and offset (R7); readers of the SDKs' format parse it too.
            [`${P}Timestamp`]: s.timestamp,
            [`${P}StaffInfo`]: staffXml(s.staff),
          },
        },
        [`${P}edXMLBody`]: "",
      },
    },
  };
  return new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true }).build(doc) as string;
}

export function parseEdxmlStatus(xml: string): EdxmlStatus {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw invalid("DOCTYPE/ENTITY declarations are not allowed", "không được chứa khai báo DOCTYPE/ENTITY");
  let tree: Node;
  try {
    tree = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, trimValues: true }).parse(xml, true) as Node;
  } catch (e) {
    throw invalid(`not well-formed XML (${(e as Error).message.split("\n")[0]})`, "không phải XML hợp lệ");
  }
  const st = obj(obj(obj(obj(tree.edXML).edXMLEnvelope).edXMLHeader).Status);
  const code = str(st.StatusCode);
  const codes = Object.values(EDXML_STATUS) as string[];
  if (!code || !codes.includes(code)) throw invalid(`StatusCode '${code ?? ""}' unknown`, `mã trạng thái '${code ?? ""}' không biết`);
  const rf = obj(st.ResponseFor);
  const [codeNumber, ...notation] = (str(rf.Code) ?? "").split("/");
  const staff = obj(st.StaffInfo);
  return {
    responseFor: {
      organId: str(rf.OrganId) ?? "",
      codeNumber: codeNumber ?? "",
      codeNotation: notation.join("/"),
      promulgationDate: day(rf.PromulgationDate, "PromulgationDate") ?? "",
      documentId: str(rf.DocumentId) ?? "",
    },
    from: organ(obj(st.From)),
    statusCode: code as EdxmlStatus["statusCode"],
    description: str(st.Description),
    timestamp: readEdxmlTime(str(st.Timestamp)),
    staff: readStaff(staff),
  };
}
