import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import type { CliCommand } from "../main.ts";
import { CliError } from "../errors.ts";

const usage = `Usage: vanthu server [--db sqlite:PATH | postgres://…] [--blobs DIR] [--port N] [--host ADDR] [--web DIR] [--demo]
                    [--tls-cert FILE --tls-key FILE] [--trust-proxy] [--behind-tls]
                    [--backup-dir DIR [--backup-every 24h] [--backup-keep N]] [--office-quota 20GB]
                    [--trust-anchor FILE]... [--workers N]
       vanthu server --create-admin USERNAME [--db …]

Máy chủ đồng bộ Văn thư số (the sync server): các văn phòng đồng bộ với nó; đồng hồ của nó
là thời gian QLVB chính thức khi gửi, nhận văn bản (Điều 13.6). Phục vụ cả ứng dụng web đã
dựng (dist/web) ở địa chỉ gốc /.

  --db URL      cơ sở dữ liệu: sqlite:ĐƯỜNG_DẪN (mặc định sqlite:./data/vanthu.sqlite)
                hoặc postgres://người_dùng@máy:cổng/tên
  --blobs DIR   thư mục lưu tệp văn bản theo SHA-256 (mặc định ./data/blobs)
  --port N      cổng (mặc định 8080; 0 = cổng trống bất kỳ)
  --host ADDR   địa chỉ nghe (mặc định 127.0.0.1: chỉ máy này). Để các máy khác trong mạng
                nội bộ dùng được, ghi rõ địa chỉ (vd. --host 0.0.0.0) và bật HTTPS: trình
                duyệt chỉ cho ứng dụng chạy ngoại tuyến và ký, kiểm tra chữ ký qua HTTPS.
  --tls-cert FILE, --tls-key FILE
                phục vụ HTTPS (HTTP/2 và HTTP/1.1) bằng chứng thư và khóa dạng PEM
  --behind-tls  HTTPS do một proxy phía trước đảm nhận (Caddy, nginx): gửi HSTS
  --trust-proxy lấy địa chỉ máy khách từ X-Forwarded-For (chỉ khi proxy là lối vào duy nhất)
  --web DIR     thư mục ứng dụng web đã dựng (mặc định dist/web)
  --demo        tạo các cơ quan và tài khoản THỬ khi cơ sở dữ liệu còn trống (vanthu start
                dùng cờ này); mật khẩu thử được công bố, không bao giờ dùng khi chạy thật
  --backup-dir DIR      sao lưu định kỳ vào DIR (Điều 14.3); mỗi bản được kiểm tra bằng cách
                        khôi phục thử và so mã băm
  --backup-every 24h    chu kỳ sao lưu (s, m, h, d; mặc định 24h)
  --backup-keep N       giữ N bản tốt gần nhất (mặc định 7)
  --office-quota SIZE   dung lượng văn bản tối đa của mỗi cơ quan (vd. 500MB, 20GB; mặc định 20GB)
  --trust-anchor FILE   chứng thư gốc (PEM) công bố cho mọi máy của các cơ quan, ngoài chứng thư
                        gốc Chính phủ có sẵn (G2, G1); lặp lại được; vanthu start dùng cho CA thử
  --workers N   chạy N tiến trình máy chủ cùng một cổng (mỗi nhân CPU một tiến trình), chỉ với
                PostgreSQL; mỗi tiến trình mở tối đa VANTHU_DB_POOL kết nối (mặc định 10) và một
                kết nối đọc
  --create-admin USERNAME
                tạo tài khoản quản trị hệ thống (in mật khẩu ngẫu nhiên một lần) rồi thoát;
                quản trị tạo cơ quan và tài khoản qua /api/admin

Tài khoản: vanthu user add|list|disable|enable|reset-password (xem vanthu user --help).
Ctrl+C để dừng.`;

function usageError(vi: string, en: string): CliError {
  return new CliError("USAGE", vi, en, 2);
}

export const command: CliCommand = {
  summary: "máy chủ đồng bộ (SQLite hoặc PostgreSQL), phục vụ cả ứng dụng web — the sync server",
  usage,
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          db: { type: "string" },
          blobs: { type: "string" },
          port: { type: "string" },
          host: { type: "string" },
          web: { type: "string" },
          demo: { type: "boolean" },
          "no-demo": { type: "boolean" },
          "tls-cert": { type: "string" },
          "tls-key": { type: "string" },
          "behind-tls": { type: "boolean" },
          "trust-proxy": { type: "boolean" },
          "backup-dir": { type: "string" },
          "backup-every": { type: "string" },
          "backup-keep": { type: "string" },
          "office-quota": { type: "string" },
          "create-admin": { type: "string" },
          "trust-anchor": { type: "string", multiple: true },
          workers: { type: "string" },
        },
      }));
    } catch (e) {
      throw usageError(`Tham số không hợp lệ: ${(e as Error).message}`, (e as Error).message);
    }
    const port = values.port === undefined ? 8080 : Number(values.port);
    if (!/^\d{1,5}$/.test(values.port ?? "8080") || port > 65535) throw usageError(`Cổng không hợp lệ: ${values.port}`, `invalid --port ${values.port}`);
    const { parseDatabaseUrl } = await import("../../../sync-server/storage/open.ts");
    try {
      if (values.db) parseDatabaseUrl(values.db);
    } catch (e) {
      const err = e as { messageVi: string; message: string };
      throw usageError(err.messageVi, err.message);
    }
    if (values["create-admin"] !== undefined) return createAdmin(values["create-admin"], values.db);
    if (Boolean(values["tls-cert"]) !== Boolean(values["tls-key"])) throw usageError("Cần cả --tls-cert và --tls-key.", "--tls-cert and --tls-key go together");
    for (const f of [values["tls-cert"], values["tls-key"]]) if (f && !existsSync(f)) throw usageError(`Không có tệp ${f}.`, `file not found: ${f}`);
    const { parsePeriod } = await import("../../../sync-server/backup/schedule.ts");
    const { parseSize } = await import("../../../sync-server/security/quota.ts");
    const everyMs = parsePeriod(values["backup-every"] ?? "24h");
    if (!everyMs)
      throw usageError(`Chu kỳ sao lưu không hợp lệ: ${values["backup-every"]} (vd. 24h, 30m, 7d).`, `invalid --backup-every ${values["backup-every"]}`);
    const keep = Number(values["backup-keep"] ?? "7");
    if (!Number.isInteger(keep) || keep < 1 || keep > 1000)
      throw usageError(`Số bản giữ lại không hợp lệ: ${values["backup-keep"]}.`, `invalid --backup-keep ${values["backup-keep"]}`);
    if ((values["backup-every"] || values["backup-keep"]) && !values["backup-dir"])
      throw usageError("--backup-every/--backup-keep cần --backup-dir.", "--backup-every/--backup-keep need --backup-dir");
    const quota = values["office-quota"] === undefined ? undefined : parseSize(values["office-quota"]);
    if (values["office-quota"] !== undefined && !quota)
      throw usageError(`Hạn mức không hợp lệ: ${values["office-quota"]} (vd. 500MB, 20GB).`, `invalid --office-quota ${values["office-quota"]}`);

    const workers = Number(values.workers ?? "1");
    if (!/^\d{1,2}$/.test(values.workers ?? "1") || workers < 1 || workers > 64)
      throw usageError(`Số tiến trình không hợp lệ: ${values.workers} (1–64).`, `invalid --workers ${values.workers}`);
    if (workers > 1 && !/^postgres(ql)?:\/\//.test(values.db ?? ""))
      throw usageError(
        "--workers cần PostgreSQL (--db postgres://…): SQLite chỉ có một tiến trình ghi.",
        "--workers needs PostgreSQL (--db postgres://…): SQLite has a single writer process",
      );
    const { default: cluster } = await import("node:cluster");
    if (workers > 1 && cluster.isPrimary) return runPrimary(workers, values.db!, Boolean(values.demo));
    const worker = cluster.isWorker ? Number(process.env.VANTHU_WORKER ?? "0") : undefined;

    const { startSyncServer } = await import("../../../sync-server/serve.ts");
    const { seedDemo, DEMO_LABEL } = await import("../../../sync-server/seed.ts");
    const stopped = new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
    const server = await startSyncServer({
      db: values.db,
      blobs: values.blobs,
      port,
      host: values.host,
      webDir: values.web,
      tlsCert: values["tls-cert"],
      tlsKey: values["tls-key"],
      behindTls: values["behind-tls"],
      trustProxy: values["trust-proxy"],
      officeQuotaBytes: quota,
      trustAnchorFiles: (values["trust-anchor"] ?? []).map((path) => ({
        path,
        labelVi: values.demo ? "CA thử của thiết bị ký thử (CHỈ DÙNG THỬ — không có giá trị pháp lý)" : `Chứng thư gốc do quản trị công bố (${path})`,
      })),
      // With several processes, the first runs the scheduled backups.
      backups: values["backup-dir"] && !worker ? { dir: values["backup-dir"], everyMs, keep } : undefined,
      onBackup: (run) =>
        process.stdout.write(
          run.verified
            ? `Đã sao lưu và kiểm tra bằng khôi phục thử: ${run.directory} (backup verified: ${run.detail})\n`
            : `SAO LƯU THẤT BẠI (backup failed): ${run.detail}\n`,
        ),
    });
    if (worker !== undefined) {
      // One of several processes: the first process set the database up and speaks for all.
      process.send?.({ listening: server.url });
      await stopped;
      await server.close();
      // The channel to the first process would keep this one alive.
      process.disconnect?.();
      return 0;
    }
    if (values.demo) {
      const demo = await seedDemo(server.storage);
      if (demo) {
        process.stdout.write(`\nĐã tạo cơ quan và tài khoản THỬ (${DEMO_LABEL}):\n`);
        for (const d of demo)
          process.stdout.write(`  ${d.username.padEnd(18)} mật khẩu: ${d.password}   ${d.rolesVi.join(", ")} — ${d.fullName}, ${d.office}\n`);
        process.stdout.write("Chỉ để dùng thử trên máy này; không chạy --demo trên máy chủ thật.\n\n");
      }
    } else if (await server.storage.isEmpty()) {
      process.stdout.write(firstAccountHelp(values.db));
    }
    process.stdout.write(`Máy chủ đồng bộ Văn thư số đang chạy (sync server listening): ${server.url}\n`);
    process.stdout.write(`  cơ sở dữ liệu: ${server.storage.dialect}; ứng dụng web: ${server.webDir ?? "chưa dựng (npm run build)"}\n`);
    if (!values.host) process.stdout.write("  chỉ nghe trên máy này (127.0.0.1); để mở cho mạng nội bộ: --host ĐỊA_CHỈ và HTTPS (--tls-cert/--tls-key)\n");
    await stopped;
    await server.close();
    process.stdout.write("Đã dừng máy chủ đồng bộ (stopped).\n");
    return 0;
  },
};

/**
 * `--workers N`: the first process migrates the database (and seeds the demo), then starts N
 * server processes on the same address (node:cluster hands each new connection to one of them)
 * and waits. The processes share nothing but the database: sessions, login throttling, uploads
 * and the change feed live there (README, "PostgreSQL past one machine"). A process that dies is
 * replaced.
 */
async function runPrimary(workers: number, db: string, demo: boolean): Promise<number> {
  const { default: cluster } = await import("node:cluster");
  const { SyncStorage } = await import("../../../sync-server/storage/storage.ts");
  const { parseDatabaseUrl } = await import("../../../sync-server/storage/open.ts");
  const { systemQlvbClock } = await import("../../../sync-server/clock/qlvb-clock.ts");
  const { seedDemo, DEMO_LABEL } = await import("../../../sync-server/seed.ts");
  const storage = await SyncStorage.open(parseDatabaseUrl(db), systemQlvbClock);
  try {
    const seeded = demo ? await seedDemo(storage) : undefined;
    if (seeded) {
      process.stdout.write(`\nĐã tạo cơ quan và tài khoản THỬ (${DEMO_LABEL}):\n`);
      for (const d of seeded)
        process.stdout.write(`  ${d.username.padEnd(18)} mật khẩu: ${d.password}   ${d.rolesVi.join(", ")} — ${d.fullName}, ${d.office}\n`);
    } else if (!demo && (await storage.isEmpty())) process.stdout.write(firstAccountHelp(db));
  } finally {
    await storage.close();
  }
  let stopping = false;
  const start = (index: number) => {
    const w = cluster.fork({ VANTHU_WORKER: String(index) });
    w.on("exit", (code, signal) => {
      if (stopping) return;
      process.stderr.write(`[sync-server] process ${index} stopped (${signal ?? code}); starting another\n`);
      start(index);
    });
    return w;
  };
  const listening = await Promise.all(
    Array.from(
      { length: workers },
      (_, i) => new Promise<string>((resolve) => start(i).on("message", (m: { listening?: string }) => m.listening && resolve(m.listening))),
    ),
  );
  process.stdout.write(`Máy chủ đồng bộ Văn thư số đang chạy (sync server listening): ${listening[0]}\n`);
  process.stdout.write(`  ${workers} tiến trình (server processes), cơ sở dữ liệu: postgres\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  stopping = true;
  await Promise.all(
    Object.values(cluster.workers ?? {}).map(
      (w) =>
        new Promise<void>((resolve) => {
          if (!w || w.isDead()) return resolve();
          w.once("exit", () => resolve());
          w.process.kill("SIGTERM");
        }),
    ),
  );
  process.stdout.write("Đã dừng máy chủ đồng bộ (stopped).\n");
  return 0;
}

/** What to do on a new, empty database (no demo accounts any more). */
function firstAccountHelp(db: string | undefined): string {
  const dbFlag = db ? ` --db ${db}` : "";
  return (
    [
      "",
      "Cơ sở dữ liệu còn trống: chưa có cơ quan và tài khoản nào. Tạo tài khoản cán bộ CNTT khu vực đầu tiên:",
      "The database is empty. Create the first district IT account:",
      "",
      `  npx vanthu user add it.khuvuc --name "Họ và tên" --role district_it --new-office "Tổ CNTT khu vực …" --organ-id MÃ_ĐỊNH_DANH --kind district${dbFlag}`,
      "",
      "Lệnh in một mật khẩu tạm một lần; người dùng phải đổi mật khẩu khi đăng nhập lần đầu.",
      "It prints a one-time password, to be changed at the first sign-in. (Dùng thử: vanthu server --demo.)",
      "",
    ].join("\n") + "\n"
  );
}

/** The first real account of a deployment: an administrator in a "system" office. */
async function createAdmin(username: string, db: string | undefined): Promise<number> {
  if (!/^[a-z0-9._-]{3,50}$/.test(username))
    throw new CliError("USAGE", "Tên đăng nhập chỉ gồm chữ thường không dấu, số, . _ - (3–50 ký tự).", "username must match [a-z0-9._-]{3,50}", 2);
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
    const admin = await storage.createUser({
      officeId: "system",
      username,
      fullName: "Quản trị hệ thống",
      passwordHash: await hashPassword(password),
      roles: ["admin"],
    });
    const { UserRepository } = await import("../../../sync-server/users/repository.ts");
    await new UserRepository(storage).markMustChange(admin.id);
    process.stdout.write(
      `Đã tạo tài khoản quản trị ${username} — mật khẩu: ${password}\n(Ghi lại ngay: mật khẩu không được in lại; phải đổi khi đăng nhập lần đầu.) (admin created)\n`,
    );
    return 0;
  } finally {
    await storage.close();
  }
}
