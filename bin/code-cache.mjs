// Runs a command compiled to one CommonJS file (bin/build-cli.mjs, CODE_CACHED) through V8's
// code cache: the bytecode of every function the last run compiled is kept beside the file
// (FILE.v8cache) and given back to V8 at the next start, which then neither parses the file
// nor compiles those functions again. This is what Node 22's module.enableCompileCache() does;
// Node 20 has it only for scripts. A cache V8 refuses (another Node version or V8 flags) is
// made again after the run; one that cannot be written (a read-only install) is skipped.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";
import { CJS_WRAPPER_END, CJS_WRAPPER_START } from "./build-cli.mjs";

/** The command exported by `file`, its `run` wrapped to refresh the cache when it ends. */
export function loadCodeCached(file) {
  const cacheFile = `${file}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // first run of this build
  }
  // ASCII (bin/build-cli.mjs escapes the rest): read as latin1, one byte a character, no decoding.
  let source = readFileSync(file, "latin1");
  // Written already wrapped (CJS_WRAPPER_START); a build from before that is wrapped here.
  if (!source.startsWith(CJS_WRAPPER_START)) source = `${CJS_WRAPPER_START}${source}${CJS_WRAPPER_END}`;
  const script = new Script(source, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  const command = module.exports.command;
  if (cachedData && !script.cachedDataRejected) return command;
  return {
    ...command,
    async run(args) {
      // Written after a run that did its work (not a usage error): the cache then holds the
      // functions a real call compiles, not only those of the argument parsing.
      const code = await command.run(args);
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        // not writable: the next run compiles again
      }
      return code;
    },
  };
}
