/**
 * Vite plugin: after the build (and after vite-plugin-pwa has written sw.js), writes `FILE.br`
 * and `FILE.gz` beside every text asset of dist/web, at the strongest settings, for the sync
 * server to send as they are (sync-server/static.ts) — no compression work per request.
 *
 * node:zlib rather than vite-plugin-compression2: zlib makes both brotli and gzip, the whole job
 * is thirty lines, and the step must run last (`closeBundle`, order "post") so that the service
 * worker written by vite-plugin-pwa in its own closeBundle is compressed too.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { Plugin, ResolvedConfig } from "vite";

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Text and uncompressed binary formats; PNG, woff2 and pdf.js' bcmaps are compressed already. */
const COMPRESSIBLE = new Set([".js", ".mjs", ".css", ".html", ".svg", ".json", ".webmanifest", ".txt", ".wasm", ".ttf", ".pfb", ".ico", ".xml"]);
const MIN_BYTES = 1024;

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else yield p;
  }
}

export async function precompressFolder(dir: string): Promise<{ files: number; bytes: number; br: number; gzip: number }> {
  const totals = { files: 0, bytes: 0, br: 0, gzip: 0 };
  const jobs: Promise<void>[] = [];
  for (const file of files(dir)) {
    if (!COMPRESSIBLE.has(extname(file))) continue;
    const body = readFileSync(file);
    if (body.byteLength < MIN_BYTES) continue;
    jobs.push(
      (async () => {
        const [b, g] = await Promise.all([
          brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength } }),
          gz(body, { level: constants.Z_BEST_COMPRESSION }),
        ]);
        // A variant that saves less than a tenth is not worth the decoding.
        if (b.byteLength < body.byteLength * 0.9) writeFileSync(`${file}.br`, b);
        if (g.byteLength < body.byteLength * 0.9) writeFileSync(`${file}.gz`, g);
        totals.files++;
        totals.bytes += body.byteLength;
        totals.br += Math.min(b.byteLength, body.byteLength);
        totals.gzip += Math.min(g.byteLength, body.byteLength);
      })(),
    );
  }
  await Promise.all(jobs);
  return totals;
}

export function precompress(): Plugin {
  let config: ResolvedConfig;
  return {
    name: "vanthu-precompress",
    apply: "build",
    configResolved(c) {
      config = c;
    },
    closeBundle: {
      sequential: true,
      order: "post",
      async handler() {
        const t = await precompressFolder(resolve(config.root, config.build.outDir));
        const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
        config.logger.info(`precompressed ${t.files} files: ${kb(t.bytes)} → brotli ${kb(t.br)}, gzip ${kb(t.gzip)}`);
      },
    },
  };
}
