import type { DigestAlgorithmName, SignatureAlgorithmName, SignatureResult, Signer, SignerCertificates } from "./signer.ts";
import { VanthuError } from "../errors.ts";
import { exactBytes } from "../bytes.ts";

/** A Signer over a WebCrypto private key: for tests, demos and PKCS#12 files. */
export class WebCryptoSigner implements Signer {
  readonly signatureAlgorithm: SignatureAlgorithmName;
  constructor(
    private readonly privateKey: CryptoKey,
    private readonly certs: SignerCertificates,
    readonly label: string,
    readonly isDemo: boolean,
    readonly digestAlgorithm: DigestAlgorithmName = "SHA-256",
    private readonly crypto: Crypto = globalThis.crypto,
  ) {
    const name = privateKey.algorithm.name;
    if (name !== "RSASSA-PKCS1-v1_5" && name !== "RSA-PSS" && name !== "ECDSA") {
      throw new VanthuError("UNSUPPORTED_KEY", "Loại khóa không được hỗ trợ để ký", `unsupported key algorithm ${name}`);
    }
    this.signatureAlgorithm = name;
  }

  async getCertificates(): Promise<SignerCertificates> {
    return this.certs;
  }

  async sign(signedAttributesDer: Uint8Array): Promise<SignatureResult> {
    const params: AlgorithmIdentifier | RsaPssParams | EcdsaParams =
      this.signatureAlgorithm === "RSA-PSS"
        ? { name: "RSA-PSS", saltLength: 32 }
        : this.signatureAlgorithm === "ECDSA"
          ? { name: "ECDSA", hash: this.digestAlgorithm }
          : { name: "RSASSA-PKCS1-v1_5" };
    const raw = new Uint8Array(await this.crypto.subtle.sign(params, this.privateKey, exactBytes(signedAttributesDer)));
    const signature = this.signatureAlgorithm === "ECDSA" ? ecdsaP1363ToDer(raw) : raw;
    return { signature, ...this.certs };
  }
}

/** WebCrypto gives ECDSA as r||s; CMS wants DER SEQUENCE { INTEGER r, INTEGER s }. */
export function ecdsaP1363ToDer(sig: Uint8Array): Uint8Array {
  const half = sig.length / 2;
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = b.slice(i);
    if ((v[0]! & 0x80) !== 0) v = Uint8Array.of(0, ...v);
    return Uint8Array.of(0x02, v.length, ...v);
  };
  const r = int(sig.slice(0, half));
  const s = int(sig.slice(half));
  const body = Uint8Array.of(...r, ...s);
  return body.length < 128 ? Uint8Array.of(0x30, body.length, ...body) : Uint8Array.of(0x30, 0x81, body.length, ...body);
}
