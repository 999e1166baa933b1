import { parseArgs } from "node:util";
import type { CliCommand } from "../main.ts";
import { CliError } from "../errors.ts";
import { AGENT_DEFAULT_PORT } from "../../../shared/agent-protocol/index.ts";

const usage = `Usage: vanthu agent [--module PKCS11_LIBRARY] [--port N] [--data-dir DIR] [--memory-demo] [--sync-origin URL]...

Chương trình ký số trên máy (the localhost token agent): chỉ nghe ở 127.0.0.1, ký bằng
thiết bị ký số (USB token) qua PKCS#11 cho ứng dụng web Văn thư số đã ghép nối.
Mã PIN chỉ nhập trên trang của chính chương trình này.

  --module PATH   thư viện PKCS#11 (trình điều khiển) của token, ví dụ /usr/lib/libbit4xpki.so
                  (xem agent/README.md). Không có --module: CHẾ ĐỘ THỬ với token SoftHSM2
                  (hoặc khóa trong bộ nhớ nếu chưa cài SoftHSM2) — CHỈ DÙNG THỬ.
  --port N        cổng (mặc định ${AGENT_DEFAULT_PORT}); API ở http://127.0.0.1:N/v1
  --data-dir DIR  nơi lưu trang web đã ghép nối, nhật ký ký số và token thử (mặc định ./data/agent)
  --memory-demo   chế độ thử với khóa trong bộ nhớ kể cả khi có SoftHSM2
  --sync-origin URL  địa chỉ máy chủ Văn thư số của cơ quan (ví dụ https://vanthu.hongbang.haiphong.gov.vn),
                  trang web duy nhất được đề nghị ghép nối; đặt một lần khi cài đặt (lưu trong --data-dir).
                  Chế độ thử cho phép thêm http://127.0.0.1:* (ứng dụng do npm start phục vụ).

GET /v1/status trả lời mọi trang nhưng chỉ trang đã ghép nối đọc được câu trả lời. Ctrl+C để dừng.`;

export const command: CliCommand = {
  summary: "chương trình ký số trên máy (PKCS#11, 127.0.0.1) — the token agent",
  usage,
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          module: { type: "string" },
          port: { type: "string" },
          "data-dir": { type: "string" },
          "memory-demo": { type: "boolean" },
          "sync-origin": { type: "string", multiple: true },
        },
      }));
    } catch (e) {
      throw new CliError("USAGE", `Tham số không hợp lệ: ${(e as Error).message}`, (e as Error).message, 2);
    }
    const syncOrigins = (values["sync-origin"] ?? []).map((o) => {
      try {
        const u = new URL(o);
        if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error("scheme");
        return u.origin;
      } catch {
        throw new CliError("USAGE", `--sync-origin không hợp lệ: ${o} (cần địa chỉ https://…)`, `invalid --sync-origin ${o}`, 2);
      }
    });
    const port = values.port === undefined ? AGENT_DEFAULT_PORT : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new CliError("USAGE", `Cổng không hợp lệ: ${values.port}`, `invalid --port ${values.port}`, 2);
    // Loaded only now: pkcs11js is a native addon, and SOFTHSM2_CONF must be set before it initialises.
    const { startAgent } = await import("../../../agent/server.ts");
    // Listen for Ctrl+C / SIGTERM before announcing the address, so a stop is never missed.
    const stopped = new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
    let agent;
    try {
      agent = await startAgent({
        port,
        ...(values.module ? { module: values.module } : {}),
        ...(values["data-dir"] ? { dataDir: values["data-dir"] } : {}),
        memoryDemo: values["memory-demo"] ?? false,
        ...(syncOrigins.length ? { pairingOrigins: syncOrigins, rememberPairingOrigins: true } : {}),
        say: (l) => process.stderr.write(l + "\n"),
      });
    } catch (e) {
      if ((e as { code?: string }).code === "EADDRINUSE") {
        throw new CliError("PORT_IN_USE", `Cổng ${port} đang được dùng (có thể chương trình ký số đã chạy rồi)`, `port ${port} is in use`);
      }
      throw e;
    }
    await stopped;
    await agent.close();
    process.stderr.write("Đã dừng chương trình ký số (agent stopped)\n");
    return 0;
  },
};
