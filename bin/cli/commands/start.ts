import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CliCommand } from "../main.ts";
import { CliError } from "../errors.ts";
import { AGENT_DEFAULT_PORT } from "../../../shared/agent-protocol/index.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const vanthu = fileURLToPath(new URL("../../vanthu.mjs", import.meta.url));

const usage = `Usage: vanthu start [--no-build] [--port N] [--agent-port N]

Chạy toàn bộ hệ thống trên máy này (what \`npm start\` runs):
  1. dựng ứng dụng web (vite build → dist/web), trừ khi có --no-build;
  2. máy chủ đồng bộ với SQLite và thư mục tệp dưới ./data (vanthu server), phục vụ cả ứng dụng web;
  3. phần mềm ký trên máy (vanthu agent) với thiết bị ký THỬ (SoftHSM2), chỉ nghe ở 127.0.0.1.
Ctrl+C dừng tất cả.`;

function run(label: string, args: string[]): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split("\n")
      .filter((l) => l.length > 0)
      .map((l) => `[${label}] ${l}\n`)
      .join("");
  child.stdout!.on("data", (c: Buffer) => process.stdout.write(prefix(c)));
  child.stderr!.on("data", (c: Buffer) => process.stderr.write(prefix(c)));
  return child;
}

export const command: CliCommand = {
  summary: "chạy toàn bộ hệ thống (dựng web, máy chủ, phần mềm ký thử) — what npm start runs",
  usage,
  async run(args) {
    const port = args.includes("--port") ? args[args.indexOf("--port") + 1] : "8080";
    const agentPort = args.includes("--agent-port") ? args[args.indexOf("--agent-port") + 1] : undefined;
    if (!args.includes("--no-build")) {
      process.stdout.write("Đang dựng ứng dụng web (vite build)…\n");
      const viteBin = fileURLToPath(new URL("../../../node_modules/vite/bin/vite.js", import.meta.url));
      const code = await new Promise<number>((ok) => {
        const b = spawn(process.execPath, [viteBin, "build", "--logLevel", "warn"], { cwd: root, stdio: "inherit" });
        b.on("exit", (c) => ok(c ?? 1));
      });
      if (code !== 0) throw new CliError("BUILD_FAILED", "Không dựng được ứng dụng web", "vite build failed");
    }
    const commands = fileURLToPath(new URL("./", import.meta.url));
    for (const needed of ["server", "agent"]) {
      if (!existsSync(`${commands}${needed}.ts`))
        throw new CliError("MISSING_COMPONENT", `Thiếu thành phần: vanthu ${needed}`, `component missing: vanthu ${needed}`);
    }
    const children = [
      // The demo CA (written by the agent at its first start) is published to the offices' devices: demo signatures verify, and sign, without importing it by hand.
      run("máy chủ", [vanthu, "server", "--demo", "--port", port!, "--trust-anchor", join(root, "data", "agent", "demo-ca.pem")]),
      run("ký số", [vanthu, "agent", ...(agentPort ? ["--port", agentPort] : [])]),
    ];
    process.stdout.write(`\nVăn thư số đang chạy: http://127.0.0.1:${port}/  (Ctrl+C để dừng)\n`);
    // The demo tokens' certificates name the CRL at this port (agent/demo): the web app must use the same address.
    process.stdout.write(
      `Phần mềm ký số trên máy: http://127.0.0.1:${agentPort ?? AGENT_DEFAULT_PORT}  (token thử, mã PIN 123456; ghi địa chỉ này trong Cài đặt → Phần mềm ký số nếu khác mặc định)\n\n`,
    );
    const stop = () => children.forEach((c) => c.kill("SIGTERM"));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    const codes = await Promise.all(children.map((c) => new Promise<number>((ok) => c.on("exit", (code) => ok(code ?? 0)))));
    return codes.some((c) => c !== 0 && c !== 143) ? 1 : 0;
  },
};
