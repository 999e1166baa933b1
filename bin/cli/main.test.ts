import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const VANTHU = fileURLToPath(new URL("../vanthu.mjs", import.meta.url));
const vanthu = (...args: string[]) => spawnSync(process.execPath, [VANTHU, ...args], { encoding: "utf8" });

describe("vanthu, the compiled command", () => {
  it("--version prints the version in package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    const r = vanthu("--version");
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("--help lists every command file, each with its summary", () => {
    const names = readdirSync(new URL("./commands/", import.meta.url)).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
    const r = vanthu("--help");
    expect(r.status).toBe(0);
    for (const f of names) expect(r.stdout).toMatch(new RegExp(`^  ${f.slice(0, -3)} +\\S`, "m"));
  });

  it("an unknown command: exit 2, one line in Vietnamese and English", () => {
    const r = vanthu("khong-co");
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("lệnh không có");
    expect(r.stderr).toContain("unknown command");
  });

  it("runs as JavaScript from dist/cli, never through a TypeScript loader", () => {
    const current = JSON.parse(readFileSync(new URL("../../dist/cli/current.json", import.meta.url), "utf8")) as { id: string; inputs: string[] };
    expect(current.inputs).toContain("bin/cli/main.ts");
    expect(readFileSync(VANTHU, "utf8")).not.toMatch(/tsx/);
  });
});
