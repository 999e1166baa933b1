/**
 * Draws the app icons (PNG) with Chromium from the SVG logo: `npx tsx web/scripts/make-icons.ts`.
 * The PNGs are committed in web/public/icons; run again only when the logo changes.
 */
import { chromium } from "playwright-core";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const out = join(import.meta.dirname, "../public/icons");
const svg = (maskable: boolean) => `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
<rect width="512" height="512" ${maskable ? "" : 'rx="96"'} fill="#a31d1d"/>
<g transform="${maskable ? "translate(76 76) scale(0.703)" : ""}">
<circle cx="256" cy="220" r="150" fill="none" stroke="#fff" stroke-width="26"/>
<path d="M180 170l76 120 76-120" fill="none" stroke="#fff" stroke-width="34" stroke-linejoin="round" stroke-linecap="round"/>
<text x="256" y="462" font-family="DejaVu Sans, sans-serif" font-weight="700" font-size="64" fill="#fff" text-anchor="middle">VĂN THƯ</text>
</g></svg>`;

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage();
for (const [name, size, maskable] of [
  ["icon-192.png", 192, false],
  ["icon-512.png", 512, false],
  ["icon-maskable-512.png", 512, true],
] as const) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${svg(maskable).replace("<svg ", `<svg width="${size}" height="${size}" `)}</body></html>`,
  );
  writeFileSync(join(out, name), await page.screenshot({ omitBackground: true }));
}
await browser.close();
