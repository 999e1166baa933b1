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
  it("with no --db starts on SQLite under ./data, seeds the labelled demo once, prints its URL and stops cleanly on SIGTERM", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "vanthu-server-cli-"));
    try {
      const first = await run(["server", "--port", "0"], cwd, true);
      expect(first.code).toBe(0);
      expect(first.out).toMatch(/http:\/\/127\.0\.0\.1:\d+\//);
      expect(first.out).toContain("CHỈ DÙNG THỬ");
      expect(first.out).toContain("vanthu.hongbang");
      const second = await run(["server", "--port", "0"], cwd, true);
      expect(second.code).toBe(0);
      expect(second.out).not.toContain("vanthu.hongbang"); // not seeded again
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

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
