import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicKey, createVerify } from "node:crypto";
import { DEMO_LABEL } from "../../shared/pki/demo-ca.ts";
import { x509 } from "../../shared/pki/x509.ts";
import { openDemoTokens, DEMO_PIN } from "../demo/index.ts";
import { createAgentApp } from "../app.ts";
import { PairingStore } from "../pairing/store.ts";
import { SigningLog } from "../log/signing-log.ts";
import { AGENT, csrfOf, pair, preparedDocument } from "../../test/agent/helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "vanthu-demo-memory-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("demo mode without SoftHSM2: the in-memory key", () => {
  it("says so loudly, labels everything, and signs behind the same consent and PIN", async () => {
    const demo = await openDemoTokens(dir, { forceMemory: true });
    expect(demo.kind).toBe("memory");
    expect(demo.notice).toMatch(/KHÓA THỬ TRONG BỘ NHỚ/);
    expect(demo.notice).toContain(DEMO_LABEL);
    const app = createAgentApp({ port: 47815, tokens: demo.provider, pairings: new PairingStore(), log: new SigningLog(join(dir, "log.jsonl")) });
    const token = await pair(app, "http://localhost:5173");
    const h = { Origin: "http://localhost:5173", Authorization: `Bearer ${token}` };
    const status = await (await app.request(`${AGENT}/v1/status`, { headers: h })).json();
    expect(status.module.demo).toBe(true);
    const { certificates } = await (await app.request(`${AGENT}/v1/certificates`, { headers: h })).json();
    expect(certificates).toHaveLength(1);
    expect(certificates[0].isDemo).toBe(true);
    const der = new Uint8Array(Buffer.from(certificates[0].certificate, "base64"));
    const subject = new x509.X509Certificate(der).subjectName;
    const doc = await preparedDocument(der, [], { name: subject.getField("CN")[0]!, title: [subject.getField("2.5.4.12")[0]!.toLocaleUpperCase("vi")] });
    const created = await (
      await app.request(`${AGENT}/v1/sign-requests`, {
        method: "POST",
        headers: { ...h, "Content-Type": "application/json" },
        body: JSON.stringify({
          certificateId: certificates[0].id,
          documents: [{ title: "Thử", signatureType: "signer", pdf: doc.pdf, signedAttributes: doc.signedAttributes }],
        }),
      })
    ).json();
    const path = new URL(created.consentUrl).pathname;
    const page = await (await app.request(`${AGENT}${path}`)).text();
    expect(page).toMatch(/KHÓA THỬ/);
    const post = (pin: string, csrf: string) =>
      app.request(`${AGENT}${path}`, {
        method: "POST",
        headers: { Origin: AGENT, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrf, pin, action: "sign" }).toString(),
      });
    const wrong = await (await post("000000", csrfOf(page))).text();
    expect(wrong).toContain("token.pin-incorrect");
    const done = await (await post(DEMO_PIN, csrfOf(page))).text();
    expect(done).toContain('data-signed="1"');
    const view = await (await app.request(`${AGENT}/v1/sign-requests/${created.id}`, { headers: h })).json();
    const cert = new x509.X509Certificate(new Uint8Array(Buffer.from(certificates[0].certificate, "base64")));
    const key = createPublicKey({ key: Buffer.from(cert.publicKey.rawData), format: "der", type: "spki" });
    expect(createVerify("sha256").update(doc.prepared.signedAttributes).verify(key, Buffer.from(view.results[0].signature, "base64"))).toBe(true);
  });
});
