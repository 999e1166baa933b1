import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AuditChain, verifyAuditChain, type AuditEntry } from "./audit-chain.ts";
import { AUDIT_CSV_COLUMNS, auditTrailCsv, buildAuditReport } from "./export.ts";
import { renderAuditReportPdf } from "./report-pdf.ts";
import { signPdf } from "../../sign/index.ts";
import { testIdentities } from "../../../test/support/identities.ts";
import { TINOS } from "../../../test/support/documents.ts";
import { pdfsig, qpdfCheck, tool } from "../../../test/support/tools.ts";

const office = "ubnd-hong-bang";
const clerk = { id: "u-vt", name: "Trần Thị Bình", title: "Văn thư" };

async function sampleChain(n = 3): Promise<AuditEntry[]> {
  const c = new AuditChain();
  await c.append({
    id: "01A",
    officeId: office,
    action: "signing",
    actor: clerk,
    time: { at: "2026-11-20T02:15:00Z", source: "qlvb" },
    summary: 'Ký số của cơ quan lên văn bản 125/UBND-VP, "Về việc" tổ chức họp',
    subject: { kind: "document", id: "sha256:ab", label: "125/UBND-VP" },
  });
  await c.append({
    id: "01B",
    officeId: office,
    action: "refusal",
    actor: clerk,
    time: { at: "2026-11-21T10:00:00+07:00", source: "provisional" },
    summary: '=HYPERLINK("http://x") từ chối: chữ ký không hợp lệ',
  });
  for (let i = 3; i <= n; i++) {
    await c.append({
      id: `01C${i}`,
      officeId: office,
      action: "verification",
      actor: clerk,
      time: { at: "2026-11-22T08:00:00+07:00", source: "qlvb" },
      summary: `Kiểm tra chữ ký số văn bản đến số ${i}`,
    });
  }
  return [...c.entries];
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(cell), (cell = "");
    else if (ch === "\r" && text[i + 1] === "\n") row.push(cell), rows.push(row), (row = []), (cell = ""), i++;
    else cell += ch;
  }
  return rows;
}

describe("audit export", () => {
  it("CSV: BOM, header, one row per entry, quoted, times with +07:00, formulas neutralised", async () => {
    const entries = await sampleChain();
    const csv = auditTrailCsv(entries);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const rows = parseCsv(csv.slice(1));
    expect(rows[0]).toEqual([...AUDIT_CSV_COLUMNS]);
    expect(rows).toHaveLength(4);
    expect(rows[1]!.slice(0, 6)).toEqual(["1", "1", "2026-11-20T09:15:00+07:00", "QLVB", "Ký số", "Trần Thị Bình"]);
    expect(rows[1]![8]).toBe('Ký số của cơ quan lên văn bản 125/UBND-VP, "Về việc" tổ chức họp');
    expect(rows[1]![10]).toBe(entries[0]!.hash);
    expect(rows[2]![3]).toBe("Tạm tính (máy trạm)");
    expect(rows[2]![8]!.startsWith("'=HYPERLINK")).toBe(true);
  });

  it("report data in Vietnamese, and the integrity verdict", async () => {
    const entries = await sampleChain();
    const ok = buildAuditReport(entries, await verifyAuditChain(entries), {
      officeName: "Ủy ban nhân dân phường Hồng Bàng",
      generatedAt: "2026-11-25T03:00:00Z",
      generatedBy: "Lê Văn Cường",
      from: "2026-11-21",
      to: "2026-11-30",
    });
    expect(ok.rows.map((r) => r.seq)).toEqual([2, 3]);
    expect(ok.rows[0]!.timeText).toBe("10:00 21/11/2026 (tạm tính)");
    expect(ok.periodText).toBe("Từ ngày 21/11/2026 đến ngày 30/11/2026");
    expect(ok.generatedAtText).toBe("Lập lúc 10:00 ngày 25/11/2026");
    expect(ok.integrityText).toMatch(/^Chuỗi nhật ký toàn vẹn: 3 mục/);
    const broken = entries.map((e, i) => (i === 1 ? { ...e, summary: "đã sửa" } : e));
    const bad = buildAuditReport(broken, await verifyAuditChain(broken), { officeName: "X", generatedAt: new Date(), generatedBy: "Y" });
    expect(bad.integrityOk).toBe(false);
    expect(bad.problems).toEqual(["Mục thứ 2 (số 2) đã bị sửa: nội dung không còn khớp với mã băm."]);
  });

  it("PDF report over several pages, signed by the office as an attachment; pdfsig and pdftotext read it", async () => {
    const entries = await sampleChain(60);
    const report = buildAuditReport(entries, await verifyAuditChain(entries), {
      officeName: "Ủy ban nhân dân phường Hồng Bàng",
      generatedAt: "2026-11-25T03:00:00Z",
      generatedBy: "Lê Văn Cường",
    });
    const pdf = await renderAuditReportPdf(report, { font: TINOS });
    const ids = await testIdentities();
    const signed = await signPdf(pdf, {
      type: "attachment",
      docNumber: "15/BC-UBND",
      font: TINOS,
      signer: ids.organisationSigner,
      signingTime: new Date("2026-11-25T03:05:00Z"),
    });
    const dir = mkdtempSync(join(tmpdir(), "audit-report-"));
    const file = join(dir, "bao-cao-nhat-ky.pdf");
    writeFileSync(file, signed.bytes);
    expect((await qpdfCheck(file)).ok).toBe(true);
    const sigs = await pdfsig(file);
    expect(sigs).toHaveLength(1);
    expect(sigs[0]!.valid).toBe(true);
    expect(sigs[0]!.totalDocumentSigned).toBe(true);
    const info = await tool("pdfinfo", [file]);
    expect(Number(/Pages:\s+(\d+)/.exec(info.stdout)?.[1])).toBeGreaterThan(1);
    const text = (await tool("pdftotext", ["-layout", file, "-"])).stdout;
    expect(text).toContain("BÁO CÁO NHẬT KÝ SỬ DỤNG CHỮ KÝ SỐ");
    expect(text).toContain("ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG");
    expect(text).toContain("Chuỗi nhật ký toàn vẹn: 60 mục");
    expect(text).toContain("Kiểm tra chữ ký số văn bản đến số 60");
    expect(text).toContain(entries.at(-1)!.hash.slice(0, 32));
    expect(text).toContain("15/BC-UBND");
    expect(text).toContain("2026-11-25T10:05:00+07:00");
  });
});
