/**
 * `vanthu verify` as scripts and district IT run it: a child process, real files, the JSON
 * shape and exit codes of the contract, --trust (file and folder), --crl, --offline, and
 * the CRL cache filled when online (from a local server) and used offline.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tool } from "../../../test/support/tools.ts";
import { DemoCertificationAuthority, issue, makePdf, signLibpdf, appendUpdate, stream } from "../../../test/verify/corpus.ts";

const VANTHU = fileURLToPath(new URL("../../vanthu.mjs", import.meta.url));
const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
let dir: string;
let server: Server;
let crlDer: Uint8Array;
const files: Record<string, string> = {};

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  return tool(process.execPath, [VANTHU, "verify", ...args], { env: { ...process.env, VANTHU_CACHE_DIR: join(dir, "cache"), ...env } });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "vanthu-verify-cli-"));
  server = createServer((req, res) => (req.url === "/ca.crl" ? res.end(Buffer.from(crlDer)) : res.writeHead(404).end()));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const crlUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ca.crl`;
  const root = await DemoCertificationAuthority.create({ commonName: "Demo Root — CLI" });
  const id = await issue(root, { commonName: "Lê Văn Cường", title: "Chủ tịch", organization: "UBND xã An Lão", crlUrl });
  crlDer = new Uint8Array((await root.crl([])).rawData);
  const signed = await signLibpdf(await makePdf(), id);
  mkdirSync(join(dir, "trust"));
  writeFileSync(join(dir, "trust", "root.pem"), root.certificate.toString("pem"));
  writeFileSync(join(dir, "trust", "notes.txt"), "ignored");
  files.root = join(dir, "trust", "root.pem");
  files.crl = join(dir, "ca.crl");
  writeFileSync(files.crl, crlDer);
  files.signed = join(dir, "signed.pdf");
  writeFileSync(files.signed, signed);
  files.attacked = join(dir, "attacked.pdf");
  writeFileSync(
    files.attacked,
    appendUpdate(signed, [
      { num: 2, body: "<< /Type /Catalog /Pages 1 0 R >>" },
      { num: 90, body: stream("BT ET") },
    ]),
  );
  files.text = join(dir, "note.txt");
  writeFileSync(files.text, "không phải PDF");
  files.truncated = join(dir, "truncated.pdf");
  writeFileSync(files.truncated, signed.subarray(0, Math.floor(signed.length * 0.6)));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("vanthu verify", () => {
  it("a valid file: exit 0, the contract's JSON shape", async () => {
    const r = await run([files.signed!, "--trust", files.root!, "--crl", files.crl!, "--offline", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toHaveLength(1);
    expect(Object.keys(out[0]).sort()).toEqual(["file", "signatures", "status"]);
    expect(out[0]).toMatchObject({ file: files.signed, status: "valid" });
    const s = out[0].signatures[0];
    expect(Object.keys(s).sort()).toEqual([
      "changes",
      "coversWholeDocument",
      "field",
      "findings",
      "indication",
      "message",
      "modifiedAfter",
      "signer",
      "signingTime",
    ]);
    expect(s.changes).toEqual({ allowed: [], disallowed: [] });
    expect(Array.isArray(s.findings)).toBe(true);
    expect(s).toMatchObject({ indication: "TOTAL_PASSED", coversWholeDocument: true, modifiedAfter: "none" });
    expect(s.signer).toMatchObject({ commonName: "Lê Văn Cường", title: "Chủ tịch", organization: "UBND xã An Lão" });
    expect(s.signer.serialNumber).toMatch(/^[0-9a-f]+$/);
    expect(s.signingTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);
    expect(s.message).toMatch(/hợp lệ/);
  });

  it("several files, one bad: exit 1, one object per file, errors as status 'error' with a message", async () => {
    const r = await run([
      files.signed!,
      files.attacked!,
      files.text!,
      files.truncated!,
      join(dir, "missing.pdf"),
      "--trust",
      join(dir, "trust"),
      "--crl",
      files.crl!,
      "--offline",
      "--json",
    ]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      file: string;
      status: string;
      error?: string;
      signatures: { modifiedAfter: string; subIndication?: string; changes: { disallowed: string[] } }[];
    }[];
    expect(out.map((o) => o.status)).toEqual(["valid", "invalid", "error", "error", "error"]);
    expect(out[1]!.signatures[0]!.modifiedAfter).toBe("disallowed");
    // Why: the list of changes after the signature, for scripts and inspectors.
    expect(out[1]!.signatures[0]!.changes.disallowed.length).toBeGreaterThan(0);
    expect(out[2]!.error).toMatch(/không phải là tệp PDF/);
    expect(out[3]!.error).toMatch(/cắt cụt|bị hỏng/);
    expect(out[4]!.error).toMatch(/không tìm thấy tệp/);
    expect(r.stderr).toBe("");
  });

  it("without the demo root trusted: indeterminate, exit 1, human output in Vietnamese", async () => {
    const r = await run([files.signed!, "--crl", files.crl!, "--offline"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/CHƯA XÁC ĐỊNH/);
    expect(r.stdout).toMatch(/tin cậy/);
  });

  it("online it fetches the CRL and caches it; offline it then uses the cache", async () => {
    const cache = join(dir, "cache-online");
    const online = await run([files.signed!, "--trust", files.root!, "--json"], { VANTHU_CACHE_DIR: cache });
    expect(online.code).toBe(0);
    expect(readdirSync(join(cache, "crl"))).toHaveLength(1);
    const offline = await run([files.signed!, "--trust", files.root!, "--offline", "--json"], { VANTHU_CACHE_DIR: cache });
    expect(offline.code).toBe(0);
    const noCache = await run([files.signed!, "--trust", files.root!, "--offline", "--json"], { VANTHU_CACHE_DIR: join(dir, "empty-cache") });
    expect(noCache.code).toBe(1);
    expect(JSON.parse(noCache.stdout)[0].signatures[0].subIndication).toBe("TRY_LATER");
  });

  it("the code-cached bundle (bin/code-cache.mjs) answers as the ES modules do (--debug), run after run", async () => {
    const args = [files.signed!, files.attacked!, files.truncated!, files.text!, "--trust", files.root!, "--crl", files.crl!, "--offline", "--json"];
    const strip = (out: string) => out.replace(/"validatedAt": "[^"]*"/g, "");
    const modules = await run([...args, "--debug"]);
    const first = await run(args); // writes the code cache when the build is new
    const second = await run(args); // runs from it
    expect(first.code).toBe(1);
    for (const r of [first, second]) {
      expect(r.code).toBe(modules.code);
      expect(strip(r.stdout)).toBe(strip(modules.stdout));
    }
    const build = JSON.parse(readFileSync(join(ROOT, "dist/cli/current.json"), "utf8")) as { id: string };
    expect(existsSync(join(ROOT, "dist/cli", build.id, "command-verify.cjs.v8cache"))).toBe(true);
  });

  it("usage errors: exit 2, one line on stderr", async () => {
    for (const args of [[], ["--bogus", files.signed!], [files.signed!, "--trust", join(dir, "nope.pem")], [files.signed!, "--no-default-trust"]]) {
      const r = await run(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^vanthu: /);
    }
  });

  it("--help lists the options", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    for (const o of ["--trust", "--crl", "--offline", "--json"]) expect(r.stdout).toContain(o);
  });
});
