/**
 * `vanthu agent` as a person starts it: a child process in demo mode (SoftHSM2 token under
 * the data folder), reached over HTTP on 127.0.0.1, stopped with SIGTERM.
 */
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { x509 } from "../../../shared/pki/x509.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tool } from "../../../test/support/tools.ts";
import { pair } from "../../../test/agent/helpers.ts";

const VANTHU = fileURLToPath(new URL("../../vanthu.mjs", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "vanthu-cli-agent-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startAgent(args: string[]): Promise<{ url: string; stderr: () => string; stop: () => Promise<number> }> {
  const child = spawn(process.execPath, [VANTHU, "agent", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  const exited = new Promise<number>((r) => child.on("exit", (c) => r(c ?? -1)));
  return new Promise((resolve, reject) => {
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
      const m = /đang chạy tại (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) resolve({ url: m[1]!, stderr: () => err, stop: () => (child.kill("SIGTERM"), exited) });
    });
    exited.then((c) => reject(new Error(`agent exited ${c}: ${err}`)));
  });
}

describe("vanthu agent", () => {
  it("starts in demo mode on 127.0.0.1, says so loudly, answers /v1/status, and stops cleanly", async () => {
    const agent = await startAgent(["--port", "0", "--data-dir", dir]);
    expect(agent.stderr()).toMatch(/CHẾ ĐỘ THỬ/);
    expect(agent.stderr()).toMatch(/CHỈ DÙNG THỬ — không có giá trị pháp lý/);
    const status = await (await fetch(`${agent.url}/v1/status`)).json();
    expect(status).toMatchObject({ agent: "vanthu-agent", protocolVersion: 1, paired: false });
    // the consent and pairing pages come from the agent itself, unframeable
    const home = await fetch(`${agent.url}/`);
    expect(home.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    expect(await home.text()).toMatch(/KHÓA THỬ/);
    expect(existsSync(join(dir, "demo-ca.pem"))).toBe(true);
    expect(await agent.stop()).toBe(0);
  });

  it("reuses the demo token it initialised before: a person's and an organisation's demo certificate", async () => {
    const agent = await startAgent(["--port", "0", "--data-dir", dir]);
    expect(agent.stderr()).toMatch(/VANTHU DEMO/);
    const origin = "http://127.0.0.1:8080";
    const token = await pair({ request: (url, init) => fetch(url, { ...init, redirect: "manual" }) }, origin, agent.url);
    const { certificates } = await (await fetch(`${agent.url}/v1/certificates`, { headers: { Origin: origin, Authorization: `Bearer ${token}` } })).json();
    expect(certificates.map((c: { title?: string; commonName: string }) => c.title ?? c.commonName).sort()).toEqual([
      "Chủ tịch",
      "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG",
    ]);
    for (const c of certificates) {
      expect(c.isDemo).toBe(true);
      expect(c.usable).toBe(true);
      expect(c.subject).toContain("CHỈ DÙNG THỬ");
      expect(c.chain).toHaveLength(1);
    }
    expect(await agent.stop()).toBe(0);
  });

  it("serves the demo CA's CRL, and the demo certificates name it, so demo signatures can be fully verified", async () => {
    const agent = await startAgent(["--port", "0", "--data-dir", dir]);
    const res = await fetch(`${agent.url}/demo/ca.crl`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pkix-crl");
    const crl = new x509.X509Crl(new Uint8Array(await res.arrayBuffer()));
    const ca = new x509.X509Certificate(readFileSync(join(dir, "demo-ca.pem"), "utf8"));
    expect(await crl.verify({ publicKey: ca.publicKey })).toBe(true);
    expect(crl.nextUpdate!.getTime()).toBeGreaterThan(Date.now());
    const origin = "http://127.0.0.1:8080";
    const token = await pair({ request: (url, init) => fetch(url, { ...init, redirect: "manual" }) }, origin, agent.url);
    const { certificates } = await (await fetch(`${agent.url}/v1/certificates`, { headers: { Origin: origin, Authorization: `Bearer ${token}` } })).json();
    for (const c of certificates as { certificate: string }[]) {
      const cert = new x509.X509Certificate(c.certificate);
      const dp = cert.getExtension(x509.CRLDistributionPointsExtension);
      expect(JSON.stringify(dp?.distributionPoints)).toContain("127.0.0.1:47815/demo/ca.crl");
    }
    expect(await agent.stop()).toBe(0);
  });

  it("fails clearly for a missing PKCS#11 library, and for a bad port", async () => {
    const r = await tool(process.execPath, [VANTHU, "agent", "--module", join(dir, "khong-co.so"), "--port", "0", "--data-dir", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Không nạp được thư viện PKCS#11/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    const p = await tool(process.execPath, [VANTHU, "agent", "--port", "http"]);
    expect(p.code).toBe(2);
  });

  it("prints its usage", async () => {
    const r = await tool(process.execPath, [VANTHU, "agent", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--module");
  });
});
