/** The house rule "TypeScript, strict" as a test: the whole tree type-checks with tsconfig.json. */
import { it, expect } from "vitest";
import { fileURLToPath } from "node:url";
import { tool } from "./support/tools.ts";

it("tsc --noEmit finds no type error anywhere in the repository", async () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));
  const r = await tool(process.execPath, [tsc, "--noEmit", "-p", `${root}/tsconfig.json`], { timeoutMs: 300_000 });
  expect(r.stdout + r.stderr).toBe("");
  expect(r.code).toBe(0);
}, 300_000);
