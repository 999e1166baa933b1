import { createHash, timingSafeEqual } from "node:crypto";
import { WebCryptoSigner } from "../../shared/sign/webcrypto-signer.ts";
import type { IssuedIdentity } from "../../shared/pki/demo-ca.ts";
import { DEMO_LABEL } from "../../shared/pki/demo-ca.ts";
import type { TokenSummary } from "../../shared/agent-protocol/index.ts";
import type { TokenCertificate } from "../pkcs11/index.ts";
import { tokenErrors, type PinTries } from "../pkcs11/errors.ts";
import type { BatchSigner, TokenProvider } from "./provider.ts";

export const DEMO_MEMORY_TOKEN_LABEL = "KHÓA THỬ TRONG BỘ NHỚ";

/**
 * Demo mode without SoftHSM2: a key in this process's memory, with a demo PIN that behaves
 * like a token's (three wrong tries lock it until the agent restarts). Labelled everywhere.
 */
export class WebCryptoTokenProvider implements TokenProvider {
  readonly module = { path: "demo:memory", description: `Khóa thử trong bộ nhớ — ${DEMO_LABEL}`, demo: true };
  private wrongTries = 0;
  private readonly pinHash: Buffer;
  private readonly id: string;

  constructor(
    private readonly identity: IssuedIdentity,
    pin: string,
    private readonly maxTries = 3,
  ) {
    this.pinHash = createHash("sha256").update(pin).digest();
    this.id = createHash("sha256").update(new Uint8Array(identity.certificate.rawData)).digest("hex");
  }

  async listTokens(): Promise<TokenSummary[]> {
    return [{ label: DEMO_MEMORY_TOKEN_LABEL, manufacturer: "Văn thư số", model: "demo", serialNumber: "DEMO" }];
  }

  async listCertificates(): Promise<TokenCertificate[]> {
    return [
      {
        id: this.id,
        tokenLabel: DEMO_MEMORY_TOKEN_LABEL,
        tokenSerialNumber: "DEMO",
        keyLabel: "khóa thử",
        objectId: "01",
        certificate: new Uint8Array(this.identity.certificate.rawData),
        chain: this.identity.chain,
      },
    ];
  }

  async openSigner(certificateId: string, pin: string): Promise<BatchSigner> {
    if (certificateId !== this.id) throw tokenErrors.certificateNotFound(certificateId);
    if (this.wrongTries >= this.maxTries) throw tokenErrors.pinLocked();
    if (!timingSafeEqual(createHash("sha256").update(pin).digest(), this.pinHash)) {
      this.wrongTries++;
      if (this.wrongTries >= this.maxTries) throw tokenErrors.pinLocked();
      const tries: PinTries = this.maxTries - this.wrongTries === 1 ? "final" : "low";
      throw tokenErrors.pinIncorrect(tries);
    }
    this.wrongTries = 0;
    const signer = new WebCryptoSigner(
      this.identity.keys.privateKey,
      { certificate: new Uint8Array(this.identity.certificate.rawData), chain: this.identity.chain },
      "khóa thử",
      true,
    );
    return Object.assign(signer, { close: async () => undefined });
  }

  async close(): Promise<void> {}
}
