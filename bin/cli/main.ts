import { readFileSync } from "node:fs";
import { CliError, reportError } from "./errors.ts";

/** A subcommand of `vanthu`: one file in ./commands exporting these. */
export interface CliCommand {
  /** One line for `vanthu --help`. */
  summary: string;
  /** The full usage text for `vanthu COMMAND --help`. */
  usage: string;
  run(args: string[]): Promise<number>;
}

/**
 * The commands as bin/vanthu.mjs found them in the compiled build: each one's summary (read at
 * build time, so the help loads no command) and a loader for the one that runs.
 */
export interface CommandCatalog {
  summaries: Record<string, string>;
  load(name: string): Promise<CliCommand>;
}

function globalHelp(catalog: CommandCatalog): string {
  const lines = [
    "vanthu — Văn thư số: ký, gửi, nhận, kiểm tra và lưu văn bản điện tử bằng chữ ký số chuyên dùng công vụ",
    "",
    "Usage: vanthu COMMAND [options]   (vanthu COMMAND --help for details)",
    "",
  ];
  for (const name of Object.keys(catalog.summaries).sort()) lines.push(`  ${name.padEnd(10)} ${catalog.summaries[name]}`);
  lines.push(
    "",
    "Exit codes: 0 success, 1 the work failed or a document is not valid, 2 usage error.",
    "Add --debug to any command to see a stack trace on failure.",
  );
  return lines.join("\n");
}

/** The version in package.json: the one truth for the CLI, the agent and the PWA. */
function version(): string {
  return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

export async function main(argv: string[], catalog: CommandCatalog): Promise<number> {
  const debug = argv.includes("--debug");
  const args = argv.filter((a) => a !== "--debug");
  const [name, ...rest] = args;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(globalHelp(catalog) + "\n");
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-V") {
    process.stdout.write(version() + "\n");
    return 0;
  }
  if (!Object.hasOwn(catalog.summaries, name)) {
    process.stderr.write(`vanthu: lệnh không có: ${name} (unknown command '${name}'); xem vanthu --help\n`);
    return 2;
  }
  try {
    const command = await catalog.load(name);
    if (rest.includes("--help") || rest.includes("-h")) {
      process.stdout.write(command.usage.trimEnd() + "\n");
      return 0;
    }
    return await command.run(rest);
  } catch (err) {
    return reportError(err, debug);
  }
}

export { CliError };
