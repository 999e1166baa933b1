import { parseArgs } from "node:util";
import { readFileSync, writeFileSync } from "node:fs";
import type { CliCommand } from "../main.ts";
import { CliError } from "../errors.ts";

const usage = `Usage: vanthu city setup [--db sqlite:PATH | postgres://…] [--accounts FILE.csv] [--passwords-out FILE.csv]
       vanthu city accounts-template [--out FILE.csv]

Thiết lập các cơ quan của thành phố Hải Phòng trong một bước (cho bộ phận công nghệ thông tin):
114 đơn vị hành chính cấp xã theo Nghị quyết 1669/NQ-UBTVQH15 (45 phường, 67 xã, 2 đặc khu),
tên như "UBND phường Hồng Bàng", "UBND đặc khu Cát Hải", cùng Sở Khoa học và Công nghệ và
bộ phận công nghệ thông tin. Chạy lại nhiều lần không thay đổi gì (cơ quan đã có được giữ nguyên).

  setup               tạo các cơ quan còn thiếu; tài khoản CNTT quản lý mọi cơ quan cấp xã
    --db URL          như vanthu server (mặc định sqlite:./data/vanthu.sqlite)
    --accounts FILE   thêm tài khoản đầu tiên của các cơ quan từ tệp CSV đã điền
                      (cột: co_quan,ten_dang_nhap,ho_ten,vai_tro); dòng chưa ghi họ tên bị bỏ qua;
                      tài khoản đã có được giữ nguyên
    --passwords-out FILE
                      ghi mật khẩu dùng một lần của tài khoản mới vào tệp này (quyền 0600)
                      thay vì in ra màn hình
  accounts-template   in (hoặc ghi vào --out) tệp CSV mẫu: mỗi cơ quan một dòng văn thư, một dòng lãnh đạo`;

export const command: CliCommand = {
  summary: "thiết lập 114 cơ quan cấp xã của Hải Phòng và tài khoản đầu tiên — city setup",
  usage,
  async run(args) {
    const [sub, ...rest] = args;
    let values;
    try {
      ({ values } = parseArgs({
        args: rest,
        options: { db: { type: "string" }, accounts: { type: "string" }, "passwords-out": { type: "string" }, out: { type: "string" } },
      }));
    } catch (e) {
      throw new CliError("USAGE", `Tham số không hợp lệ: ${(e as Error).message}`, (e as Error).message, 2);
    }
    const city = await import("../../../sync-server/city/setup.ts");
    if (sub === "accounts-template") {
      const text = city.accountsTemplate();
      if (values.out) writeFileSync(values.out, text);
      else process.stdout.write(text);
      return 0;
    }
    if (sub !== "setup") throw new CliError("USAGE", "Lệnh con phải là setup hoặc accounts-template.", `unknown subcommand '${sub ?? ""}'`, 2);
    let csv: string | undefined;
    if (values.accounts) {
      try {
        csv = readFileSync(values.accounts, "utf8");
      } catch (e) {
        throw new CliError("NO_FILE", `Không đọc được tệp tài khoản ${values.accounts}.`, (e as Error).message);
      }
    }
    const { parseDatabaseUrl, DEFAULT_DB } = await import("../../../sync-server/storage/open.ts");
    const { SyncStorage } = await import("../../../sync-server/storage/storage.ts");
    const { systemQlvbClock } = await import("../../../sync-server/clock/qlvb-clock.ts");
    let target;
    try {
      target = parseDatabaseUrl(values.db ?? DEFAULT_DB);
    } catch (e) {
      const err = e as { messageVi: string; message: string };
      throw new CliError("USAGE", err.messageVi, err.message, 2);
    }
    const storage = await SyncStorage.open(target, systemQlvbClock);
    try {
      const r = await city.setUpCity(storage);
      process.stdout.write(`Cơ quan: ${r.created.length} tạo mới, ${r.unchanged.length} đã có (offices created/unchanged).\n`);
      for (const c of r.conflicts) process.stdout.write(`  Bỏ qua ${c.id}: mã định danh ${c.organId} đã dùng cho "${c.usedBy}".\n`);
      if (csv !== undefined) {
        // The whole file is checked before any account is made.
        const { rows, skipped } = await city.readAccountsCsv(storage, csv);
        const a = await city.addAccounts(storage, rows, skipped);
        // A district IT account from the file manages the offices too.
        await city.setUpCity(storage);
        process.stdout.write(
          `Tài khoản: ${a.created.length} tạo mới, ${a.unchanged.length} đã có, ${a.skipped} dòng chưa điền (accounts created/unchanged/skipped).\n`,
        );
        if (a.created.length) {
          const lines = ["ten_dang_nhap,co_quan,mat_khau_dung_mot_lan", ...a.created.map((x) => `${x.username},${x.officeId},${x.password}`)].join("\n") + "\n";
          if (values["passwords-out"]) {
            writeFileSync(values["passwords-out"], lines, { mode: 0o600 });
            process.stdout.write(`Mật khẩu dùng một lần đã ghi vào ${values["passwords-out"]} (chỉ ghi một lần).\n`);
          } else process.stdout.write(`Mật khẩu dùng một lần (ghi lại ngay, không in lại):\n${lines}`);
        }
      }
      return r.conflicts.length ? 1 : 0;
    } finally {
      await storage.close();
    }
  },
};
