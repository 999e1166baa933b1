/**
 * The agent on the network: the Hono app behind @hono/node-server, bound to 127.0.0.1 only.
 */
import { serve, type ServerType } from "@hono/node-server";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { AddressInfo } from "node:net";
import { AGENT_DEFAULT_PORT } from "../shared/agent-protocol/index.ts";
import { createAgentApp, type AgentLimits, type AgentEvents } from "./app.ts";
import { PairingStore } from "./pairing/store.ts";
import { SigningLog } from "./log/signing-log.ts";
import { Pkcs11TokenProvider } from "./tokens/pkcs11-provider.ts";
import { openDemoTokens } from "./demo/index.ts";
import type { TokenProvider } from "./tokens/provider.ts";
import { tokenErrors } from "./pkcs11/errors.ts";
import { KNOWN_TOKEN_DRIVERS } from "./drivers.ts";
import { isoVietnam } from "./certificates/index.ts";

export interface StartAgentOptions {
  /** PKCS#11 library of the token; absent: demo mode. */
  module?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  /** Pairings, signing log and the demo token live here (default ./data/agent). */
  dataDir?: string;
  /** Demo without SoftHSM2 even when it is installed. */
  memoryDemo?: boolean;
  limits?: Partial<AgentLimits>;
  events?: AgentEvents;
  /** Where the start-up lines go (default stderr). */
  say?: (line: string) => void;
  version?: string;
  /**
   * Origins that may ask to pair, added to those kept in the data folder's agent-config.json
   * (written at install by `vanthu agent --sync-origin URL`).
   */
  pairingOrigins?: string[];
  /** Keep `pairingOrigins` in agent-config.json for the next starts (install). */
  rememberPairingOrigins?: boolean;
}

/** The agent's settings kept at install: today the sync server's origin, the one that may pair. */
interface AgentConfig {
  pairingOrigins?: string[];
}

function readConfig(file: string): AgentConfig {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as AgentConfig;
  } catch {
    return {};
  }
}

export interface RunningAgent {
  url: string;
  port: number;
  tokens: TokenProvider;
  demo: boolean;
  close(): Promise<void>;
}

export async function startAgent(options: StartAgentOptions = {}): Promise<RunningAgent> {
  const say = options.say ?? ((l: string) => process.stderr.write(l + "\n"));
  const dataDir = resolve(options.dataDir ?? join("data", "agent"));
  let tokens: TokenProvider;
  let demoCrl: (() => Promise<Uint8Array>) | undefined;
  if (options.module) {
    if (!existsSync(options.module)) throw tokenErrors.moduleLoadFailed(options.module, new Error("file not found"));
    tokens = new Pkcs11TokenProvider(options.module);
  } else {
    // The demo certificates name the CRL at the port the agent will listen on (issue 11).
    const demo = await openDemoTokens(join(dataDir), { forceMemory: options.memoryDemo ?? false, port: options.port ?? AGENT_DEFAULT_PORT });
    tokens = demo.provider;
    demoCrl = demo.crl;
    say(demo.notice);
    const found = KNOWN_TOKEN_DRIVERS.filter((d) => d.paths.some((p) => existsSync(p)));
    for (const d of found)
      say(
        `Có trình điều khiển token ${d.name} tại ${d.paths.find((p) => existsSync(p))}: dùng --module để ký bằng token thật (found a token driver; pass --module to use it).`,
      );
  }
  const configFile = join(dataDir, "agent-config.json");
  const config = readConfig(configFile);
  const pairingOrigins = [...new Set([...(config.pairingOrigins ?? []), ...(options.pairingOrigins ?? [])])];
  if (options.rememberPairingOrigins && options.pairingOrigins?.length) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(configFile + ".tmp", JSON.stringify({ ...config, pairingOrigins }, null, 2));
    renameSync(configFile + ".tmp", configFile);
  }
  if (pairingOrigins.length === 0 && options.module) {
    say("Chưa đặt địa chỉ máy chủ Văn thư số được phép ghép nối: dùng --sync-origin https://… (no pairing origin set; pass --sync-origin).");
  }
  let port = options.port ?? AGENT_DEFAULT_PORT;
  const app = createAgentApp({
    port: () => port,
    tokens,
    pairings: new PairingStore(join(dataDir, "pairings.json")),
    log: new SigningLog(join(dataDir, "signing-log.jsonl")),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(demoCrl ? { demoCrl } : {}),
    pairingOrigins,
    events: {
      ...options.events,
      batchFinished: (e) => {
        say(
          `${isoVietnam(new Date())} đã ký ${e.signed}/${e.total} văn bản cho ${e.origin} bằng chứng thư "${e.certificate}"${e.error ? ` — ${e.error.messageVi}` : ""}`,
        );
        options.events?.batchFinished?.(e);
      },
    },
    version: options.version ?? packageVersion(),
  });
  const server: ServerType = await new Promise((resolveListen, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => resolveListen(s));
    s.once("error", reject);
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  say(`Chương trình ký số đang chạy tại ${url} (module: ${tokens.module.path}) — the token agent listens on ${url}`);
  return {
    url,
    port,
    tokens,
    demo: tokens.module.demo,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await tokens.close();
    },
  };
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}
