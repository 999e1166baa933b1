import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import type { CliCommand } from "../main.ts";
import { CliError } from "../errors.ts";

const usage = `Usage: vanthu user add USERNAME --name "HỌ TÊN" --role ROLE[,ROLE] (--office OFFICE_ID | --new-office "TÊN" --organ-id MÃ [--kind KIND]) [--manages ID,ID] [--db URL]
       vanthu user list [--office OFFICE_ID] [--db URL]
       vanthu user disable USERNAME [--db URL]
       vanthu user enable USERNAME [--db URL]
       vanthu user reset-password USERNAME [--db URL]

Quản lý tài khoản trên máy chủ đồng bộ (chạy trên máy chủ, cùng --db với vanthu server).
Mật khẩu đầu tiên và mật khẩu đặt lại do máy tạo ngẫu nhiên, in ra một lần; người dùng phải
đổi mật khẩu khi đăng nhập lần đầu. Khóa (disable) một tài khoản kết thúc ngay mọi phiên làm
việc của nó. Cán bộ CNTT khu vực làm được những việc này trong ứng dụng web (Quản lý tài khoản)
cho các cơ quan mình quản lý.

  ROLE       clerk (văn thư), leader (lãnh đạo), signature_officer (phụ trách chữ ký số), inspector (thanh tra),
             district_it (CNTT khu vực), admin (quản trị hệ thống)
  KIND       commune (xã, phường, đặc khu), district, science_department, other
  --manages  với district_it: mã các cơ quan người này quản lý
  --db URL   như vanthu server (mặc định sqlite:./data/vanthu.sqlite)`;

const ROLES = ["clerk", "leader", "signature_officer", "inspector", "district_it", "admin"];
const KINDS = ["commune", "district", "science_department", "other"];

const usageError = (vi: string, en: string) => new CliError("USAGE", vi, en, 2);

/** A one-time password: 18 random bytes (144 bits) in base64url, changed at the first sign-in. */
const oneTimePassword = () => randomBytes(18).toString("base64url");

export const command: CliCommand = {
  summary: "quản lý tài khoản: thêm, liệt kê, khóa, mở khóa, đặt lại mật khẩu — user administration",
  usage,
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: {
          db: { type: "string" },
          name: { type: "string" },
          role: { type: "string" },
          office: { type: "string" },
          "new-office": { type: "string" },
          "organ-id": { type: "string" },
          kind: { type: "string" },
          manages: { type: "string" },
        },
      });
    } catch (e) {
      throw usageError(`Tham số không hợp lệ: ${(e as Error).message}`, (e as Error).message);
    }
    const { values, positionals } = parsed;
    const [action, username, ...rest] = positionals;
    if (rest.length) throw usageError(`Thừa tham số: ${rest.join(" ")}`, `unexpected arguments: ${rest.join(" ")}`);
    if (!action || !["add", "list", "disable", "enable", "reset-password"].includes(action))
      throw usageError("Thiếu hoặc sai việc cần làm: add, list, disable, enable, reset-password.", "expected add|list|disable|enable|reset-password");
    if (action !== "list" && !username) throw usageError("Thiếu tên đăng nhập.", "missing USERNAME");
    if (username && !/^[a-z0-9._-]{3,50}$/.test(username))
      throw usageError("Tên đăng nhập chỉ gồm chữ thường không dấu, số, . _ - (3–50 ký tự).", "username must match [a-z0-9._-]{3,50}");

    const { parseDatabaseUrl, DEFAULT_DB } = await import("../../../sync-server/storage/open.ts");
    let target;
    try {
      target = parseDatabaseUrl(values.db ?? DEFAULT_DB);
    } catch (e) {
      const err = e as { messageVi: string; message: string };
      throw usageError(err.messageVi, err.message);
    }
    const { SyncStorage } = await import("../../../sync-server/storage/storage.ts");
    const { systemQlvbClock } = await import("../../../sync-server/clock/qlvb-clock.ts");
    const { UserRepository } = await import("../../../sync-server/users/repository.ts");
    const { hashPassword } = await import("../../../sync-server/auth/password.ts");
    const storage = await SyncStorage.open(target, systemQlvbClock);
    const users = new UserRepository(storage);
    const out = (s: string) => process.stdout.write(s + "\n");
    try {
      if (action === "list") {
        const rows = await users.list(values.office ? [values.office] : undefined);
        if (rows.length === 0) out("Chưa có tài khoản nào. (no users)");
        for (const u of rows) {
          const state = u.disabled ? "ĐÃ KHÓA" : u.mustChangePassword ? "chờ đổi mật khẩu" : "đang dùng";
          out(`${u.username.padEnd(20)} ${u.fullName.padEnd(32)} ${u.roles.join(",").padEnd(22)} ${state.padEnd(17)} ${u.officeName} (${u.officeId})`);
        }
        return 0;
      }
      const existing = await storage.findUserByUsername(username!);
      if (action === "add") {
        if (existing) throw new CliError("USER_EXISTS", `Đã có tài khoản ${username}.`, `user ${username} exists`);
        const roles = (values.role ?? "")
          .split(",")
          .map((r) => r.trim())
          .filter(Boolean);
        if (!roles.length || roles.some((r) => !ROLES.includes(r)))
          throw usageError(`Vai trò không hợp lệ: ${values.role ?? "(thiếu --role)"}; dùng ${ROLES.join(", ")}.`, `invalid --role`);
        if (!values.name?.trim()) throw usageError('Thiếu --name "HỌ TÊN".', "missing --name");
        let officeId = values.office;
        if (values["new-office"]) {
          if (officeId) throw usageError("Chọn một trong --office và --new-office.", "--office and --new-office exclude each other");
          const kind = values.kind ?? "district";
          if (!KINDS.includes(kind)) throw usageError(`Loại cơ quan không hợp lệ: ${kind}.`, `invalid --kind ${kind}`);
          if (!values["organ-id"]?.trim()) throw usageError("Thiếu --organ-id (mã định danh của cơ quan).", "missing --organ-id");
          if ((await storage.listOffices()).some((o) => o.organId === values["organ-id"]))
            throw new CliError("OFFICE_EXISTS", `Đã có cơ quan với mã định danh ${values["organ-id"]}.`, `office ${values["organ-id"]} exists`);
          officeId = (await storage.createOffice({ name: values["new-office"].trim(), kind: kind as "district", organId: values["organ-id"].trim() })).id;
          out(`Đã tạo cơ quan ${values["new-office"]} — mã trong hệ thống: ${officeId}`);
        }
        if (!officeId) throw usageError("Thiếu --office MÃ hoặc --new-office TÊN.", "missing --office or --new-office");
        if (!(await storage.getOffice(officeId)))
          throw new CliError("NO_OFFICE", `Không có cơ quan ${officeId} (xem vanthu user list).`, `office ${officeId} not found`);
        const managed = (values.manages ?? "")
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean);
        for (const m of managed) if (!(await storage.getOffice(m))) throw new CliError("NO_OFFICE", `Không có cơ quan ${m}.`, `office ${m} not found`);
        const password = oneTimePassword();
        const user = await storage.createUser({
          officeId,
          username: username!,
          fullName: values.name.trim(),
          passwordHash: await hashPassword(password),
          roles: roles as never,
          managedOfficeIds: managed,
        });
        await users.markMustChange(user.id);
        out(`Đã tạo tài khoản ${username} — mật khẩu tạm: ${password}`);
        out("(Ghi lại ngay: không được in lại; phải đổi khi đăng nhập lần đầu.) (user created; one-time password)");
        return 0;
      }
      if (!existing) throw new CliError("NO_USER", `Không có tài khoản ${username}.`, `user ${username} not found`);
      if (action === "disable") {
        await users.setDisabled(existing.id, true);
        out(`Đã khóa tài khoản ${username}; mọi phiên làm việc của tài khoản này đã kết thúc. (disabled)`);
      } else if (action === "enable") {
        await users.setDisabled(existing.id, false);
        out(`Đã mở khóa tài khoản ${username}. (enabled)`);
      } else {
        const password = oneTimePassword();
        await users.setPassword(existing.id, await hashPassword(password), true);
        out(`Đã đặt lại mật khẩu của ${username} — mật khẩu tạm: ${password}`);
        out("(Phải đổi khi đăng nhập lần đầu; các phiên cũ đã kết thúc.) (password reset)");
      }
      return 0;
    } finally {
      await storage.close();
    }
  },
};
