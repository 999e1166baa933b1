/**
 * House rule "no import cycles", as a test. esbuild (already the build's resolver) reads every
 * source file of the repository and reports each file's imports — static and dynamic, as it
 * resolves them for the bundle; type-only imports are erased, so they cannot form a cycle at
 * run time. Cycles are then the strongly connected components of that graph. madge and dpdm
 * parse TypeScript with the `typescript` package's JS API, which TypeScript 7 (the native
 * compiler used here) no longer ships, so they cannot read this repository.
 */
import { build, type Plugin } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Asset imports (`?url`, fonts) and Vite's virtual modules are leaves, not source. */
const assetsAreLeaves: Plugin = {
  name: "assets-are-leaves",
  setup(b) {
    b.onResolve({ filter: /\?|\.(ttf|png|svg|css|wasm)$|^virtual:/ }, (a) => ({ path: a.path, external: true }));
  },
};

export async function importGraph(cwd: string, files: string[]): Promise<Map<string, string[]>> {
  const r = await build({
    absWorkingDir: cwd,
    entryPoints: files,
    bundle: true,
    write: false,
    metafile: true,
    outdir: join(tmpdir(), "import-cycles-out"),
    format: "esm",
    platform: "node",
    packages: "external",
    jsx: "preserve",
    logLevel: "silent",
    plugins: [assetsAreLeaves],
  });
  const graph = new Map<string, string[]>();
  for (const [file, input] of Object.entries(r.metafile.inputs))
    graph.set(
      file,
      input.imports.filter((i) => !i.external).map((i) => i.path),
    );
  return graph;
}

/** Tarjan's strongly connected components; every component of two or more files (or a self-import) is a cycle. */
export function cyclesOf(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe("import cycles", () => {
  it("the repository's TypeScript has none", async () => {
    const files = execFileSync("git", ["ls-files", "*.ts", "*.tsx", "*.mts"], { cwd: root, encoding: "utf8" })
      .split("\n")
      .filter((f) => f && !f.endsWith(".d.ts"));
    expect(files.length).toBeGreaterThan(100);
    const graph = await importGraph(root, files);
    expect(graph.size).toBeGreaterThanOrEqual(files.length);
    expect(cyclesOf(graph)).toEqual([]);
  }, 120_000);

  it("finds a cycle when there is one (static or through a dynamic import)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cycles-"));
    try {
      writeFileSync(join(dir, "a.ts"), 'import { b } from "./b.ts";\nexport const a = () => b;\n');
      writeFileSync(join(dir, "b.ts"), 'export const b = async () => (await import("./c.ts")).c;\n');
      writeFileSync(join(dir, "c.ts"), 'import { a } from "./a.ts";\nexport const c = a;\n');
      writeFileSync(join(dir, "d.ts"), 'import { a } from "./a.ts";\nexport const d = a;\n');
      const cycles = cyclesOf(await importGraph(dir, ["a.ts", "b.ts", "c.ts", "d.ts"]));
      expect(cycles).toEqual([["a.ts", "b.ts", "c.ts"]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
