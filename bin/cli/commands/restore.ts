import { parseArgs } from "node:util";
import type { CliCommand } from "../main.ts";
import { CliError } from "../errors.ts";

const usage = `Usage: vanthu restore DIR [--db sqlite:PATH | postgres://…] [--blobs DIR]

Khôi phục bản sao lưu do vanthu backup tạo vào một cơ sở dữ liệu và thư mục tệp còn trống.
Kiểm tra mã băm SHA-256 của mọi tệp trước; không ghi đè dữ liệu đã có.

  --db URL      như vanthu server (mặc định sqlite:./data/vanthu.sqlite)
  --blobs DIR   như vanthu server (mặc định ./data/blobs)`;

export const command: CliCommand = {
  summary: "khôi phục bản sao lưu vào nơi còn trống, kiểm tra mã băm trước — restore",
  usage,
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({ args, allowPositionals: true, options: { db: { type: "string" }, blobs: { type: "string" } } });
    } catch (e) {
      throw new CliError("USAGE", `Tham số không hợp lệ: ${(e as Error).message}`, (e as Error).message, 2);
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 1)
      throw new CliError("USAGE", "Cần đúng một thư mục sao lưu: vanthu restore THƯ_MỤC.", "expected exactly one backup directory", 2);
    const { parseDatabaseUrl, DEFAULT_DB, DEFAULT_BLOBS } = await import("../../../sync-server/storage/open.ts");
    const { restore } = await import("../../../sync-server/backup/backup.ts");
    let target;
    try {
      target = parseDatabaseUrl(values.db ?? DEFAULT_DB);
    } catch (e) {
      const err = e as { messageVi: string; message: string };
      throw new CliError("USAGE", err.messageVi, err.message, 2);
    }
    const m = await restore(positionals[0]!, target, values.blobs ?? DEFAULT_BLOBS);
    process.stdout.write(`Đã khôi phục bản sao lưu ngày ${m.createdAt}: mọi tệp khớp mã băm SHA-256 (${m.files.length} tệp) (restored).\n`);
    return 0;
  },
};
