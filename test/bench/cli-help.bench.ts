/**
 * `npm run bench -- cli-help`: how long `vanthu --help` and `vanthu --version` take (the
 * compiled CLI loads no command for them), next to bare `node -e ""` on the same machine in
 * the same run, which is the floor. Medians of 15 runs each; figures only.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const VANTHU = fileURLToPath(new URL("../../bin/vanthu.mjs", import.meta.url));
spawnSync(process.execPath, [VANTHU, "--version"]); // compiles when the build is stale: not measured

function median(args: string[], runs = 15): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: "utf8" });
    times.push(performance.now() - t);
    if (r.status !== 0 && !(args.includes("--help") && r.status === 0)) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const floor = median(["-e", ""]);
const help = median([VANTHU, "--help"]);
const version = median([VANTHU, "--version"]);
const [load1] = (await import("node:os")).loadavg();
console.log(`vanthu CLI start-up (median of 15, load average ${load1!.toFixed(1)} on ${(await import("node:os")).cpus().length} cores)`);
console.log(`  vanthu --help     ${help.toFixed(0)} ms`);
console.log(`  vanthu --version  ${version.toFixed(0)} ms`);
console.log(`  node -e ""        ${floor.toFixed(0)} ms   (Node's own start-up, the floor)`);
