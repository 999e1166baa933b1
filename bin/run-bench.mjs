#!/usr/bin/env node
// `npm run bench`: runs every *.bench.ts under test/ and the components, one after another,
// each in its own process so that figures do not disturb each other.
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const only = process.argv.slice(2);
const found = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".") || name === "dist" || name === "data") continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".bench.ts")) found.push(p);
  }
}
for (const d of ["test", "shared", "agent", "sync-server", "web"]) {
  try {
    walk(join(root, d));
  } catch {
    // a folder that does not exist yet
  }
}
let failed = 0;
for (const file of found.sort()) {
  const rel = relative(root, file);
  if (only.length && !only.some((o) => rel.includes(o))) continue;
  console.log(`\n== ${rel}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", file], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
