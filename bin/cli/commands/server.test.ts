import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const vanthu = fileURLToPath(new URL("../../vanthu.mjs", import.meta.url));

function run(args: string[], cwd: string, untilListening = false): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [vanthu, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let stopping = false;
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (untilListening && !stopping && /listening\): http:\/\/\S+/.test(out)) {
        stopping = true;
        p.kill("SIGTERM");
      }
    });
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("exit", (code) => resolve({ code, out, err }));
  });
}

describe("vanthu server", () => {
  it("plain: loopback only, no demo accounts, and says how to make the first district IT account", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "vanthu-server-cli-"));
    try {
      const first = await run(["server", "--port", "0"], cwd, true);
      expect(first.code).toBe(0);
      expect(first.out).toMatch(/http:\/\/127\.0\.0\.1:\d+\//);
      expect(first.out).not.toContain("vanthu.hongbang");
      expect(first.out).not.toContain("thu-nghiem-2026");
      expect(first.out).toContain("vanthu user add");
      expect(first.out).toContain("district_it");
      expect(first.out).toMatch(/Create the first district IT account/);
      const { SyncStorage } = await import("../../../sync-server/storage/storage.ts");
      const { systemQlvbClock } = await import("../../../sync-server/clock/qlvb-clock.ts");
      const s = await SyncStorage.open({ dialect: "sqlite", location: join(cwd, "data/vanthu.sqlite") }, systemQlvbClock);
      try {
        expect(await s.isEmpty()).toBe(true);
      } finally {
        await s.close();
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("--demo seeds the labelled demo once", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "vanthu-server-cli-"));
    try {
      const first = await run(["server", "--demo", "--port", "0"], cwd, true);
      expect(first.code).toBe(0);
      expect(first.out).toContain("CHỈ DÙNG THỬ");
      expect(first.out).toContain("vanthu.hongbang");
      const second = await run(["server", "--demo", "--port", "0"], cwd, true);
      expect(second.code).toBe(0);
      expect(second.out).not.toContain("vanthu.hongbang"); // not seeded again
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("vanthu user: the first district IT account, list, disable, enable, reset-password", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "vanthu-user-cli-"));
    const db = `sqlite:${join(cwd, "u.sqlite")}`;
    try {
      const add = await run(
        [
          "user",
          "add",
          "it.khuvuc",
          "--name",
          "Nguyễn Văn An",
          "--role",
          "district_it",
          "--new-office",
          "Tổ CNTT khu vực Hồng Bàng",
          "--organ-id",
          "000.00.90.H26",
          "--kind",
          "district",
          "--db",
          db,
        ],
        cwd,
      );
      expect(add.code).toBe(0);
      const password = /mật khẩu tạm: (\S+)/.exec(add.out)![1]!;
      expect(password.length).toBeGreaterThanOrEqual(12);
      const list = await run(["user", "list", "--db", db], cwd);
      expect(list.out).toMatch(/it\.khuvuc\s+Nguyễn Văn An\s+district_it\s+chờ đổi mật khẩu/);
      expect((await run(["user", "disable", "it.khuvuc", "--db", db], cwd)).code).toBe(0);
      expect((await run(["user", "list", "--db", db], cwd)).out).toContain("ĐÃ KHÓA");
      expect((await run(["user", "enable", "it.khuvuc", "--db", db], cwd)).code).toBe(0);
      const reset = await run(["user", "reset-password", "it.khuvuc", "--db", db], cwd);
      const second = /mật khẩu tạm: (\S+)/.exec(reset.out)![1]!;
      expect(second).not.toBe(password);
      const { SyncStorage } = await import("../../../sync-server/storage/storage.ts");
      const { verifyPassword } = await import("../../../sync-server/auth/password.ts");
      const { systemQlvbClock } = await import("../../../sync-server/clock/qlvb-clock.ts");
      const s = await SyncStorage.open({ dialect: "sqlite", location: join(cwd, "u.sqlite") }, systemQlvbClock);
      try {
        const u = (await s.findUserByUsername("it.khuvuc"))!;
        expect(u.disabled).toBe(false);
        expect(await verifyPassword(second, u.passwordHash)).toBe(true);
      } finally {
        await s.close();
      }
      for (const args of [
        ["user", "frobnicate", "x"],
        ["user", "add", "x.y", "--name", "A", "--role", "king", "--office", "o", "--db", db],
      ]) {
        const r = await run(args, cwd);
        expect([args.join(" "), r.code]).toEqual([args.join(" "), 2]);
        expect(r.err).not.toMatch(/\n\s+at /);
      }
      expect((await run(["user", "disable", "khong.co", "--db", db], cwd)).code).toBe(1);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 400_000);

  it("--create-admin makes an administrator once and prints its password once", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "vanthu-server-cli-"));
    try {
      const r = await run(["server", "--create-admin", "quantri", "--db", `sqlite:${join(cwd, "a.sqlite")}`], cwd);
      expect(r.code).toBe(0);
      const password = /mật khẩu: (\S+)/.exec(r.out)![1]!;
      const { SyncStorage } = await import("../../../sync-server/storage/storage.ts");
      const { verifyPassword } = await import("../../../sync-server/auth/password.ts");
      const { systemQlvbClock } = await import("../../../sync-server/clock/qlvb-clock.ts");
      const s = await SyncStorage.open({ dialect: "sqlite", location: join(cwd, "a.sqlite") }, systemQlvbClock);
      try {
        const u = (await s.findUserByUsername("quantri"))!;
        expect(u.roles).toEqual(["admin"]);
        expect(await verifyPassword(password, u.passwordHash)).toBe(true);
      } finally {
        await s.close();
      }
      const again = await run(["server", "--create-admin", "quantri", "--db", `sqlite:${join(cwd, "a.sqlite")}`], cwd);
      expect(again.code).toBe(1);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("refuses bad flags with exit 2 and one line, no stack trace", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "vanthu-server-cli-"));
    try {
      for (const args of [["server", "--db", "mysql://x"], ["server", "--port", "http"], ["server", "--bogus"], ["backup"], ["restore"]]) {
        const r = await run(args, cwd);
        expect([args.join(" "), r.code]).toEqual([args.join(" "), 2]);
        expect(r.err.trim().split("\n")).toHaveLength(1);
        expect(r.err).not.toMatch(/\n\s+at /);
      }
      const missing = await run(["backup", "--out", join(cwd, "b"), "--db", `sqlite:${join(cwd, "none.sqlite")}`], cwd);
      expect(missing.code).toBe(1);
      expect(missing.err).toContain("Không có cơ sở dữ liệu");
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
