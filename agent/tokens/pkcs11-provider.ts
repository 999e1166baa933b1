import { acquireModule, type Pkcs11Module } from "../pkcs11/module.ts";
import { presentTokens } from "../pkcs11/tokens.ts";
import { listCertificates, openPkcs11Signer, type TokenCertificate } from "../pkcs11/index.ts";
import type { TokenSummary } from "../../shared/agent-protocol/index.ts";
import type { BatchSigner, TokenProvider } from "./provider.ts";

/** The real thing: a token driver (PKCS#11 library), loaded once for the agent's life. */
export class Pkcs11TokenProvider implements TokenProvider {
  private mod: Pkcs11Module;
  readonly module: { path: string; description: string; demo: boolean };

  constructor(path: string, options: { demo?: boolean; description?: string } = {}) {
    this.mod = acquireModule(path);
    this.module = { path, description: options.description ?? this.mod.description, demo: options.demo ?? false };
  }

  /** Some libraries (SoftHSM2) fail slot listing once a token vanished: load them afresh. */
  private withRescan<T>(f: () => T): T {
    try {
      return f();
    } catch {
      this.mod.release();
      this.mod = acquireModule(this.module.path);
      return f();
    }
  }

  async listTokens(): Promise<TokenSummary[]> {
    return this.withRescan(() =>
      presentTokens(this.mod.pkcs11).map((t) => ({ label: t.label, manufacturer: t.manufacturer, model: t.model, serialNumber: t.serialNumber })),
    );
  }

  async listCertificates(): Promise<TokenCertificate[]> {
    try {
      return await listCertificates(this.module.path);
    } catch {
      this.withRescan(() => presentTokens(this.mod.pkcs11));
      return listCertificates(this.module.path);
    }
  }

  openSigner(certificateId: string, pin: string): Promise<BatchSigner> {
    return openPkcs11Signer({ module: this.module.path, pin, certificateId });
  }

  async close(): Promise<void> {
    this.mod.release();
  }
}
