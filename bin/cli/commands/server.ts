import { parseArgs } from "node:util";
import type { CliCommand } from "../main.ts";
import { CliError } from "../errors.ts";

const usage = `Usage: vanthu server [--db sqlite:PATH | postgres://…] [--blobs DIR] [--port N] [--host ADDR] [--web DIR] [--no-demo]
       vanthu server --create-admin USERNAME [--db …]

Máy chủ đồng bộ Văn thư số (the sync server): các văn phòng đồng bộ với nó; đồng hồ của nó
là thời gian QLVB chính thức khi gửi, nhận văn bản (Điều 13.6). Phục vụ cả ứng dụng web đã
dựng (dist/web) ở địa chỉ gốc /.

  --db URL      cơ sở dữ liệu: sqlite:ĐƯỜNG_DẪN (mặc định sqlite:./data/vanthu.sqlite)
                hoặc postgres://người_dùng@máy:cổng/tên
  --blobs DIR   thư mục lưu tệp văn bản theo SHA-256 (mặc định ./data/blobs)
  --port N      cổng (mặc định 8080; 0 = cổng trống bất kỳ)
  --host ADDR   địa chỉ nghe (mặc định 0.0.0.0: các máy trong mạng nội bộ truy cập được)
  --web DIR     thư mục ứng dụng web đã dựng (mặc định dist/web)
  --no-demo     không tạo các cơ quan và tài khoản THỬ khi cơ sở dữ liệu còn trống
  --create-admin USERNAME
                tạo tài khoản quản trị hệ thống (in mật khẩu ngẫu nhiên một lần) rồi thoát;
                quản trị tạo cơ quan và tài khoản qua /api/admin

Khi cơ sở dữ liệu còn trống, máy chủ tạo cơ quan và tài khoản THỬ (in ra màn hình).
Ctrl+C để dừng.`;

export const command: CliCommand = {
  summary: "máy chủ đồng bộ (SQLite hoặc PostgreSQL), phục vụ cả ứng dụng web — the sync server",
  usage,
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: { db: { type: "string" }, blobs: { type: "string" }, port: { type: "string" }, host: { type: "string" }, web: { type: "string" }, "no-demo": { type: "boolean" }, "create-admin": { type: "string" } },
      }));
    } catch (e) {
      throw new CliError("USAGE", `Tham số không hợp lệ: ${(e as Error).message}`, (e as Error).message, 2);
    }
    const port = values.port === undefined ? 8080 : Number(values.port);
    if (!/^\d{1,5}$/.test(values.port ?? "8080") || port > 65535) throw new CliError("USAGE", `Cổng không hợp lệ: ${values.port}`, `invalid --port ${values.port}`, 2);
    const { parseDatabaseUrl } = await import("../../../sync-server/storage/open.ts");
    try {
      if (values.db) parseDatabaseUrl(values.db);
    } catch (e) {
      const err = e as { messageVi: string; message: string };
      throw new CliError("USAGE", err.messageVi, err.message, 2);
    }
    if (values["create-admin"] !== undefined) return createAdmin(values["create-admin"], values.db);
    const { startSyncServer } = await import("../../../sync-server/serve.ts");
    const { seedDemo, DEMO_LABEL } = await import("../../../sync-server/seed.ts");
    const stopped = new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
    const server = await startSyncServer({ db: values.db, blobs: values.blobs, port, host: values.host, webDir: values.web });
    if (!values["no-demo"]) {
      const demo = await seedDemo(server.storage);
      if (demo) {
        process.stdout.write(`\nĐã tạo cơ quan và tài khoản THỬ (${DEMO_LABEL}):\n`);
        for (const d of demo) process.stdout.write(`  ${d.username.padEnd(18)} mật khẩu: ${d.password}   ${d.rolesVi.join(", ")} — ${d.fullName}, ${d.office}\n`);
        process.stdout.write("Hãy tạo tài khoản thật và tắt các tài khoản thử trước khi dùng chính thức.\n\n");
      }
    }
    process.stdout.write(`Máy chủ đồng bộ Văn thư số đang chạy (sync server listening): ${server.url}\n`);
    process.stdout.write(`  cơ sở dữ liệu: ${server.storage.dialect}; ứng dụng web: ${server.webDir ?? "chưa dựng (npm run build)"}\n`);
    await stopped;
    await server.close();
    process.stdout.write("Đã dừng máy chủ đồng bộ (stopped).\n");
    return 0;
  },
};

/** The first real account of a deployment: an administrator in a "system" office. */
async function createAdmin(username: string, db: string | undefined): Promise<number> {
  if (!/^[a-z0-9._-]{3,50}$/.test(username)) throw new CliError("USAGE", "Tên đăng nhập chỉ gồm chữ thường không dấu, số, . _ - (3–50 ký tự).", "username must match [a-z0-9._-]{3,50}", 2);
  const { randomBytes } = await import("node:crypto");
  const { parseDatabaseUrl, DEFAULT_DB } = await import("../../../sync-server/storage/open.ts");
  const { SyncStorage } = await import("../../../sync-server/storage/storage.ts");
  const { systemQlvbClock } = await import("../../../sync-server/clock/qlvb-clock.ts");
  const { hashPassword } = await import("../../../sync-server/auth/password.ts");
  const storage = await SyncStorage.open(parseDatabaseUrl(db ?? DEFAULT_DB), systemQlvbClock);
  try {
    if (await storage.findUserByUsername(username)) throw new CliError("USER_EXISTS", `Đã có tài khoản ${username}.`, `user ${username} exists`);
    if (!(await storage.getOffice("system"))) await storage.createOffice({ id: "system", name: "Quản trị hệ thống", kind: "other", organId: "SYSTEM" });
    const password = randomBytes(12).toString("base64url");
    await storage.createUser({ officeId: "system", username, fullName: "Quản trị hệ thống", passwordHash: await hashPassword(password), roles: ["admin"] });
    process.stdout.write(`Đã tạo tài khoản quản trị ${username} — mật khẩu: ${password}\n(Ghi lại ngay: mật khẩu không được in lại.) (admin created)\n`);
    return 0;
  } finally {
    await storage.close();
  }
}
