import { describe, expect, it } from "vitest";
import { SignRequests, viewOf } from "./requests.ts";
import type { CertificateInfo } from "../../shared/agent-protocol/index.ts";
import { SignRequestViewSchema } from "../../shared/agent-protocol/index.ts";

const cert = { id: "a".repeat(64), certificate: "MA==", chain: [] } as unknown as CertificateInfo;
const doc = { title: "Quyết định", sha256: "b".repeat(64), signatureType: "signer" as const, pageIndex: 0, signedAttributes: Uint8Array.of(0x31, 0) };

describe("SignRequests", () => {
  it("expires a request not consented to in time, failing every document", () => {
    let now = new Date("2026-11-25T02:00:00Z");
    const store = new SignRequests(() => now, 5 * 60_000);
    const r = store.create({ pairingId: "p", origin: "https://a.example", certificate: cert, signatureAlgorithm: "RSASSA-PKCS1-v1_5", documents: [doc, doc] });
    expect(store.awaitingFor("p")).toBe(1);
    now = new Date(now.getTime() + 5 * 60_000);
    expect(store.get(r.id)!.state).toBe("awaiting-consent");
    now = new Date(now.getTime() + 1000);
    const expired = store.get(r.id)!;
    expect(expired.state).toBe("expired");
    expect(expired.results.every((x) => x.status === "failed" && x.error.code === "agent.request-expired")).toBe(true);
    expect(store.awaitingFor("p")).toBe(0);
    // the view the PWA reads is valid protocol, with times in +07:00
    const view = SignRequestViewSchema.parse(viewOf(expired));
    expect(view.expiresAt).toBe("2026-11-25T09:05:00+07:00");
  });

  it("forgets finished requests after a while, and ids are unguessable", () => {
    let now = new Date("2026-11-25T02:00:00Z");
    const store = new SignRequests(() => now, 60_000, 10 * 60_000);
    const a = store.create({ pairingId: "p", origin: "o", certificate: cert, signatureAlgorithm: "ECDSA", documents: [doc] });
    expect(a.id.length).toBeGreaterThanOrEqual(22);
    now = new Date(now.getTime() + 12 * 60_000);
    store.create({ pairingId: "p", origin: "o", certificate: cert, signatureAlgorithm: "ECDSA", documents: [doc] });
    expect(store.get(a.id)).toBeUndefined();
  });
});
