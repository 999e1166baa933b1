import { parseArgs } from "node:util";
import type { CliCommand } from "../main.ts";
import { CliError } from "../errors.ts";

const usage = `Usage: vanthu backup --out DIR [--db sqlite:PATH | postgres://…] [--blobs DIR]

Sao lưu dữ liệu của máy chủ đồng bộ (Điều 14.3): cơ sở dữ liệu, các tệp văn bản, và tệp
manifest.json ghi mã băm SHA-256 của từng tệp. Chạy được cả khi máy chủ đang chạy: dữ liệu
được đọc trong một giao dịch nên bản sao lưu nhất quán.

  --out DIR     thư mục sao lưu (chưa có, hoặc còn trống)
  --db URL      như vanthu server (mặc định sqlite:./data/vanthu.sqlite)
  --blobs DIR   như vanthu server (mặc định ./data/blobs)`;

export const command: CliCommand = {
  summary: "sao lưu cơ sở dữ liệu và tệp văn bản, kèm mã băm SHA-256 — backup",
  usage,
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({ args, options: { out: { type: "string" }, db: { type: "string" }, blobs: { type: "string" } } }));
    } catch (e) {
      throw new CliError("USAGE", `Tham số không hợp lệ: ${(e as Error).message}`, (e as Error).message, 2);
    }
    if (!values.out) throw new CliError("USAGE", "Thiếu --out THƯ_MỤC (nơi ghi bản sao lưu).", "missing --out DIR", 2);
    const { parseDatabaseUrl, DEFAULT_DB, DEFAULT_BLOBS } = await import("../../../sync-server/storage/open.ts");
    const { backup } = await import("../../../sync-server/backup/backup.ts");
    let target;
    try {
      target = parseDatabaseUrl(values.db ?? DEFAULT_DB);
    } catch (e) {
      const err = e as { messageVi: string; message: string };
      throw new CliError("USAGE", err.messageVi, err.message, 2);
    }
    const m = await backup(target, values.blobs ?? DEFAULT_BLOBS, values.out);
    const blobs = m.files.filter((f) => f.path.startsWith("blobs/")).length;
    const rows = Object.values(m.tables).reduce((a, b) => a + b, 0);
    process.stdout.write(`Đã sao lưu vào ${values.out}: ${rows} dòng dữ liệu, ${blobs} tệp văn bản; mã băm SHA-256 trong manifest.json (backup written).\n`);
    return 0;
  },
};
