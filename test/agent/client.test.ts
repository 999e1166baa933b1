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
import { AgentClient } from "../../shared/agent-protocol/client.ts";
import { prepareForAgent, signWithAgent } from "../../shared/agent-protocol/batch.ts";
import type { CertificateInfo } from "../../shared/agent-protocol/index.ts";
import { startAgent, type RunningAgent } from "../../agent/server.ts";
import { SoftHsm } from "../support/softhsm.ts";
import { officialDocumentPdf, TINOS } from "../support/documents.ts";
import { signaturePng } from "../support/png.ts";
import { pdfsig } from "../support/tools.ts";
import { csrfOf, pair, preparedDocument } from "./helpers.ts";

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
  await hsm.provision(ca, {
    tokenLabel: "Org",
    pin: PIN,
    commonName: "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG",
    organization: "UBND thành phố Hải Phòng",
    keyLabel: "org",
  });
  await hsm.initToken("Keys", PIN);
  await hsm.provision(ca, { tokenLabel: "Keys", pin: PIN, commonName: "Khóa EC P-256", keyLabel: "ec", keyType: "EC" });
  await hsm.provision(ca, { tokenLabel: "Keys", pin: PIN, commonName: "Khóa RSA 3072", keyLabel: "rsa3072", bits: 3072 });
  agent = await startAgent({ module: hsm.module, port: 0, dataDir: join(dir, "agent"), say: () => undefined, pairingOrigins: [ORIGIN] });
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

  /** The person, on the agent's page: reads it, types the PIN (or refuses). */
  async function person(url: string, action: "sign" | "reject", pin = PIN) {
    const page = await (await fetch(url)).text();
    return (await fetch(url, { method: "POST", headers: { Origin: agent.url }, body: new URLSearchParams({ csrf: csrfOf(page), pin, action }) })).text();
  }
  const copies = (cert: CertificateInfo, n: number) =>
    Promise.all(
      Array.from({ length: n }, async (_, i) => ({
        title: `Quyết định ${i + 1}`,
        number: `${i + 1}/QĐ-UBND`,
        signatureType: "copy" as const,
        prepared: await prepareForAgent(await officialDocumentPdf(), cert, { type: "copy", copyForm: "sao y", org: "UBND phường Hồng Bàng", font: TINOS }),
      })),
    );

  it("signs three electronic copies (sao y) as the organisation with one consent through signWithAgent", async () => {
    const cert = (await client.certificates()).find((c) => c.keyLabel === "org")!;
    const signed = await signWithAgent(client, cert, await copies(cert, 3), { openConsent: (url) => void person(url, "sign"), intervalMs: 50 });
    for (const [i, bytes] of signed.entries()) {
      const f = join(dir, `org-${i}.pdf`);
      writeFileSync(f, bytes);
      expect((await pdfsig(f)).map((s) => s.valid)).toEqual([true]);
    }
  });

  for (const keyLabel of ["ec", "rsa3072"]) {
    it(`signs with a ${keyLabel} key on the token; valid in pdfsig`, async () => {
      const cert = (await client.certificates()).find((c) => c.keyLabel === keyLabel)!;
      // "Khóa EC P-256" and "Khóa RSA 3072" are persons' certificates: a signer's signature under their own name
      const prepared = await prepareForAgent(await officialDocumentPdf({ name: cert.commonName }), cert, { type: "signer", image: signaturePng() });
      const [bytes] = await signWithAgent(client, cert, [{ title: "Công văn", signatureType: "signer", prepared }], {
        openConsent: (url) => void person(url, "sign"),
        intervalMs: 50,
      });
      const f = join(dir, `${keyLabel}.pdf`);
      writeFileSync(f, bytes!);
      expect((await pdfsig(f)).map((s) => s.valid)).toEqual([true]);
    });
  }

  it("fails with the person's refusal, and signs nothing", async () => {
    const cert = (await client.certificates()).find((c) => c.keyLabel === "org")!;
    await expect(
      signWithAgent(client, cert, await copies(cert, 1), { openConsent: (url) => void person(url, "reject"), intervalMs: 50 }),
    ).rejects.toMatchObject({ code: "agent.request-refused" });
  });

  it("cannot get a digest signed that is not the one the agent computed from the PDF", async () => {
    const cert = (await client.certificates()).find((c) => c.keyLabel === "org")!;
    const [shown] = await copies(cert, 1);
    const other = await preparedDocument(Buffer.from(cert.certificate, "base64"), [], { name: "", kind: "copy" });
    const e = await client
      .createSignRequest({
        certificateId: cert.id,
        documents: [
          {
            title: "Báo cáo tuần (vô hại)",
            signatureType: "copy",
            pdf: Buffer.from(shown!.prepared.bytes).toString("base64"),
            signedAttributes: other.signedAttributes,
          },
        ],
      })
      .catch((x) => x);
    expect(e.code).toBe("agent.digest-mismatch");
  });

  it("surfaces the agent's refusals and an agent that is not running, in Vietnamese", async () => {
    const cert = (await client.certificates()).find((c) => c.keyLabel === "org");
    const e = await client
      .createSignRequest({
        certificateId: cert!.id,
        documents: [{ title: "Mật", signatureType: "signer", secrecy: "Tuyệt mật", pdf: "JVBERi0x", signedAttributes: "MQA=" }],
      })
      .catch((x) => x);
    expect(e.code).toBe("domain.classified");
    expect(e.messageVi).toMatch(/Văn bản mật/);
    const down = await new AgentClient({ baseUrl: "http://127.0.0.1:9" }).status().catch((x) => x);
    expect(down.code).toBe("agent.unreachable");
  });
});
