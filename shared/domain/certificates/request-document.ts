import { PDF, rgb, type PDFPage } from "@libpdf/core";
import { VanthuError } from "../../errors.ts";
import {
  CHANGE_FIELD_LABELS_VI,
  REQUEST_ADDRESSEE_VI,
  REQUEST_KINDS,
  missingRequestFields,
  type CertificateRequest,
  type ContactPerson,
  type RequestingOffice,
} from "./requests.ts";

type PDFFont = ReturnType<PDF["embedFont"]>;

/**
 * The request as a công văn (Nghị định 30/2020 Phụ lục I layout), its text generated from the
 * legal form's fields (Nghị định 68/2024, Mẫu 01–07): mục 1 the contact person, mục 2 the list.
 * Drawn with @libpdf/core, the library that signs it (one PDF writer in production). The Mẫu 02 columns follow the form as public e-office code reproduces it; the other
 * lists are reconstructed from the form's purpose and should be checked against the decree's
 * appendix.
 */
export interface RequestDocument {
  headerLeft: string[];
  numberLine: string;
  subjectLine: string;
  headerRight: string[];
  placeDate: string;
  addressee: string;
  intro: string[];
  sections: string[];
  table: { columns: string[]; widths: number[]; rows: string[][] };
  closing: string[];
  recipients: string[];
  signer: { titleLines: string[]; name: string };
}

export interface RequestDocumentOptions {
  office: RequestingOffice;
  /** yyyy-mm-dd of the document. */
  date: string;
  /** Assigned when the clerk registers it; blank until then. */
  documentNumber?: string;
  signer: { titleLines: string[]; name: string };
  /** A sentence added before the closing, e.g. the incident that made the revocation urgent. */
  note?: string;
}

const DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];

/** Vietnamese words for 0–999, as a công văn writes a count: "02 (hai)". */
export function numberWordsVi(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 999) return String(n);
  if (n < 10) return DIGITS[n]!;
  const h = Math.floor(n / 100);
  const t = Math.floor((n % 100) / 10);
  const u = n % 10;
  const parts: string[] = [];
  if (h) parts.push(`${DIGITS[h]} trăm`);
  if (t === 0 && h && u) parts.push("lẻ");
  if (t === 1) parts.push("mười");
  else if (t > 1) parts.push(`${DIGITS[t]} mươi`);
  if (u) {
    if (u === 5 && t >= 1) parts.push("lăm");
    else if (u === 1 && t >= 2) parts.push("mốt");
    else if (u === 4 && t >= 2) parts.push("tư");
    else parts.push(DIGITS[u]!);
  }
  return parts.join(" ");
}

function count(n: number): string {
  return `${String(n).padStart(2, "0")} (${numberWordsVi(n)})`;
}

/** "Hải Phòng, ngày 05 tháng 01 năm 2026": days below 10 and months 1–2 take a leading 0 (Nghị định 30/2020 Phụ lục I). */
export function placeDateLine(place: string, day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const dd = String(d).padStart(2, "0");
  const mm = m <= 2 ? String(m).padStart(2, "0") : String(m);
  return `${place}, ngày ${dd} tháng ${mm} năm ${y}`;
}

function dayVi(day: string | undefined): string {
  if (!day) return "…";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : day;
}

function contactLines(heading: string, c: ContactPerson, withAddress: boolean): string[] {
  const id = c.idNumber ? `; Số định danh cá nhân: ${c.idNumber}; Ngày cấp: ${dayVi(c.idIssuedDate)}; Nơi cấp: ${c.idIssuedPlace ?? "…"}` : "";
  const lines = [
    heading,
    `- Họ và tên: ${c.fullName}${id}.`,
    `- Chức vụ: ${c.title}; Số điện thoại di động: ${c.phone}; Địa chỉ thư điện tử công vụ: ${c.email}.`,
  ];
  if (withAddress) lines.push(`- Địa chỉ tiếp nhận: ${c.address ?? "…"}.`);
  return lines;
}

const ACTION_VI: Record<CertificateRequest["kind"], string> = {
  "issue-person": "cấp chứng thư chữ ký số chuyên dùng công vụ cho cá nhân",
  "issue-organisation": "cấp chứng thư chữ ký số chuyên dùng công vụ cho cơ quan, tổ chức",
  "issue-device": "cấp chứng thư chữ ký số chuyên dùng công vụ cho thiết bị, dịch vụ, phần mềm",
  "token-handover": "ghi nhận việc bàn giao thiết bị lưu khóa bí mật",
  renewal: "gia hạn chứng thư chữ ký số chuyên dùng công vụ",
  change: "thay đổi nội dung thông tin chứng thư chữ ký số chuyên dùng công vụ",
  revocation: "thu hồi chứng thư chữ ký số chuyên dùng công vụ",
  "token-recovery": "khôi phục thiết bị lưu khóa bí mật",
};

export function requestDocument(r: CertificateRequest, o: RequestDocumentOptions): RequestDocument {
  const missing = missingRequestFields(r.fields);
  if (missing.length)
    throw new VanthuError("request.incomplete", `Đề nghị còn thiếu: ${missing.join("; ")}.`, `Request is incomplete: ${missing.length} field(s) missing`);
  if (!o.signer.name.trim() || o.signer.titleLines.length === 0)
    throw new VanthuError("request.no-signer", "Thiếu người ký văn bản đề nghị.", "The request document needs a signer");
  const rule = REQUEST_KINDS[r.kind];
  const f = r.fields;
  const office = o.office;
  let sections: string[];
  let table: RequestDocument["table"];
  if (f.kind === "issue-person") {
    sections = [
      ...contactLines("1. Thông tin người tiếp nhận thiết bị lưu khóa bí mật:", f.contact, true),
      `2. Số lượng và danh sách đăng ký: ${count(f.subscribers.length)} cá nhân, gồm:`,
    ];
    table = {
      columns: ["STT", "Họ và tên", "Số định danh cá nhân", "Chức vụ", "Cơ quan, đơn vị công tác", "Tỉnh/Thành phố", "Địa chỉ thư điện tử công vụ"],
      widths: [6, 17, 15, 13, 20, 11, 18],
      rows: f.subscribers.map((s, i) => [String(i + 1), s.fullName, s.idNumber, s.title, s.unit, s.province, s.email]),
    };
  } else if (f.kind === "issue-organisation") {
    sections = [
      ...contactLines("1. Thông tin người tiếp nhận thiết bị lưu khóa bí mật:", f.contact, true),
      `2. Số lượng và danh sách đăng ký: ${count(f.organisations.length)} cơ quan, tổ chức, gồm:`,
    ];
    table = {
      columns: ["STT", "Tên cơ quan, tổ chức", "Địa chỉ", "Mã số thuế", "Mã quan hệ ngân sách", "Tỉnh/Thành phố", "Địa chỉ thư điện tử công vụ"],
      widths: [6, 20, 20, 11, 12, 11, 20],
      rows: f.organisations.map((x, i) => [String(i + 1), x.name, x.address, x.taxCode ?? "", x.budgetCode ?? "", x.province, x.email]),
    };
  } else if (f.kind === "issue-device") {
    const KIND_VI = { device: "Thiết bị", service: "Dịch vụ", software: "Phần mềm" } as const;
    sections = [
      ...contactLines("1. Thông tin người tiếp nhận thiết bị lưu khóa bí mật:", f.contact, true),
      `2. Số lượng và danh sách đăng ký: ${count(f.devices.length)} thiết bị, dịch vụ, phần mềm, gồm:`,
    ];
    table = {
      columns: [
        "STT",
        "Loại",
        "Tên thiết bị, dịch vụ, phần mềm",
        "Tên miền, số hiệu, phiên bản",
        "Đơn vị quản lý",
        "Tỉnh/Thành phố",
        "Địa chỉ thư điện tử công vụ",
      ],
      widths: [6, 10, 20, 18, 17, 11, 18],
      rows: f.devices.map((d, i) => [String(i + 1), KIND_VI[d.kind], d.name, d.identifier, d.managingUnit, d.province, d.email]),
    };
  } else if (f.kind === "token-handover") {
    sections = [
      ...contactLines("1. Thông tin người đầu mối phối hợp:", f.contact, false),
      `2. Số lượng và danh sách thiết bị lưu khóa bí mật đã bàn giao: ${count(f.tokens.length)}, gồm:`,
    ];
    table = {
      columns: ["STT", "Số hiệu thiết bị", "Tên thuê bao", "Số hiệu chứng thư số", "Bên giao", "Bên nhận", "Ngày bàn giao"],
      widths: [6, 15, 19, 17, 15, 15, 13],
      rows: f.tokens.map((t, i) => [String(i + 1), t.tokenSerial, t.holder, t.serialNumber, t.handedBy, t.receivedBy, dayVi(t.handoverDate)]),
    };
  } else {
    const heading = f.kind === "token-recovery" ? "1. Thông tin người phối hợp thực hiện khôi phục:" : "1. Thông tin người đầu mối phối hợp:";
    sections = [...contactLines(heading, f.contact, false), `2. Số lượng và danh sách chứng thư số đề nghị: ${count(f.certificates.length)}, gồm:`];
    const base = ["STT", "Tên thuê bao", "Số hiệu chứng thư số"];
    if (f.kind === "renewal") {
      table = {
        columns: [...base, "Thời gian gia hạn"],
        widths: [8, 34, 34, 24],
        rows: f.certificates.map((l, i) => [String(i + 1), l.holder, l.serialNumber, l.renewalMonths ? `${l.renewalMonths} tháng` : "Theo quy định"]),
      };
    } else if (f.kind === "change") {
      table = {
        columns: [...base, "Thông tin thay đổi", "Nội dung thay đổi"],
        widths: [7, 24, 22, 20, 27],
        rows: f.certificates.map((l, i) => [
          String(i + 1),
          l.holder,
          l.serialNumber,
          l.changeField ? CHANGE_FIELD_LABELS_VI[l.changeField] : "",
          l.newInformation ?? "",
        ]),
      };
    } else {
      table = {
        columns: [...base, "Số hiệu thiết bị lưu khóa bí mật", f.kind === "revocation" ? "Lý do thu hồi" : "Lý do khôi phục"],
        widths: [7, 22, 24, 20, 27],
        rows: f.certificates.map((l, i) => [String(i + 1), l.holder, l.serialNumber, l.tokenSerial ?? "", l.reason ?? ""]),
      };
    }
  }
  const closing = [
    ...(o.note ? [o.note] : []),
    r.kind === "token-handover"
      ? `${office.name} kính thông báo để Sở Khoa học và Công nghệ ${ACTION_VI[r.kind]} theo danh sách nêu trên.`
      : `${office.name} kính đề nghị Sở Khoa học và Công nghệ xem xét, ${ACTION_VI[r.kind]} theo danh sách nêu trên.`,
    "Trân trọng./.",
  ];
  return {
    headerLeft: [...(office.parentName ? [office.parentName.toLocaleUpperCase("vi")] : []), office.name.toLocaleUpperCase("vi")],
    numberLine: `Số: ${o.documentNumber ? o.documentNumber.split("/")[0] : "      "}/${office.symbol}`,
    subjectLine: `V/v ${rule.subjectVi}`,
    headerRight: ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"],
    placeDate: placeDateLine(office.place, o.date),
    addressee: `Kính gửi: ${REQUEST_ADDRESSEE_VI}.`,
    intro: [
      "Căn cứ Nghị định số 68/2024/NĐ-CP ngày 25 tháng 6 năm 2024 của Chính phủ quy định về chữ ký số chuyên dùng công vụ;",
      "Căn cứ Quy định quản lý, sử dụng chữ ký số chuyên dùng công vụ trên địa bàn thành phố Hải Phòng;",
      r.kind === "token-handover"
        ? `${office.name} thông báo việc bàn giao thiết bị lưu khóa bí mật (${rule.form} Phụ lục Nghị định số 68/2024/NĐ-CP) như sau:`
        : `${office.name} đề nghị ${ACTION_VI[r.kind]} (${rule.form} Phụ lục Nghị định số 68/2024/NĐ-CP) như sau:`,
    ],
    sections,
    table,
    closing,
    recipients: ["Nơi nhận:", "- Như trên;", "- Lưu: VT."],
    signer: o.signer,
  };
}

/** The document as plain text (for previews, search and the tests). */
export function requestDocumentText(d: RequestDocument): string {
  const rows = [d.table.columns, ...d.table.rows].map((r) => r.join(" | "));
  return [
    ...d.headerLeft,
    d.numberLine,
    d.subjectLine,
    ...d.headerRight,
    d.placeDate,
    "",
    d.addressee,
    "",
    ...d.intro,
    ...d.sections,
    ...rows,
    ...d.closing,
    "",
    ...d.recipients,
    ...d.signer.titleLines,
    "",
    d.signer.name,
  ].join("\n");
}

const MM = 72 / 25.4;

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.normalize("NFC").split(/\s+/).filter(Boolean)) {
    const trial = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(trial, size) <= width) {
      line = trial;
      continue;
    }
    if (line) out.push(line);
    line = word;
    // A word wider than the column (a domain name, a long serial) is cut where it must be.
    while (font.widthOfTextAtSize(line, size) > width && line.length > 1) {
      let n = line.length - 1;
      while (n > 1 && font.widthOfTextAtSize(line.slice(0, n), size) > width) n--;
      out.push(line.slice(0, n));
      line = line.slice(n);
    }
  }
  out.push(line);
  return out;
}

/**
 * A4 portrait, margins of Nghị định 30/2020 (top 20, bottom 20, left 30, right 15 mm), body 14 pt.
 * The signature block (title lines, room for the signature, the name) sits at the bottom right,
 * where signPdf's signer and issuer signatures find it.
 */
export async function renderRequestPdf(d: RequestDocument, o: { font: Uint8Array; boldFont?: Uint8Array }): Promise<Uint8Array> {
  const doc = PDF.create();
  const font = doc.embedFont(o.font);
  const bold = o.boldFont ? doc.embedFont(o.boldFont) : font;
  doc.setTitle(d.subjectLine);
  doc.setLanguage("vi");
  doc.setCreator("Văn thư số");
  const W = 595.28;
  const H = 841.89;
  const left = 30 * MM;
  const right = W - 15 * MM;
  const bottom = 20 * MM;
  const width = right - left;
  let page: PDFPage = doc.addPage({ width: W, height: H });
  let y = H - 20 * MM;
  const ensure = (h: number) => {
    if (y - h < bottom) {
      page = doc.addPage({ width: W, height: H });
      y = H - 20 * MM;
    }
  };
  const centredAt = (s: string, f: PDFFont, size: number, cx: number, yy: number) =>
    page.drawText(s, { x: cx - f.widthOfTextAtSize(s, size) / 2, y: yy, font: f, size });

  // Header: two columns (the body's name on the left, the national motto on the right).
  const leftCx = left + 32 * MM;
  const rightCx = right - 54 * MM;
  const leftWidth = 62 * MM;
  let yl = y;
  d.headerLeft.forEach((s, i) => {
    const f = i === d.headerLeft.length - 1 ? bold : font;
    for (const line of wrap(s, f, 11, leftWidth)) {
      centredAt(line, f, 11, leftCx, yl);
      yl -= 13.5;
    }
  });
  page.drawLine({ start: { x: leftCx - 12 * MM, y: yl + 9.5 }, end: { x: leftCx + 12 * MM, y: yl + 9.5 }, thickness: 0.6 });
  yl -= 8;
  centredAt(d.numberLine, font, 12.5, leftCx, yl);
  yl -= 15;
  for (const s of wrap(d.subjectLine, font, 11.5, leftWidth)) {
    centredAt(s, font, 11.5, leftCx, yl);
    yl -= 13.5;
  }
  let yr = y;
  centredAt(d.headerRight[0]!, bold, 11.5, rightCx, yr);
  yr -= 14.5;
  centredAt(d.headerRight[1]!, bold, 12.5, rightCx, yr);
  const mottoWidth = bold.widthOfTextAtSize(d.headerRight[1]!, 12.5);
  page.drawLine({ start: { x: rightCx - mottoWidth / 2, y: yr - 3 }, end: { x: rightCx + mottoWidth / 2, y: yr - 3 }, thickness: 0.6 });
  yr -= 24;
  centredAt(d.placeDate, font, 12.5, rightCx, yr);
  y = Math.min(yl, yr) - 20;

  const para = (s: string, size = 14, indent = 10 * MM, f = font) => {
    const lines = wrap(s, f, size, width - indent);
    for (const [i, l] of lines.entries()) {
      ensure(size * 1.35);
      page.drawText(l, { x: left + (i === 0 ? indent : 0), y, font: f, size });
      y -= size * 1.35;
    }
    y -= 3;
  };
  centredAt(d.addressee, font, 14, left + width / 2, y);
  y -= 28;
  for (const s of d.intro) para(s);
  for (const s of d.sections) para(s);

  // The list.
  const size = 10.5;
  const total = d.table.widths.reduce((a, b) => a + b, 0);
  const cols = d.table.widths.map((w) => (w / total) * width);
  const drawRow = (cells: string[], f: PDFFont) => {
    const wrapped = cells.map((c, i) => wrap(c, f, size, cols[i]! - 6));
    const h = Math.max(...wrapped.map((w) => w.length)) * size * 1.25 + 6;
    ensure(h);
    let x = left;
    wrapped.forEach((lines, i) => {
      page.drawRectangle({ x, y: y - h, width: cols[i]!, height: h, borderColor: rgb(0, 0, 0), borderWidth: 0.5 });
      lines.forEach((l, j) => page.drawText(l, { x: x + 3, y: y - 3 - size - j * size * 1.25, font: f, size }));
      x += cols[i]!;
    });
    y -= h;
  };
  drawRow(d.table.columns, bold);
  for (const r of d.table.rows) drawRow(r, font);
  y -= 14 * 1.35 + 4; // the next baseline clears the table
  for (const s of d.closing) para(s);

  // Nơi nhận on the left, the signature block on the right, side by side.
  const blockHeight = 20 + d.signer.titleLines.length * 16 + 80 + 16;
  ensure(blockHeight);
  let yn = y - 6;
  d.recipients.forEach((s, i) => {
    page.drawText(s, { x: left, y: yn, font: i === 0 ? bold : font, size: i === 0 ? 12 : 11 });
    yn -= 13;
  });
  let ys = y - 6;
  for (const t of d.signer.titleLines) {
    centredAt(t, bold, 13, rightCx, ys);
    ys -= 16;
  }
  ys -= 80; // room for the handwritten signature image and the seal
  centredAt(d.signer.name, bold, 14, rightCx, ys);
  return doc.save();
}
