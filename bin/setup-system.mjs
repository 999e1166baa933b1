#!/usr/bin/env node
// Installs what `npm start` and `npm test` need from Debian, when it is missing
// (`--for build`: the compilers `npm ci` needs for the native addons, before it runs).
// Runs apt-get only as root (or with passwordless sudo); otherwise says exactly what to install.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";

const forWhat = process.argv.includes("--for") ? process.argv[process.argv.indexOf("--for") + 1] : "test";

/** [what must exist, Debian package, needed for] */
const needs = [
  ["/usr/bin/pdfsig", "poppler-utils", ["test"]],
  ["/usr/bin/pdftoppm", "poppler-utils", ["test"]],
  ["/usr/bin/qpdf", "qpdf", ["test"]],
  ["/usr/bin/softhsm2-util", "softhsm2", ["test", "start"]],
  ["/usr/lib/softhsm/libsofthsm2.so", "softhsm2", ["test", "start"]],
  ["/usr/bin/pkcs11-tool", "opensc", ["test"]],
  ["/usr/bin/chromium", "chromium", ["test"]],
  ["/usr/bin/openssl", "openssl", ["test"]],
  ["/usr/lib/postgresql/15/bin/initdb", "postgresql-15", ["test"]],
  ["/usr/bin/soffice", "libreoffice-writer-nogui", ["test"]],
  ["/usr/bin/pdftotext", "poppler-utils", ["test"]],
  ["/usr/bin/certutil", "libnss3-tools", ["test"]],
  ["/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf", "fonts-liberation", ["test"]],
  // The bold face of the request letters' tests (Tinos, metric-compatible with Times New Roman).
  ["/usr/share/fonts/truetype/croscore/Tinos-Bold.ttf", "fonts-croscore", ["test"]],
  // Independent judges of the edXML package: well-formedness (libxml2) and its XML Signature (xmlsec).
  ["/usr/bin/xmllint", "libxml2-utils", ["test"]],
  ["/usr/bin/xmlsec1", "xmlsec1", ["test"]],
];

/** [a program on PATH, Debian package, needed for]: `build` is what `npm ci` needs to compile pkcs11js (node-gyp). */
const programs = [
  ["g++", "g++", ["build"]],
  ["make", "make", ["build"]],
  ["python3", "python3", ["build"]],
];
const onPath = (name) => (process.env.PATH ?? "").split(delimiter).some((d) => d && existsSync(join(d, name)));

const missing = [
  ...needs.filter(([path, , f]) => f.includes(forWhat) && !existsSync(path)),
  ...programs.filter(([name, , f]) => f.includes(forWhat) && !onPath(name)),
];
const pkgs = [...new Set(missing.map(([, p]) => p))];
if (pkgs.length === 0) process.exit(0);

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const sudo = !isRoot && spawnSync("sudo", ["-n", "true"]).status === 0;
if (!isRoot && !sudo) {
  const msg =
    `Thiếu gói hệ thống: ${pkgs.join(", ")}. Hãy cài bằng: sudo apt-get install -y ${pkgs.join(" ")}\n` +
    `(missing Debian packages: ${pkgs.join(", ")}; install them with the command above)`;
  console.error(msg);
  // `npm start` can still run without them (the demo token falls back to an in-memory key).
  process.exit(forWhat === "start" ? 0 : 1);
}
const run = (args) =>
  execFileSync(sudo ? "sudo" : args[0], sudo ? args : args.slice(1), {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
console.error(`Đang cài gói hệ thống (installing Debian packages): ${pkgs.join(" ")}`);
try {
  run(["apt-get", "update", "-qq"]);
  run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...pkgs]);
} catch (e) {
  console.error(`Không cài được gói hệ thống ${pkgs.join(" ")} (apt-get failed: ${e.message.split("\n")[0]})`);
  process.exit(forWhat === "start" ? 0 : 1);
}
