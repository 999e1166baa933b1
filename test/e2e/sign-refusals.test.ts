/**
 * Issue 12 in real Chromium: the signing policy (shared/sign/policy) refuses in the PWA before
 * the token agent's PIN page opens, each time with a plain Vietnamese reason — a revoked
 * certificate (its CA's CRL lists it), one that chains to no trusted root (a second CA nobody
 * trusts), an expired one, and a Phó Chủ tịch's certificate on a block that reads plain
 * "CHỦ TỊCH" although the draft's fields say "KT." (the PDF is what gets signed, not the form).
 * A PDF marked MẬT on page 1 ("TỐI MẬT - KHẨN", "Độ mật: Mật") is refused earlier still: at
 * import, and as a draft's new file, so it never reaches signing. The matching Chủ tịch's own
 * unmarked document still signs: the PIN page opens and the PDF's signature is valid (pdfsig).
 * Real sync server (SQLite), real agent on a SoftHSM2 token, the PWA as built.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgent, type RunningAgent } from "../../agent/server.ts";
import { DemoCertificationAuthority } from "../../shared/pki/demo-ca.ts";
import { seedDemo, DEMO_PASSWORD } from "../../sync-server/seed.ts";
import { startSyncServer, type RunningServer } from "../../sync-server/serve.ts";
import { SoftHsm, requireSoftHsm } from "../support/softhsm.ts";
import { pdfsig } from "../support/tools.ts";
import { buildWeb, documentPdf, installPwa, openBrowser, pairWithAgent, signInWithTrust, startGatedProxy, userDataDir, type GatedProxy } from "./helpers.ts";

const PIN = "135790";
const TOKEN = "UBND HONG BANG";
let web: string;
let dir: string;
let server: RunningServer;
let proxy: GatedProxy;
let hsm: SoftHsm;
let agent: RunningAgent;
let ca: DemoCertificationAuthority;
let leaderName: string;
let ctx: BrowserContext;
let page: Page;
/** Every address a page of the browser went to: the agent's consent (PIN) page must not be among them after a refusal. */
const visited: string[] = [];

const DAY = 86400e3;
const ORG = "UBND phường Hồng Bàng";

beforeAll(async () => {
  requireSoftHsm();
  web = buildWeb();
  dir = mkdtempSync(join(tmpdir(), "vanthu-e2e-refusals-"));
  server = await startSyncServer({ db: `sqlite:${join(dir, "db.sqlite")}`, blobs: join(dir, "blobs"), port: 0, host: "127.0.0.1", webDir: web });
  await seedDemo(server.storage);
  proxy = await startGatedProxy(server.url);
  ca = await DemoCertificationAuthority.create();
  // A second CA that nobody entered as trusted: a certificate from it chains to no trusted root.
  const stranger = await DemoCertificationAuthority.create({ commonName: "CA KHÔNG ĐƯỢC TIN CẬY", organization: "Tổ chức lạ" });
  const crlUrl = `${proxy.url}/crl/demo.crl`;
  const login = await fetch(new URL("/api/auth/login", server.url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "lanhdao.hongbang", password: DEMO_PASSWORD }),
  });
  leaderName = ((await login.json()) as { user: { fullName: string } }).user.fullName;
  hsm = SoftHsm.create();
  hsm.useInProcess();
  await hsm.initToken(TOKEN, PIN);
  const person = (keyLabel: string, commonName: string, title: string, extra: { notBefore?: Date; notAfter?: Date } = {}) => ({
    tokenLabel: TOKEN,
    pin: PIN,
    keyLabel,
    commonName,
    title,
    organization: ORG,
    locality: "Hải Phòng",
    crlUrl,
    withChain: true,
    ...extra,
  });
  await hsm.provision(ca, person("chu-tich", leaderName, "Chủ tịch"));
  await hsm.provision(ca, person("pho-chu-tich", "Phạm Văn Nam", "Phó Chủ tịch"));
  const revoked = await hsm.provision(ca, person("thu-hoi", "Đỗ Văn Hùng", "Chủ tịch"));
  await hsm.provision(
    ca,
    person("het-han", "Hoàng Văn Minh", "Chủ tịch", { notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - 10 * DAY) }),
  );
  await hsm.provision(stranger, person("la", "Vũ Thị Lan", "Chủ tịch"));
  // The CA's CRL, fetched by the PWA from the distribution point named in the certificates.
  const crl = await ca.crl([{ serialNumber: revoked.certificate.serialNumber, revocationDate: new Date(Date.now() - 2 * DAY) }]);
  proxy.extra.set("/crl/demo.crl", { body: new Uint8Array(crl.rawData), type: "application/pkix-crl" });
  agent = await startAgent({ module: hsm.module, port: 0, dataDir: join(dir, "agent"), say: () => undefined, pairingOrigins: ["http://127.0.0.1:*"] });

  ctx = await openBrowser(userDataDir());
  ctx.on("page", (p) => {
    visited.push(p.url());
    p.on("framenavigated", (f) => visited.push(f.url()));
  });
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await installPwa(page, proxy.url);
  // The Chủ tịch signs in; the office's own root (the demo CA) is added to the trust store, as IT does.
  await signInWithTrust(page, proxy.url, "lanhdao.hongbang", DEMO_PASSWORD, ca.certificate.toString("pem"));
  await pairWithAgent(page, proxy.url, agent.url);
}, 300_000);

afterAll(async () => {
  await ctx?.close().catch(() => undefined);
  await agent?.close();
  await proxy?.close();
  await server?.close();
  hsm?.cleanup();
  for (const d of [dir, web]) if (d) rmSync(d, { recursive: true, force: true });
});

interface Draft {
  file: string;
  signerName: string;
  signerTitle: string;
  /** What the PDF's signature block prints (default: the signer's title). */
  blockTitle?: string;
  stamp?: string;
  deputy?: boolean;
}

function pdfOf(d: Draft): Promise<Uint8Array> {
  return documentPdf({
    issuer: ORG,
    number: "      /UBND-VP",
    title: "Công văn",
    summary: `V/v ${d.file}`,
    body: "Nội dung công văn.",
    signerTitle: d.blockTitle ?? d.signerTitle,
    signerName: d.signerName,
    ...(d.stamp ? { stamp: d.stamp } : {}),
  });
}

/** A draft imported from its PDF, the form filled as the person would, the certificate picked by its holder's name. */
async function draftWithCertificate(d: Draft): Promise<void> {
  const pdf = await pdfOf(d);
  await page.goto(`${proxy.url}/#/du-thao`);
  await page.getByTestId("import-draft").setInputFiles({ name: `${d.file}.pdf`, mimeType: "application/pdf", buffer: Buffer.from(pdf) });
  await page.waitForURL(/#\/du-thao\/.+/);
  await page.locator("#f-signer").fill(d.signerName);
  await page.locator("#f-title").fill(d.signerTitle);
  if (d.deputy) {
    await page.getByLabel("Thẩm quyền ký").selectOption("KT.");
    await page.getByLabel("Chức vụ người đứng đầu").fill("Chủ tịch");
  }
  await page.locator("#f-title").blur();
  await page.getByRole("button", { name: "Đọc chứng thư số từ thiết bị ký" }).click();
  const option = page.getByTestId("cert-select").locator("option", { hasText: d.signerName });
  await expect.poll(() => option.count(), { timeout: 30_000 }).toBe(1);
  await page.getByTestId("cert-select").selectOption((await option.getAttribute("value"))!);
}

const consentPageOpened = () => visited.some((u) => u.startsWith(agent.url));

/** The reason shown in the sign panel: the policy's refusal after "Ký số", or the certificate's own problem before it. */
async function refusedBeforePin(reason: RegExp): Promise<void> {
  visited.length = 0;
  const panel = page.getByTestId("sign-panel");
  const button = page.getByTestId("sign-button");
  if (await button.isEnabled()) await button.click();
  await expect.poll(() => panel.locator(".alert.bad").allInnerTexts(), { timeout: 90_000 }).toContainEqual(expect.stringMatching(reason));
  await expect.poll(() => button.innerText()).toBe("Ký số");
  expect(consentPageOpened()).toBe(false);
  expect(await page.locator("h1").innerText()).toBe("Dự thảo");
}

describe("the signing policy in the PWA, before the PIN", () => {
  it("refuses a revoked certificate", { timeout: 300_000 }, async () => {
    await draftWithCertificate({ file: "thu-hoi", signerName: "Đỗ Văn Hùng", signerTitle: "Chủ tịch" });
    await refusedBeforePin(/^Chứng thư số đã bị thu hồi từ ngày \d\d\/\d\d\/\d{4}: không được ký\.$/);
  });

  it("refuses a certificate that chains to no trusted root", { timeout: 300_000 }, async () => {
    await draftWithCertificate({ file: "goc-la", signerName: "Vũ Thị Lan", signerTitle: "Chủ tịch" });
    await refusedBeforePin(/^Chứng thư số của Vũ Thị Lan không dẫn về chứng thư gốc tin cậy nào/);
  });

  it("refuses an expired certificate", { timeout: 300_000 }, async () => {
    await draftWithCertificate({ file: "het-han", signerName: "Hoàng Văn Minh", signerTitle: "Chủ tịch" });
    await refusedBeforePin(/^Chứng thư số đã hết hạn ngày \d\d\/\d\d\/\d{4}; không được ký$/);
  });

  it("refuses a document marked MẬT on page 1, in any spelling: at import, and as a draft's new file", { timeout: 300_000 }, async () => {
    visited.length = 0;
    const refusal = "Văn bản mật (Mật, Tối mật, Tuyệt mật) không được ký, gửi hay lưu trên hệ thống này";
    const toast = page.locator(".toast.error");
    // Imported: refused before anything is kept, whatever the form would say.
    await page.goto(`${proxy.url}/#/du-thao`);
    const marked = await pdfOf({ file: "toi-mat", signerName: leaderName, signerTitle: "Chủ tịch", stamp: "TỐI MẬT - KHẨN" });
    await page.getByTestId("import-draft").setInputFiles({ name: "toi-mat.pdf", mimeType: "application/pdf", buffer: Buffer.from(marked) });
    await expect.poll(() => toast.innerText()).toContain(refusal);
    expect(page.url()).toMatch(/#\/du-thao$/);
    expect(await page.locator("body").innerText()).not.toContain("toi-mat");
    // An unmarked draft whose file is replaced by one stamped "Độ mật: Mật": refused, the draft keeps its file.
    await draftWithCertificate({ file: "thay-tep", signerName: leaderName, signerTitle: "Chủ tịch" });
    const replaced = await pdfOf({ file: "thay-tep-mat", signerName: leaderName, signerTitle: "Chủ tịch", stamp: "Độ mật: Mật" });
    await page.getByLabel("Thay tệp PDF").setInputFiles({ name: "thay-tep-mat.pdf", mimeType: "application/pdf", buffer: Buffer.from(replaced) });
    await expect.poll(() => toast.innerText()).toContain(refusal);
    await expect.poll(() => page.getByRole("link", { name: /^Xem văn bản:/ }).innerText()).toBe("Xem văn bản: thay-tep.pdf");
    expect(consentPageOpened()).toBe(false);
  });

  it('refuses a deputy\'s certificate on a block that reads plain "CHỦ TỊCH", though the form says KT.', { timeout: 300_000 }, async () => {
    await draftWithCertificate({ file: "cap-pho", signerName: "Phạm Văn Nam", signerTitle: "Phó Chủ tịch", blockTitle: "Chủ tịch", deputy: true });
    // The reason quotes the block as the PDF prints it: the policy read the page, not the form.
    await refusedBeforePin(
      /^Chứng thư số của Phó Chủ tịch Phạm Văn Nam: cấp phó chỉ được ký thay người đứng đầu dưới dòng "KT\." \(khối chữ ký đang ghi "CHỦ TỊCH"\)\.$/,
    );
  });

  it("signs the Chủ tịch's own unmarked document: the PIN page opens, the signature is valid", { timeout: 300_000 }, async () => {
    await draftWithCertificate({ file: "hop-le", signerName: leaderName, signerTitle: "Chủ tịch" });
    visited.length = 0;
    const popup = ctx.waitForEvent("page");
    await page.getByTestId("sign-button").click();
    const consent = await popup;
    await consent.waitForSelector("#pin", { timeout: 90_000 });
    expect(consentPageOpened()).toBe(true);
    await consent.fill("#pin", PIN);
    await consent.click("#sign");
    await page.getByRole("heading", { name: "Văn bản đã ký" }).waitFor();
    // The signed revision, downloaded as the person would, judged by pdfsig.
    await page.getByRole("link", { name: /^Xem văn bản:/ }).click();
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Tải tệp về máy" }).click();
    const file = join(dir, "hop-le-da-ky.pdf");
    await (await download).saveAs(file);
    expect((await pdfsig(file)).map((x) => x.valid)).toEqual([true]);
  });
});
