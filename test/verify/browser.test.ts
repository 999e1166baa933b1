/**
 * The engine is isomorphic: bundled for the browser (esbuild, platform=browser, no Node
 * shims) and run in Chromium, it gives the same verdicts as in Node — valid, tampered,
 * modified after signing.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { build } from "esbuild";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { DemoCertificationAuthority, issue, makePdf, signLibpdf, appendUpdate, stream, editBytes } from "./corpus.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
let browser: Browser;
let server: Server;
let bundle: string;

beforeAll(async () => {
  const out = await build({
    stdin: {
      contents: `export { verifyPdf } from "./shared/verify/index.ts"; export { parseCertificates } from "./shared/trust/index.ts";`,
      resolveDir: ROOT,
      loader: "ts",
    },
    bundle: true,
    platform: "browser",
    format: "iife",
    globalName: "Vanthu",
    write: false,
    logLevel: "silent",
  });
  bundle = out.outputFiles[0]!.text;
  server = createServer((req, res) => {
    if (req.url === "/verify.js") res.writeHead(200, { "content-type": "text/javascript" }).end(bundle);
    else res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><meta charset="utf-8"><script src="/verify.js"></script>');
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => server.close(() => r()));
});

describe("in Chromium", () => {
  it("the browser bundle verifies like Node does", async () => {
    const root = await DemoCertificationAuthority.create({ commonName: "Root — trình duyệt" });
    const id = await issue(root, { commonName: "Đỗ Thị Hoa", title: "Văn thư" });
    const crl = new Uint8Array((await root.crl([])).rawData);
    const signed = await signLibpdf(await makePdf(), id);
    const files = {
      valid: signed,
      tampered: editBytes(signed, "595 842", "595 843"),
      modified: appendUpdate(signed, [{ num: 4, body: stream("BT ET") }]),
      garbage: new TextEncoder().encode("not a pdf"),
    };
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const b64 = (u: Uint8Array) => Buffer.from(u).toString("base64");
    const results = await page.evaluate(
      async ({ files, anchorPem, crl }) => {
        const V = (globalThis as unknown as { Vanthu: { verifyPdf: Function; parseCertificates: Function } }).Vanthu;
        const bytes = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
        const out: Record<string, unknown> = { secure: globalThis.isSecureContext };
        for (const [name, data] of Object.entries(files)) {
          const r = await V.verifyPdf(bytes(data), { trustAnchors: V.parseCertificates(anchorPem), crls: [bytes(crl)] });
          out[name] = [
            r.status,
            r.signatures[0]?.indication ?? null,
            r.signatures[0]?.subIndication ?? null,
            r.signatures[0]?.modifiedAfter ?? null,
            r.signatures[0]?.signer?.title ?? null,
          ];
        }
        return out;
      },
      { files: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, b64(v)])), anchorPem: root.certificate.toString("pem"), crl: b64(crl) },
    );
    expect(results.secure).toBe(true);
    expect(results.valid).toEqual(["valid", "TOTAL_PASSED", null, "none", "Văn thư"]);
    expect(results.tampered).toEqual(["invalid", "TOTAL_FAILED", "HASH_FAILURE", "none", "Văn thư"]);
    expect(results.modified).toEqual(["invalid", "TOTAL_PASSED", null, "disallowed", "Văn thư"]);
    expect((results.garbage as unknown[])[0]).toBe("error");
  });
});
