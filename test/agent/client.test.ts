/**
 * The PWA's agent client (shared/agent-protocol/client.ts) against a real agent over HTTP on
 * 127.0.0.1 with a SoftHSM2 token: batch signers fed to the signing engine, one consent,
 * signed PDFs valid in pdfsig; and the errors it surfaces.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webcrypto } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DemoCertificationAuthority } from "../../shared/pki/demo-ca.ts";
import { AgentClient, agentBatch } from "../../shared/agent-protocol/client.ts";
import { signPdf } from "../../shared/sign/index.ts";
import { startAgent, type RunningAgent } from "../../agent/server.ts";
import { SoftHsm } from "../support/softhsm.ts";
import { officialDocumentPdf, TINOS } from "../support/documents.ts";
import { pdfsig } from "../support/tools.ts";
import { csrfOf, hex, pair } from "./helpers.ts";

const PIN = "135790";
const ORIGIN = "http://127.0.0.1:8080";
let hsm: SoftHsm;
let dir: string;
let agent: RunningAgent;
let client: AgentClient;

const http = { request: (url: string, init?: RequestInit) => fetch(url, { ...init, redirect: "manual" }) };

beforeAll(async () => {
  hsm = SoftHsm.create();
  hsm.useInProcess();
  dir = mkdtempSync(join(tmpdir(), "vanthu-agent-client-"));
  const ca = await DemoCertificationAuthority.create({}, webcrypto as unknown as Crypto);
  await hsm.initToken("Org", PIN);
  await hsm.provision(ca, { tokenLabel: "Org", pin: PIN, commonName: "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG", organization: "UBND thành phố Hải Phòng", keyLabel: "org" });
  await hsm.initToken("Keys", PIN);
  await hsm.provision(ca, { tokenLabel: "Keys", pin: PIN, commonName: "Khóa EC P-256", keyLabel: "ec", keyType: "EC" });
  await hsm.provision(ca, { tokenLabel: "Keys", pin: PIN, commonName: "Khóa RSA 3072", keyLabel: "rsa3072", bits: 3072 });
  agent = await startAgent({ module: hsm.module, port: 0, dataDir: join(dir, "agent"), say: () => undefined });
  const token = await pair(http, ORIGIN, agent.url);
  client = new AgentClient({ baseUrl: agent.url, token, headers: { Origin: ORIGIN } });
}, 120_000);

afterAll(async () => {
  await agent?.close();
  hsm?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("AgentClient", () => {
  it("reads status and certificates once paired", async () => {
    expect((await new AgentClient({ baseUrl: agent.url, headers: { Origin: ORIGIN } }).status()).paired).toBe(false);
    const s = await client.status();
    expect(s.paired).toBe(true);
    expect(s.tokens?.map((t) => t.label).sort()).toEqual(["Keys", "Org"]);
    const certs = await client.certificates();
    expect(certs.find((c) => c.keyLabel === "org")?.commonName).toBe("ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG");
    expect(certs.find((c) => c.keyLabel === "ec")?.keyAlgorithm).toBe("EC");
  });

  it("signs three electronic copies (sao y) as the organisation with one consent through agentBatch", async () => {
    const cert = (await client.certificates()).find((c) => c.keyLabel === "org");
    const inputs = await Promise.all([1, 2, 3].map(() => officialDocumentPdf()));
    const batch = agentBatch(cert!, inputs.map((_, i) => ({ title: `Quyết định ${i + 1}`, number: `${i + 1}/QĐ-UBND`, sha256: hex(i + 1), signatureType: "copy" as const })));
    const engines = inputs.map((pdf, i) => signPdf(pdf, { type: "copy", signer: batch.signers[i]!, copyForm: "sao y", org: "UBND phường Hồng Bàng", font: TINOS }));
    // an engine error must fail the test, not leave the batch waiting
    const created = await client.createSignRequest(await Promise.race([batch.request, Promise.all(engines).then(() => Promise.reject(new Error("engines finished without the agent")))]));
    // the person, on the agent's page
    const page = await (await fetch(created.consentUrl)).text();
    const done = await (await fetch(created.consentUrl, { method: "POST", headers: { Origin: agent.url }, body: new URLSearchParams({ csrf: csrfOf(page), pin: PIN, action: "sign" }) })).text();
    expect(done).toContain('data-signed="3"');
    batch.deliver(await client.waitForSignRequest(created.id, { intervalMs: 50 }));
    for (const [i, r] of (await Promise.all(engines)).entries()) {
      const f = join(dir, `org-${i}.pdf`);
      writeFileSync(f, r.bytes);
      expect((await pdfsig(f)).map((s) => s.valid)).toEqual([true]);
    }
  });

  for (const keyLabel of ["ec", "rsa3072"]) {
    it(`signs with a ${keyLabel} key on the token; valid in pdfsig`, async () => {
      const cert = (await client.certificates()).find((c) => c.keyLabel === keyLabel)!;
      const batch = agentBatch(cert, [{ title: "Bản sao", sha256: hex(5), signatureType: "copy" }]);
      const engine = signPdf(await officialDocumentPdf(), { type: "copy", signer: batch.signers[0]!, copyForm: "sao y", org: "UBND phường Hồng Bàng", font: TINOS });
      const created = await client.createSignRequest(await Promise.race([batch.request, engine.then(() => Promise.reject(new Error("engine finished without the agent")))]));
      const page = await (await fetch(created.consentUrl)).text();
      await fetch(created.consentUrl, { method: "POST", headers: { Origin: agent.url }, body: new URLSearchParams({ csrf: csrfOf(page), pin: PIN, action: "sign" }) });
      const view = await client.waitForSignRequest(created.id, { intervalMs: 50 });
      expect(view.signatureAlgorithm).toBe(keyLabel === "ec" ? "ECDSA" : "RSASSA-PKCS1-v1_5");
      batch.deliver(view);
      const f = join(dir, `${keyLabel}.pdf`);
      writeFileSync(f, (await engine).bytes);
      expect((await pdfsig(f)).map((s) => s.valid)).toEqual([true]);
    });
  }

  it("hands the engines the failure when the person refuses", async () => {
    const cert = (await client.certificates()).find((c) => c.keyLabel === "org");
    const batch = agentBatch(cert!, [{ title: "Công văn", sha256: hex(9), signatureType: "copy" }]);
    const engine = signPdf(await officialDocumentPdf(), { type: "copy", signer: batch.signers[0]!, copyForm: "sao y", org: "UBND phường Hồng Bàng", font: TINOS });
    const created = await client.createSignRequest(await Promise.race([batch.request, engine.then(() => Promise.reject(new Error("engine finished without the agent")))]));
    const page = await (await fetch(created.consentUrl)).text();
    await fetch(created.consentUrl, { method: "POST", headers: { Origin: agent.url }, body: new URLSearchParams({ csrf: csrfOf(page), pin: "", action: "reject" }) });
    batch.deliver(await client.waitForSignRequest(created.id, { intervalMs: 50 }));
    await expect(engine).rejects.toMatchObject({ code: "agent.request-refused" });
  });

  it("surfaces the agent's refusals and an agent that is not running, in Vietnamese", async () => {
    const cert = (await client.certificates()).find((c) => c.keyLabel === "org");
    const e = await client
      .createSignRequest({ certificateId: cert!.id, documents: [{ title: "Mật", sha256: hex(1), signatureType: "signer", secrecy: "Tuyệt mật", signedAttributes: "MQA=" }] })
      .catch((x) => x);
    expect(e.code).toBe("domain.classified");
    expect(e.messageVi).toMatch(/Văn bản mật/);
    const down = await new AgentClient({ baseUrl: "http://127.0.0.1:9" }).status().catch((x) => x);
    expect(down.code).toBe("agent.unreachable");
  });
});
