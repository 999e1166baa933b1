/**
 * nodeVerifyCrypto answers exactly as WebCrypto does: the same verdicts on good, altered and
 * malformed signatures for every algorithm the verifier meets, the same errors on misuse.
 */
import { describe, expect, it } from "vitest";
import { webcrypto } from "node:crypto";
import { nodeVerifyCrypto } from "./node-crypto.ts";

const subtle = webcrypto.subtle;
const fast = nodeVerifyCrypto().subtle;
const data = new TextEncoder().encode("Văn bản cần ký — bản thử");

async function cases(alg: RsaHashedKeyGenParams | EcKeyGenParams, params: AlgorithmIdentifier | RsaPssParams | EcdsaParams) {
  const { privateKey, publicKey } = (await subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const sig = new Uint8Array(await subtle.sign(params, privateKey, data));
  const flipped = sig.slice();
  flipped[5]! ^= 1;
  const other = data.slice();
  other[0]! ^= 1;
  return {
    publicKey,
    privateKey,
    tries: [
      [sig, data],
      [flipped, data],
      [sig, other],
      [sig.subarray(0, sig.length - 1), data],
      [new Uint8Array(0), data],
      [new Uint8Array([...sig, 0]), data],
    ] as [Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>][],
  };
}

describe("nodeVerifyCrypto", () => {
  const rsa = (hash: string): RsaHashedKeyGenParams => ({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash });
  for (const [label, alg, params] of [
    ["RSASSA-PKCS1-v1_5 SHA-256", rsa("SHA-256"), "RSASSA-PKCS1-v1_5"],
    ["RSASSA-PKCS1-v1_5 SHA-1", rsa("SHA-1"), { name: "RSASSA-PKCS1-v1_5" }],
    ["RSASSA-PKCS1-v1_5 SHA-512", rsa("SHA-512"), { name: "RSASSA-PKCS1-v1_5" }],
    ["RSA-PSS SHA-256", { ...rsa("SHA-256"), name: "RSA-PSS" }, { name: "RSA-PSS", saltLength: 32 }],
    ["ECDSA P-256", { name: "ECDSA", namedCurve: "P-256" }, { name: "ECDSA", hash: "SHA-256" }],
  ] as const) {
    it(`${label}: the same verdicts as WebCrypto`, async () => {
      const { publicKey, tries } = await cases(alg as RsaHashedKeyGenParams, params);
      const verdicts = await Promise.all(tries.map(([s, d]) => subtle.verify(params, publicKey, s, d)));
      expect(verdicts[0]).toBe(true);
      expect(await Promise.all(tries.map(([s, d]) => fast.verify(params, publicKey, s, d)))).toEqual(verdicts);
      // ArrayBuffers as well as views.
      const [s, d] = tries[0]!;
      expect(await fast.verify(params, publicKey, s.slice().buffer, d.slice().buffer)).toBe(true);
    });
  }

  it("misuse fails as in WebCrypto: a private key, another algorithm's key", async () => {
    const { privateKey, tries } = await cases(rsa("SHA-256"), "RSASSA-PKCS1-v1_5");
    const [s, d] = tries[0]!;
    const errorOf = (p: Promise<unknown>) =>
      p.then(
        () => "resolved",
        (e: Error) => e.name,
      );
    expect(await errorOf(fast.verify("RSASSA-PKCS1-v1_5", privateKey, s, d))).toBe(await errorOf(subtle.verify("RSASSA-PKCS1-v1_5", privateKey, s, d)));
    const ec = await cases({ name: "ECDSA", namedCurve: "P-256" }, { name: "ECDSA", hash: "SHA-256" });
    expect(await errorOf(fast.verify("RSASSA-PKCS1-v1_5", ec.publicKey, s, d))).toBe(await errorOf(subtle.verify("RSASSA-PKCS1-v1_5", ec.publicKey, s, d)));
  });

  it("everything else is WebCrypto's own", async () => {
    const c = nodeVerifyCrypto();
    expect(new Uint8Array(await c.subtle.digest("SHA-256", data))).toEqual(new Uint8Array(await subtle.digest("SHA-256", data)));
    expect(c.getRandomValues(new Uint8Array(8))).toHaveLength(8);
  });
});
