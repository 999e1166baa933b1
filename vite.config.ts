import { defineConfig } from "vitest/config";

// One config for the PWA build (web/) and for Vitest, which reads the `test` block.
export default defineConfig({
  root: "web",
  build: { outDir: "../dist/web", emptyOutDir: true },
  test: {
    root: ".",
    include: ["shared/**/*.test.ts", "agent/**/*.test.ts", "sync-server/**/*.test.ts", "web/**/*.test.ts", "test/**/*.test.ts", "bin/**/*.test.ts"],
    exclude: ["node_modules/**", "dist/**", "**/*.bench.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores on CI: keep parallelism modest so the real tools (pdfsig, softhsm, chromium) are not starved.
    maxWorkers: 2,
  },
});
