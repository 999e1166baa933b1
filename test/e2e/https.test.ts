/**
 * The PWA from a second computer, by name, over HTTPS (issue 13): service workers and
 * crypto.subtle exist only in secure contexts, so on an office network the sync server must
 * speak TLS. Here `vanthu server --tls-cert --tls-key` serves the built PWA with a certificate
 * from a test CA that the browser trusts the way an office installs its CA on clerks'
 * computers (an NSS database, Chromium's store on Linux, filled with certutil); the name
 * vanthu.haiphong.test resolves to this machine (--host-resolver-rules). A clerk whose account
 * district IT just made signs in, must set her own password first, installs the app, and
 * pairs the app with the token agent on loopback (the app's Origin must reach it under the
 * server's Referrer-Policy: no-referrer), reloads it with no network. The strict CSP is on and
 * nothing in the app trips it.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../sync-server/auth/password.ts";
import { startSyncServer, type RunningServer } from "../../sync-server/serve.ts";
import { UserRepository } from "../../sync-server/users/repository.ts";
import { makeTestCa, type TestCa } from "../support/test-ca.ts";
import { startAgent, type RunningAgent } from "../../agent/server.ts";
import { CHROMIUM_ARGS, buildWeb, pairWithAgent, waitForServiceWorker } from "./helpers.ts";

const NAME = "vanthu.haiphong.test";
const FIRST = "Mật khẩu tạm của tổ CNTT 2026";
const MINE = "Hoa phượng đỏ bên cầu Rào";

let web: string;
let dir: string;
let home: string;
let ca: TestCa;
let server: RunningServer;
let ctx: BrowserContext | undefined;
let agent: RunningAgent;

beforeAll(async () => {
  web = buildWeb();
  dir = mkdtempSync(join(tmpdir(), "vanthu-e2e-https-"));
  ca = makeTestCa([NAME]);
  server = await startSyncServer({
    db: `sqlite:${join(dir, "db.sqlite")}`,
    blobs: join(dir, "blobs"),
    port: 0,
    host: "127.0.0.1",
    webDir: web,
    tlsCert: ca.serverCert,
    tlsKey: ca.serverKey,
  });
  const office = await server.storage.createOffice({ name: "UBND phường Hồng Bàng", kind: "commune", organId: "000.00.31.H26" });
  const clerk = await server.storage.createUser({
    officeId: office.id,
    username: "vanthu.hongbang",
    fullName: "Trần Thị Bình",
    passwordHash: await hashPassword(FIRST),
    roles: ["clerk"],
  });
  await new UserRepository(server.storage).markMustChange(clerk.id);
  // The token agent on this computer (an in-memory demo key), told the office's HTTPS address at install.
  agent = await startAgent({
    port: 0,
    dataDir: join(dir, "agent"),
    memoryDemo: true,
    say: () => undefined,
    pairingOrigins: [`https://${NAME}:${server.port}`],
  });
  // The office's CA in the browser's own trust store, as on a clerk's computer.
  home = mkdtempSync(join(tmpdir(), "vanthu-e2e-home-"));
  const nssdb = join(home, ".pki", "nssdb");
  mkdirSync(nssdb, { recursive: true });
  execFileSync("certutil", ["-d", `sql:${nssdb}`, "-N", "--empty-password"]);
  execFileSync("certutil", ["-d", `sql:${nssdb}`, "-A", "-t", "C,,", "-n", "Văn thư số — CA thử", "-i", ca.caCert]);
}, 300_000);

afterAll(async () => {
  await ctx?.close().catch(() => undefined);
  await agent?.close();
  await server?.close();
  for (const d of [dir, home, web, ca?.dir]) if (d) rmSync(d, { recursive: true, force: true });
});

describe("the PWA over HTTPS from another computer", () => {
  it("trusts the office CA, signs in by name with a first password to change, installs, and reloads offline under a strict CSP", {
    timeout: 300_000,
  }, async () => {
    const profile = mkdtempSync(join(tmpdir(), "vanthu-e2e-profile-"));
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${NAME} 127.0.0.1`],
      env: { ...process.env, HOME: home },
      locale: "vi-VN",
      timezoneId: "Asia/Ho_Chi_Minh",
    });
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const cspViolations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
    const url = `https://${NAME}:${server.port}`;

    const first = await page.goto(`${url}/`);
    expect(first!.status()).toBe(200);
    const headers = first!.headers();
    expect(headers["content-security-policy"]).toMatch(/script-src 'self'/);
    expect(headers["strict-transport-security"]).toMatch(/max-age=/);
    // The shipped index.html has no inline script for the CSP to refuse.
    const html = await page.evaluate(async () => (await fetch("/index.html", { cache: "no-store" })).text());
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(await page.evaluate(() => ({ secure: window.isSecureContext, subtle: typeof crypto.subtle?.digest, sw: "serviceWorker" in navigator }))).toEqual({
      secure: true,
      subtle: "function",
      sw: true,
    });

    // Sign in with the password district IT gave: nothing but changing it is offered.
    await page.getByTestId("sign-in").waitFor();
    await page.locator("#login-user").fill("vanthu.hongbang");
    await page.locator("#login-pass").fill(FIRST);
    await page.getByRole("button", { name: "Đăng nhập" }).click();
    await page.getByTestId("first-password").waitFor();
    await page.locator("#pw-current").fill(FIRST);
    await page.locator("#pw-new").fill("aaaaaaaaaaaa");
    await page.locator("#pw-again").fill("aaaaaaaaaaaa");
    await page.getByRole("button", { name: "Đổi mật khẩu" }).click();
    await page.getByRole("alert").filter({ hasText: "quá dễ đoán" }).waitFor();
    await page.locator("#pw-new").fill(MINE);
    await page.locator("#pw-again").fill(MINE);
    await page.getByRole("button", { name: "Đổi mật khẩu" }).click();
    await page.getByTestId("office-name").waitFor();
    await expect.poll(() => page.getByTestId("office-name").innerText()).toContain("UBND phường Hồng Bàng");

    // Pairing with the agent on http://127.0.0.1 from the HTTPS app: the form must carry the
    // app's Origin although the server's Referrer-Policy is no-referrer.
    // (pairWithAgent waits for the agent's own page to say "paired", which it says only for the Origin it was told.)
    await pairWithAgent(page, url, agent.url);

    // Installed: the service worker controls the page, over HTTPS, from a name.
    await waitForServiceWorker(page);
    await page.goto(`${url}/#/du-thao`);
    await page.getByTestId("office-name").waitFor();

    // No network at all: the app still opens, from the service worker.
    await ctx.setOffline(true);
    await page.reload();
    await page.getByTestId("office-name").waitFor();
    await expect.poll(async () => (await page.getByTestId("network").innerText()).trim()).toBe("Không có mạng");
    expect(await page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
    await ctx.setOffline(false);

    expect(cspViolations).toEqual([]);
    await ctx.close();
    ctx = undefined;
    rmSync(profile, { recursive: true, force: true });
  });
});
