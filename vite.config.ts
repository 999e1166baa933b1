/// <reference types="vitest/config" />
// defineConfig from vite, not vitest/config: `npm start` builds the PWA with the production
// dependencies only, where Vitest is absent; the `test` block's types come from the reference above.
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";
import { VitePWA } from "vite-plugin-pwa";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Plugin } from "vite";
import { precompress } from "./web/scripts/precompress.ts";

/** pdf.js needs its CMaps, standard fonts and wasm decoders as files: emit them under pdfjs/ so the service worker precaches them. */
function pdfjsAssets(): Plugin {
  const base = join(import.meta.dirname, "node_modules/pdfjs-dist");
  return {
    name: "vanthu-pdfjs-assets",
    apply: "build",
    generateBundle() {
      for (const dir of ["cmaps", "standard_fonts", "wasm"]) {
        for (const f of readdirSync(join(base, dir))) {
          if (f.endsWith(".md") || f === "LICENSE") continue;
          this.emitFile({ type: "asset", fileName: `pdfjs/${dir}/${f}`, source: readFileSync(join(base, dir, f)) });
        }
      }
    },
  };
}

// One config for the PWA build (web/) and for Vitest, which reads the `test` block.
// The Solid and PWA plugins are for the browser build only: under Vitest they would change how
// Node tests of agent/, sync-server/ and shared/ resolve modules.
const underVitest = Boolean(process.env.VITEST) && !process.argv.includes("build");

const version = (JSON.parse(readFileSync(join(import.meta.dirname, "package.json"), "utf8")) as { version: string }).version;

export default defineConfig({
  root: "web",
  // Shown in Cài đặt; VANTHU_VERSION lets a build say which release it is (the update test makes two).
  define: { __VANTHU_VERSION__: JSON.stringify(process.env.VANTHU_VERSION || version) },
  build: {
    outDir: "../dist/web",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 2000,
    // The precompression plugin (brotli at its highest level) is slow by design; rolldown's timing
    // report would be the first thing a newcomer reads at `npm start`, and says nothing to act on.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  worker: { format: "es" },
  plugins: underVitest
    ? []
    : [
        solid(),
        pdfjsAssets(),
        VitePWA({
          // A new version waits until the person agrees (never in the middle of work).
          registerType: "prompt",
          injectRegister: false,
          includeAssets: ["icons/*.png", "favicon.svg"],
          manifest: {
            name: "Văn thư số",
            short_name: "Văn thư số",
            description: "Ký, gửi, nhận, kiểm tra và lưu văn bản điện tử bằng chữ ký số chuyên dùng công vụ",
            lang: "vi",
            start_url: "./",
            scope: "./",
            display: "standalone",
            background_color: "#ffffff",
            theme_color: "#a31d1d",
            icons: [
              { src: "icons/icon-192.png", sizes: "192x192", type: "image/png" },
              { src: "icons/icon-512.png", sizes: "512x512", type: "image/png" },
              { src: "icons/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
            ],
          },
          workbox: {
            globPatterns: ["**/*.{js,mjs,css,html,png,svg,ttf,wasm,json,bcmap,pfb}"],
            // pdf.js' worker is large; it must be precached for the viewer to work offline.
            maximumFileSizeToCacheInBytes: 10 * 1024 * 1024,
            navigateFallback: "index.html",
            navigateFallbackDenylist: [/^\/api\//, /^\/v1\//, /^\/sync\//, /^\/blobs\//],
            cleanupOutdatedCaches: true,
          },
        }),
        // Last: brotli and gzip copies of every text file, sw.js included (sync-server/static.ts sends them).
        precompress(),
      ],
  test: {
    root: ".",
    // The files are named by the two projects below (a project's include adds to this one's).
    exclude: ["node_modules/**", "dist/**", "**/*.bench.ts"],
    projects: [
      // The tests beside the code share one module graph per worker: importing pkijs, libpdf and
      // the domain again for each of some hundred files cost more than running them (import 196 s
      // → 38 s for shared/, agent/guards and web/ on this machine). They keep no state between
      // files; the integration tests under test/ (servers, browsers, tokens) stay isolated.
      {
        extends: true,
        test: {
          name: "unit",
          include: ["shared/**/*.test.ts", "agent/**/*.test.ts", "sync-server/**/*.test.ts", "web/**/*.test.ts", "bin/**/*.test.ts"],
          isolate: false,
        },
      },
      { extends: true, test: { name: "integration", include: ["test/**/*.test.ts"] } },
    ],
    // Builds the PWA once per run for the browser tests (test/support/global-setup.ts).
    globalSetup: ["test/support/global-setup.ts"],
    // Password hashing at 2^10 instead of 2^15 (sync-server/auth/password.ts): the suite signs in
    // some thousand times; password.test.ts checks the production cost itself.
    env: { VANTHU_SCRYPT_LOG2N: "10" },
    // expect.poll waits for a state to be reached; on a loaded machine that takes longer than
    // the default second. Only a broken test waits this long.
    expect: { poll: { timeout: 30_000 } },
    // Bounds for a broken test, not speed goals: generous, so that a loaded machine is not a failure.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // Two cores on CI: keep parallelism modest so the real tools (pdfsig, softhsm, chromium) are not starved.
    maxWorkers: 2,
  },
});
