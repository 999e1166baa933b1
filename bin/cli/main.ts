import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { CliError, reportError } from "./errors.ts";

/** A subcommand of `vanthu`: one file in ./commands exporting these. */
export interface CliCommand {
  /** One line for `vanthu --help`. */
  summary: string;
  /** The full usage text for `vanthu COMMAND --help`. */
  usage: string;
  run(args: string[]): Promise<number>;
}

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), "commands");

// Commands are discovered from the folder so that each lives in one file with its test beside it.
function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function loadCommand(name: string): Promise<CliCommand | undefined> {
  if (!commandNames().includes(name)) return undefined;
  const mod = (await import(join(commandsDir, `${name}.ts`))) as { command: CliCommand };
  return mod.command;
}

async function globalHelp(): Promise<string> {
  const lines = ["vanthu — Văn thư số: ký, gửi, nhận, kiểm tra và lưu văn bản điện tử bằng chữ ký số chuyên dùng công vụ", "", "Usage: vanthu COMMAND [options]   (vanthu COMMAND --help for details)", ""];
  for (const name of commandNames()) {
    const c = await loadCommand(name);
    if (c) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  }
  lines.push("", "Exit codes: 0 success, 1 the work failed or a document is not valid, 2 usage error.", "Add --debug to any command to see a stack trace on failure.");
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes("--debug");
  const args = argv.filter((a) => a !== "--debug");
  const [name, ...rest] = args;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write((await globalHelp()) + "\n");
    return name ? 0 : 2;
  }
  if (name === "--version") {
    process.stdout.write("0.1.0\n");
    return 0;
  }
  const command = await loadCommand(name);
  if (!command) {
    process.stderr.write(`vanthu: lệnh không có: ${name} (unknown command '${name}'); xem vanthu --help\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(command.usage.trimEnd() + "\n");
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    return reportError(err, debug);
  }
}

export { CliError };
