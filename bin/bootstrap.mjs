#!/usr/bin/env node
// Runs before `npm start` and `npm test` (their pre-scripts), in plain Node with no dependency,
// so that a fresh clone needs nothing else: installs the npm dependencies when node_modules is
// missing or package-lock.json changed since the last install, then the Debian packages
// (bin/setup-system.mjs). Usage: node bin/bootstrap.mjs --for start|test
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const forWhat = process.argv.includes("--for") ? process.argv[process.argv.indexOf("--for") + 1] : "test";
const modules = join(root, "node_modules");
const lock = join(root, "package-lock.json");
/** Written after an install made here: the lock file's hash it was made from. */
const stamp = join(modules, ".vanthu-installed");

const lockHash = () => (existsSync(lock) ? createHash("sha256").update(readFileSync(lock)).digest("hex") : "no-lock");

/** Why the dependencies must be installed, or undefined when they are there and current. */
function staleReason() {
  if (!existsSync(modules)) return "node_modules chưa có (not installed yet)";
  if (existsSync(stamp)) return readFileSync(stamp, "utf8").trim() === lockHash() ? undefined : "package-lock.json đã đổi (the lock file changed)";
  // Installed by hand (npm install / npm ci): trust it when every declared package is there.
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const missing = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((n) => !existsSync(join(modules, n, "package.json")));
  return missing.length ? `thiếu gói ${missing.slice(0, 3).join(", ")}${missing.length > 3 ? "…" : ""} (missing packages)` : undefined;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`Lệnh thất bại: ${cmd} ${args.join(" ")} (command failed, exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

const why = staleReason();
if (why) {
  console.error(`Đang cài các gói npm — ${why}. (installing npm dependencies)`);
  // pkcs11js is compiled at install (node-gyp): the compilers first.
  run(process.execPath, [join(root, "bin/setup-system.mjs"), "--for", "build"]);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  // `npm ci` installs exactly the lock file; when the lock no longer matches package.json, `npm install` mends it.
  const ci = existsSync(lock) && spawnSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" }).status === 0;
  if (!ci) run(npm, ["install", "--no-audit", "--no-fund"]);
  writeFileSync(stamp, lockHash() + "\n");
}
run(process.execPath, [join(root, "bin/setup-system.mjs"), "--for", forWhat]);
