/**
 * The demo fits together (issue 11, point 7): the agent's demo tokens and the server's demo
 * seed name the same people and office; the leader's certificate and the office's are on two
 * tokens (a lost-token incident on one leaves the other usable); the demo CA's CRL address is
 * the agent's actual port; the printed accounts name their roles in Vietnamese.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { checkCertificateForRole } from "../../shared/domain/roles.ts";
import { x509 } from "../../shared/pki/x509.ts";
import { startAgent, type RunningAgent } from "../../agent/server.ts";
import { DEMO_TOKEN_LABELS, DEMO_PIN } from "../../agent/demo/index.ts";
import { DEMO_OFFICES, seedDemo } from "../../sync-server/seed.ts";
import { makeEnv } from "./harness.ts";

const dir = mkdtempSync(join(tmpdir(), "vanthu-demo-"));
let agent: RunningAgent | undefined;
afterAll(async () => {
  await agent?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A port free right now, so that the agent listens where its certificates say. */
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

it("two demo tokens: the leader's personal certificate and the office's, named as the seed names them, with the CRL at the agent's port", async () => {
  const port = await freePort();
  agent = await startAgent({ port, dataDir: dir, say: () => {} });
  const env = await makeEnv("sqlite");
  try {
    const accounts = (await seedDemo(env.storage))!;
    const certs = await agent.tokens.listCertificates();
    expect(new Set(certs.map((c) => c.tokenLabel))).toEqual(new Set(Object.values(DEMO_TOKEN_LABELS)));
    // Two tokens, two serial numbers: an incident names one token.
    expect(new Set(certs.map((c) => c.tokenSerialNumber)).size).toBe(2);
    const byToken = Object.fromEntries(certs.map((c) => [c.tokenLabel, new x509.X509Certificate(c.certificate.slice())]));
    const leaderCert = byToken[DEMO_TOKEN_LABELS.leader]!;
    const orgCert = byToken[DEMO_TOKEN_LABELS.office]!;
    const cn = (c: x509.X509Certificate) => c.subjectName.getField("CN")[0]!;
    const leader = accounts.find((a) => a.username === "lanhdao.hongbang")!;
    // The leader signs as himself; the clerk issues as the office: no role problem with the seed's names.
    expect(
      checkCertificateForRole(
        { commonName: cn(leaderCert), title: "Chủ tịch" },
        { kind: "signer", role: "official", signerName: leader.fullName, signerTitle: "Chủ tịch" },
      ),
    ).toEqual([]);
    expect(cn(orgCert)).toBe("ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG");
    expect(checkCertificateForRole({ commonName: cn(orgCert) }, { kind: "issuer", role: "clerk", organisationName: DEMO_OFFICES.hongBang.name })).toEqual([]);
    for (const c of [leaderCert, orgCert]) {
      const crl = c.getExtension(x509.CRLDistributionPointsExtension)!;
      expect(JSON.stringify(crl.distributionPoints.map((d) => d.distributionPoint?.fullName?.map((n) => n.uniformResourceIdentifier)))).toContain(
        `http://127.0.0.1:${port}/demo/ca.crl`,
      );
      expect(c.subject).toContain("CHỈ DÙNG THỬ");
    }
    const crl = await fetch(`http://127.0.0.1:${port}/demo/ca.crl`);
    expect(crl.status).toBe(200);
    // Each token opens with the demo PIN on its own.
    for (const c of certs) await (await agent.tokens.openSigner(c.id, DEMO_PIN)).close();
    // What `npm start` prints for people: roles in Vietnamese.
    expect(accounts.map((a) => `${a.username}: ${a.rolesVi.join(", ")}`)).toEqual([
      "vanthu.hongbang: Văn thư",
      "lanhdao.hongbang: Lãnh đạo",
      "cks.hongbang: Phụ trách chữ ký số",
      "vanthu.anhung: Văn thư",
      "lanhdao.anhung: Lãnh đạo",
      "vanthu.sokhcn: Văn thư, Phụ trách chữ ký số",
      "it.khuvuc: Cán bộ công nghệ thông tin khu vực",
      "thanhtra.khuvuc: Thanh tra, kiểm tra",
    ]);
  } finally {
    await env.close();
  }
});
