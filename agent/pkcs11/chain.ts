import { createHash } from "node:crypto";
import { x509 } from "../../shared/pki/x509.ts";

export function sha256Hex(der: Uint8Array): string {
  return createHash("sha256").update(der).digest("hex");
}

/** Issuer certificates of `leaf` found among `pool`, nearest first (by name and signature). */
export function buildChain(leaf: Uint8Array, pool: Uint8Array[]): Uint8Array[] {
  const parsed = pool.map((der) => ({ der, cert: safeParse(der) })).filter((c): c is { der: Uint8Array; cert: x509.X509Certificate } => c.cert !== undefined);
  const chain: Uint8Array[] = [];
  let current = safeParse(leaf);
  const seen = new Set<string>([sha256Hex(leaf)]);
  while (current && current.issuer !== current.subject) {
    const issuer = parsed.find((c) => c.cert.subject === current!.issuer && !seen.has(sha256Hex(c.der)));
    if (!issuer) break;
    seen.add(sha256Hex(issuer.der));
    chain.push(issuer.der);
    current = issuer.cert;
  }
  return chain;
}

function safeParse(der: Uint8Array): x509.X509Certificate | undefined {
  try {
    return new x509.X509Certificate(new Uint8Array(der));
  } catch {
    return undefined;
  }
}
