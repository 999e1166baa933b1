import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pkcs11js from "pkcs11js";
import { webcrypto, createVerify, createPublicKey, createHash } from "node:crypto";
import { DemoCertificationAuthority, DEMO_LABEL } from "../../shared/pki/demo-ca.ts";
import { x509 } from "../../shared/pki/x509.ts";
import { SoftHsm } from "../../test/support/softhsm.ts";
import { listCertificates, listTokens, openPkcs11Signer, TokenError } from "./index.ts";

const PIN = "123456";
let hsm: SoftHsm;
let ca: DemoCertificationAuthority;
let rsa: { der: Uint8Array; keyLabel: string };
let ec: { der: Uint8Array; keyLabel: string };

beforeAll(async () => {
  hsm = SoftHsm.create();
  hsm.useInProcess();
  ca = await DemoCertificationAuthority.create({}, webcrypto as unknown as Crypto);
  await hsm.initToken("Token A", PIN);
  await hsm.initToken("Token B", PIN);
  await hsm.initToken("Token C", PIN);
  await hsm.initToken("Token D", PIN);
  rsa = await hsm.provision(ca, {
    tokenLabel: "Token A",
    pin: PIN,
    keyLabel: "Nguyễn Văn An",
    title: "Chủ tịch",
    organization: `UBND xã An Lão — ${DEMO_LABEL}`,
    withChain: true,
  });
  ec = await hsm.provision(ca, { tokenLabel: "Token A", pin: PIN, keyLabel: "ec-key", keyType: "EC" });
  await hsm.provision(ca, { tokenLabel: "Token B", pin: PIN, keyLabel: "b-key" });
  await hsm.provision(ca, { tokenLabel: "Token C", pin: PIN, keyLabel: "c-key" });
  await hsm.provision(ca, { tokenLabel: "Token D", pin: PIN, keyLabel: "d-key" });
}, 120_000);

afterAll(() => hsm?.cleanup());

function verifyRsa(der: Uint8Array, data: Uint8Array, sig: Uint8Array): boolean {
  const cert = new x509.X509Certificate(new Uint8Array(der));
  const key = createPublicKey({ key: Buffer.from(cert.publicKey.rawData), format: "der", type: "spki" });
  return createVerify("sha256").update(data).verify(key, sig);
}

describe("PKCS#11 on a SoftHSM2 token", () => {
  it("lists tokens and the certificates that have their key pair on the token", async () => {
    const { tokens } = await listTokens(hsm.module);
    expect(tokens.map((t) => t.label).sort()).toEqual(["Token A", "Token B", "Token C", "Token D"]);
    const certs = await listCertificates(hsm.module, { tokenLabel: "Token A" });
    // the CA certificate written on the token has no key: not listed, but found as the chain
    expect(certs.map((c) => c.keyLabel).sort()).toEqual(["Nguyễn Văn An", "ec-key"]);
    const a = certs.find((c) => c.keyLabel === "Nguyễn Văn An")!;
    expect(Buffer.from(a.certificate).equals(Buffer.from(rsa.der))).toBe(true);
    expect(a.chain.length).toBe(1);
    expect(Buffer.from(a.chain[0]!).equals(Buffer.from(ca.chain[0]!))).toBe(true);
    expect(a.id).toBe(createHash("sha256").update(rsa.der).digest("hex"));
  });

  it("signs a batch of signed attributes with one login (RSA, CKM_SHA256_RSA_PKCS)", async () => {
    const signer = await openPkcs11Signer({ module: hsm.module, pin: PIN, tokenLabel: "Token A", keyLabel: "Nguyễn Văn An" });
    try {
      expect(signer.signatureAlgorithm).toBe("RSASSA-PKCS1-v1_5");
      expect(signer.isDemo).toBe(true);
      const { certificate, chain } = await signer.getCertificates();
      expect(Buffer.from(certificate).equals(Buffer.from(rsa.der))).toBe(true);
      expect(chain.length).toBe(1);
      const docs = Array.from({ length: 5 }, (_, i) => new TextEncoder().encode(`signed attributes ${i}`));
      const results = await Promise.all(docs.map((d) => signer.sign(d)));
      results.forEach((r, i) => expect(verifyRsa(rsa.der, docs[i]!, r.signature)).toBe(true));
      // a signature over other bytes does not verify
      expect(verifyRsa(rsa.der, docs[1]!, results[0]!.signature)).toBe(false);
    } finally {
      await signer.close();
    }
  });

  it("signs with an EC key and returns a DER SEQUENCE{r,s}", async () => {
    const signer = await openPkcs11Signer({ module: hsm.module, pin: PIN, certificateId: createHash("sha256").update(ec.der).digest("hex") });
    try {
      expect(signer.signatureAlgorithm).toBe("ECDSA");
      const data = new TextEncoder().encode("ec attrs");
      const { signature } = await signer.sign(data);
      expect(signature[0]).toBe(0x30);
      const cert = new x509.X509Certificate(new Uint8Array(ec.der));
      const key = createPublicKey({ key: Buffer.from(cert.publicKey.rawData), format: "der", type: "spki" });
      expect(createVerify("sha256").update(data).verify(key, signature)).toBe(true);
    } finally {
      await signer.close();
    }
  });

  it("asks which key when a token holds several", async () => {
    await expect(openPkcs11Signer({ module: hsm.module, pin: PIN, tokenLabel: "Token A" })).rejects.toMatchObject({ code: "token.certificate-not-found" });
  });

  it("says no token when the label is not there", async () => {
    const e = await openPkcs11Signer({ module: hsm.module, pin: PIN, tokenLabel: "Không có" }).catch((x) => x);
    expect(e).toBeInstanceOf(TokenError);
    expect(e.code).toBe("token.not-present");
    expect(e.messageVi).toMatch(/Không thấy thiết bị ký số/);
  });

  it("reports a wrong PIN, then the last try from the token's flags", async () => {
    const e1 = await openPkcs11Signer({ module: hsm.module, pin: "000000", tokenLabel: "Token B" }).catch((x) => x);
    expect(e1.code).toBe("token.pin-incorrect");
    // SoftHSM2 raises CKF_USER_PIN_COUNT_LOW after a wrong PIN
    expect(e1.pinTries).toBe("low");
    hsm.setTokenFlags("Token B", pkcs11js.CKF_USER_PIN_FINAL_TRY);
    const e2 = await openPkcs11Signer({ module: hsm.module, pin: "000001", tokenLabel: "Token B" }).catch((x) => x);
    expect(e2.code).toBe("token.pin-incorrect");
    expect(e2.pinTries).toBe("final");
    expect(e2.messageVi).toMatch(/MỘT lần thử/);
    // the right PIN still works and the PIN is in no message
    const s = await openPkcs11Signer({ module: hsm.module, pin: PIN, tokenLabel: "Token B" });
    await s.close();
    expect(JSON.stringify([e1.message, e1.messageVi, e2.message, e2.messageVi])).not.toContain("00000");
  });

  it("refuses a locked PIN before trying it and points to Điều 11 recovery", async () => {
    hsm.setTokenFlags("Token C", pkcs11js.CKF_USER_PIN_LOCKED);
    const e = await openPkcs11Signer({ module: hsm.module, pin: PIN, tokenLabel: "Token C" }).catch((x) => x);
    expect(e.code).toBe("token.pin-locked");
    expect(e.messageVi).toMatch(/Điều 11/);
    expect(e.messageVi).toMatch(/Mẫu số 06/);
    const { tokens } = await listTokens(hsm.module);
    expect(tokens.find((t) => t.label === "Token C")!.pinLocked).toBe(true);
  });

  it("keeps what was signed when the token is pulled out mid-batch and fails the rest", async () => {
    const signer = await openPkcs11Signer({ module: hsm.module, pin: PIN, tokenLabel: "Token D" });
    try {
      const data = (i: number) => new TextEncoder().encode(`doc ${i}`);
      const done: Uint8Array[] = [];
      for (let i = 0; i < 3; i++) done.push((await signer.sign(data(i))).signature);
      hsm.removeToken("Token D");
      const e = await signer.sign(data(3)).catch((x) => x);
      expect(e.code).toBe("token.removed");
      expect(e.messageVi).toMatch(/rút ra/);
      const e2 = await signer.sign(data(4)).catch((x) => x);
      expect(e2.code).toBe("token.removed");
      const { certificate } = await signer.getCertificates();
      done.forEach((sig, i) => expect(verifyRsa(certificate, data(i), sig)).toBe(true));
    } finally {
      await signer.close();
    }
  });
});
