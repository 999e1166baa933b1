/**
 * `npm run bench`: signatures per second for a batch of 100 against SoftHSM2 —
 *   1. pkcs11js called directly in one process (one login, C_SignInit + C_Sign each),
 *   2. the agent's Pkcs11Signer (the same, behind the Signer interface),
 *   3. the whole agent over HTTP on 127.0.0.1: sign request, consent page, PIN, results;
 * and the ratio of 3 to 1. Run alone: node --import tsx agent/bench/agent-sign.bench.ts
 */
import { webcrypto } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkcs11js from "pkcs11js";
import * as asn1js from "asn1js";
import { DemoCertificationAuthority } from "../../shared/pki/demo-ca.ts";
import { hashPairingToken, newPairingToken, pairingCodeFromHash } from "../../shared/agent-protocol/index.ts";
import { SoftHsm, softHsmInstalled } from "../../test/support/softhsm.ts";
import { openPkcs11Signer, sha256Hex } from "../pkcs11/index.ts";
import { startAgent } from "../server.ts";
import { preparedDocument } from "../../test/agent/helpers.ts";

const N = 100;
const ROUNDS = 3;
const PIN = "246810";
const ORIGIN = "http://localhost:5173";

if (!softHsmInstalled()) {
  console.log("SoftHSM2 is not installed: agent signing benchmark skipped");
  process.exit(0);
}

const hsm = SoftHsm.create();
hsm.useInProcess();
const dir = mkdtempSync(join(tmpdir(), "vanthu-agent-bench-"));
const ca = await DemoCertificationAuthority.create({}, webcrypto as unknown as Crypto);
await hsm.initToken("Bench", PIN);
const id = await hsm.provision(ca, { tokenLabel: "Bench", pin: PIN, commonName: "Benchmark", keyLabel: "bench" });
// Realistic size: PAdES signed attributes are ~1.5 KB with signing-certificate-v2.
const attr = (oid: string, value: asn1js.AsnType) =>
  new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), new asn1js.Set({ value: [value] })] });
const data = Array.from(
  { length: N },
  (_, i) =>
    new Uint8Array(
      new asn1js.Set({
        value: [
          attr("1.2.840.113549.1.9.3", new asn1js.ObjectIdentifier({ value: "1.2.840.113549.1.7.1" })),
          attr("1.2.840.113549.1.9.4", new asn1js.OctetString({ valueHex: new Uint8Array(32).fill(i).buffer })),
          attr("1.2.840.113549.1.9.16.2.47", new asn1js.OctetString({ valueHex: new Uint8Array(1400).fill(i).buffer })),
        ],
      }).toBER(),
    ),
);

function best(xs: number[]): number {
  return Math.min(...xs);
}

// 1. pkcs11js directly
const direct: number[] = [];
{
  const p = new pkcs11js.PKCS11();
  p.load(hsm.module);
  p.C_Initialize();
  const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trim() === "Bench")!;
  const s = p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  p.C_Login(s, pkcs11js.CKU_USER, PIN);
  p.C_FindObjectsInit(s, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }]);
  const key = p.C_FindObjects(s, 1)[0]!;
  p.C_FindObjectsFinal(s);
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (const d of data) {
      p.C_SignInit(s, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, key);
      p.C_Sign(s, Buffer.from(d), Buffer.alloc(256));
    }
    direct.push(performance.now() - t0);
  }
  p.C_Logout(s);
  p.C_CloseSession(s);
  p.C_Finalize();
  p.close();
}

// 2. the Signer over PKCS#11
const wrapped: number[] = [];
{
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    const signer = await openPkcs11Signer({ module: hsm.module, pin: PIN, tokenLabel: "Bench" });
    for (const d of data) await signer.sign(d);
    await signer.close();
    wrapped.push(performance.now() - t0);
  }
}

// 3. the agent over HTTP
const viaAgent: number[] = [];
{
  const agent = await startAgent({
    module: hsm.module,
    port: 0,
    dataDir: dir,
    say: () => undefined,
    limits: { pinAttemptsPerMinute: 100, signRequestsPerMinute: 100 },
    pairingOrigins: [ORIGIN],
  });
  const token = newPairingToken();
  const tokenHash = await hashPairingToken(token);
  const start = await fetch(`${agent.url}/pair`, { method: "POST", redirect: "manual", headers: { Origin: ORIGIN }, body: new URLSearchParams({ tokenHash }) });
  const pairUrl = `${agent.url}${start.headers.get("location")}`;
  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  const pairCsrf = csrfOf(await (await fetch(pairUrl)).text());
  await fetch(pairUrl, {
    method: "POST",
    headers: { Origin: agent.url },
    body: new URLSearchParams({ csrf: pairCsrf, code: pairingCodeFromHash(tokenHash), action: "confirm" }),
  });
  const headers = { Origin: ORIGIN, Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  // The agent signs prepared revisions only (it computes each digest, reads and draws the page):
  // one prepared revision sent N times, so the figure includes that work per document.
  const doc = await preparedDocument(id.der, [], { name: "Benchmark" });
  const documents = data.map((_, i) => ({ title: `Văn bản ${i + 1}`, signatureType: "signer", pdf: doc.pdf, signedAttributes: doc.signedAttributes }));
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    const created = await (
      await fetch(`${agent.url}/v1/sign-requests`, { method: "POST", headers, body: JSON.stringify({ certificateId: sha256Hex(id.der), documents }) })
    ).json();
    const page = await (await fetch(created.consentUrl)).text();
    await fetch(created.consentUrl, {
      method: "POST",
      headers: { Origin: agent.url },
      body: new URLSearchParams({ csrf: csrfOf(page), pin: PIN, action: "sign" }),
    });
    const view = await (await fetch(`${agent.url}/v1/sign-requests/${created.id}`, { headers })).json();
    viaAgent.push(performance.now() - t0);
    if (view.state !== "completed") throw new Error(`agent batch ended ${view.state}`);
  }
  await agent.close();
}

const rate = (ms: number) => (N / ms) * 1000;
console.log(`agent signing, batch of ${N}, SoftHSM2 RSA-2048, best of ${ROUNDS}:`);
console.log(`  pkcs11js directly, one process   ${rate(best(direct)).toFixed(0).padStart(6)} signatures/s`);
console.log(`  Pkcs11Signer (login + batch)     ${rate(best(wrapped)).toFixed(0).padStart(6)} signatures/s`);
console.log(`  through the agent over HTTP      ${rate(best(viaAgent)).toFixed(0).padStart(6)} signatures/s  (request, consent page, PIN, results)`);
console.log(`  agent / direct                   ${(best(direct) / best(viaAgent)).toFixed(2)}`);
hsm.cleanup();
rmSync(dir, { recursive: true, force: true });
