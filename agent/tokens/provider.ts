import type { Signer } from "../../shared/sign/signer.ts";
import type { TokenSummary } from "../../shared/agent-protocol/index.ts";
import type { TokenCertificate } from "../pkcs11/index.ts";

/** A Signer for one batch: logged in once, closed (logged out) after the batch. */
export type BatchSigner = Signer & { close(): Promise<void> };

/** Where the agent's keys are: a PKCS#11 library, or the demo key in memory. */
export interface TokenProvider {
  readonly module: { path: string; description: string; demo: boolean };
  listTokens(): Promise<TokenSummary[]>;
  listCertificates(): Promise<TokenCertificate[]>;
  /** Logs in with the PIN; throws TokenError (wrong PIN, locked, no token, no key). */
  openSigner(certificateId: string, pin: string): Promise<BatchSigner>;
  close(): Promise<void>;
}
