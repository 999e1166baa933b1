import { randomBytes } from "node:crypto";
import { pairingCodeFromHash } from "../../shared/agent-protocol/index.ts";
import type { PendingPairingView } from "../pages/html.ts";

export interface PendingPairing extends PendingPairingView {
  tokenHash: string;
  code: string;
  expiresAt: number;
  attempts: number;
}

/**
 * Pairings started by a page and not yet confirmed on the agent's page. Capped per origin, so
 * one page flooding /pair cannot crowd out the office's own app.
 */
export class PendingPairings {
  private readonly byId = new Map<string, PendingPairing>();
  constructor(
    private readonly nowMs: () => number,
    private readonly ttlMs: number,
    readonly perOrigin = 3,
    readonly total = 50,
  ) {}

  private purge(): void {
    for (const [id, p] of this.byId) if (p.expiresAt < this.nowMs()) this.byId.delete(id);
  }

  /** A new pending pairing, or undefined when the origin (or the agent) has too many waiting. */
  add(origin: string, appName: string, tokenHash: string): PendingPairing | undefined {
    this.purge();
    const mine = [...this.byId.values()].filter((p) => p.origin === origin).length;
    if (mine >= this.perOrigin || this.byId.size >= this.total) return undefined;
    const p: PendingPairing = {
      id: randomBytes(16).toString("base64url"),
      origin,
      appName,
      csrf: randomBytes(24).toString("base64url"),
      tokenHash,
      code: pairingCodeFromHash(tokenHash),
      expiresAt: this.nowMs() + this.ttlMs,
      attempts: 0,
    };
    this.byId.set(p.id, p);
    return p;
  }

  get(id: string): PendingPairing | undefined {
    const p = this.byId.get(id);
    if (p && p.expiresAt < this.nowMs()) {
      this.byId.delete(id);
      return undefined;
    }
    return p;
  }

  delete(id: string): void {
    this.byId.delete(id);
  }
}
