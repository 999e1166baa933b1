import { formatDateTimeVi, formatDateVi, toVietnamIso } from "../dates.ts";
import { AUDIT_ACTION_LABELS_VI, effectiveAuditTimes, type AuditChainReport, type AuditEntry } from "./audit-chain.ts";

/**
 * Exports of the audit trail for an inspection (Quy định Điều 15.2): CSV for spreadsheets, and the
 * data of a PDF report (rendered by report-pdf.ts, then signed by the office with signPdf, type
 * "attachment" or "copy").
 */
export const AUDIT_CSV_COLUMNS = [
  "STT",
  "Số mục",
  "Thời điểm (ISO 8601)",
  "Nguồn thời gian",
  "Hoạt động",
  "Người thực hiện",
  "Chức danh",
  "Đối tượng",
  "Nội dung",
  "Mã mục",
  "Mã băm",
  "Mã băm mục trước",
] as const;

/** RFC 4180 quoting; a leading = + - @ is neutralised so a spreadsheet never runs a cell as a formula. */
function csvCell(v: string | number): string {
  let s = String(v).normalize("NFC");
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function isoOrAsIs(at: string): string {
  try {
    return toVietnamIso(at);
  } catch {
    return at;
  }
}

/** CSV, UTF-8 with a BOM (so spreadsheet programs read the diacritics), CRLF line ends. */
export function auditTrailCsv(entries: readonly AuditEntry[]): string {
  const times = effectiveAuditTimes(entries);
  const rows: (string | number)[][] = [AUDIT_CSV_COLUMNS.slice()];
  entries.forEach((e, i) => {
    const t = times.get(e.id) ?? e.time;
    rows.push([
      i + 1,
      e.seq,
      isoOrAsIs(t.at),
      t.source === "qlvb" ? "QLVB" : "Tạm tính (máy trạm)",
      AUDIT_ACTION_LABELS_VI[e.action] ?? e.action,
      e.actor.name,
      e.actor.title ?? "",
      e.subject ? (e.subject.label ?? e.subject.id) : "",
      e.summary,
      e.id,
      e.hash,
      e.prevHash,
    ]);
  });
  return "\uFEFF" + rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export interface AuditReportRow {
  position: number;
  seq: number;
  /** dd/mm/yyyy hh:mm, with "(tạm tính)" when not a QLVB time. */
  timeText: string;
  action: string;
  actor: string;
  subject: string;
  summary: string;
  shortHash: string;
}

export interface AuditReport {
  title: string;
  officeName: string;
  periodText: string;
  generatedAtText: string;
  generatedBy: string;
  /** What the integrity check found, in Vietnamese. */
  integrityText: string;
  integrityOk: boolean;
  problems: string[];
  headText: string;
  rows: AuditReportRow[];
}

export interface AuditReportOptions {
  officeName: string;
  generatedAt: Date | string;
  generatedBy: string;
  /** Inclusive day range shown in the title; rows are filtered to it by effective time. */
  from?: string;
  to?: string;
}

/** The report's data, every text in Vietnamese, ready to be laid out. */
export function buildAuditReport(entries: readonly AuditEntry[], check: AuditChainReport, o: AuditReportOptions): AuditReport {
  const times = effectiveAuditTimes(entries);
  const inPeriod = (e: AuditEntry) => {
    const day = isoOrAsIs((times.get(e.id) ?? e.time).at).slice(0, 10);
    return (!o.from || day >= o.from) && (!o.to || day <= o.to);
  };
  const rows = entries
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => inPeriod(e))
    .map(({ e, i }) => {
      const t = times.get(e.id) ?? e.time;
      let timeText: string;
      try {
        timeText = formatDateTimeVi(t.at) + (t.source === "qlvb" ? "" : " (tạm tính)");
      } catch {
        timeText = t.at;
      }
      return {
        position: i + 1,
        seq: e.seq,
        timeText,
        action: AUDIT_ACTION_LABELS_VI[e.action] ?? e.action,
        actor: e.actor.title ? `${e.actor.name} (${e.actor.title})` : e.actor.name,
        subject: e.subject ? (e.subject.label ?? e.subject.id) : "",
        summary: e.summary,
        shortHash: e.hash.slice(0, 16),
      };
    });
  const dayVi = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
  const periodText = o.from || o.to ? `Từ ngày ${o.from ? dayVi(o.from) : "…"} đến ngày ${o.to ? dayVi(o.to) : "…"}` : "Toàn bộ nhật ký";
  return {
    title: "BÁO CÁO NHẬT KÝ SỬ DỤNG CHỮ KÝ SỐ",
    officeName: o.officeName,
    periodText,
    generatedAtText: `Lập lúc ${formatDateTimeVi(o.generatedAt).slice(0, 5)} ngày ${formatDateVi(o.generatedAt)}`,
    generatedBy: o.generatedBy,
    integrityOk: check.ok,
    integrityText: check.ok
      ? `Chuỗi nhật ký toàn vẹn: ${check.count} mục, không mục nào bị sửa, xóa, chèn hay đảo thứ tự.`
      : `CHUỖI NHẬT KÝ KHÔNG TOÀN VẸN: phát hiện ${check.problems.length} vấn đề.`,
    problems: check.problems.map((p) => p.messageVi),
    headText: check.head ? `Mục cuối: số ${check.head.seq}, mã băm SHA-256 ${check.head.hash}` : "Nhật ký chưa có mục nào.",
    rows,
  };
}
