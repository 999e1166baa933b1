import { x509 } from "../pki/x509.ts";
import { VGCA_ROOT_G2_PEM, VGCA_ROOT_G2_SHA256 } from "./vgca-root-g2.ts";
import { VanthuError } from "../errors.ts";

/**
 * The bundled trust anchors (gốc tin cậy) of the government's official-service PKI, as data
 * that the browser build imports too. An office replaces or extends them by configuration
 * (`vanthu verify --trust PEM_OR_DIR`).
 */
export interface BundledAnchor {
  name: string;
  pem: string;
  /** Pinned SHA-256 of the DER, upper-case hex. */
  sha256: string;
}

export const BUNDLED_ANCHORS: readonly BundledAnchor[] = [{ name: "RootCA chuyên dùng Chính phủ G2", pem: VGCA_ROOT_G2_PEM, sha256: VGCA_ROOT_G2_SHA256 }];

export function hex(b: ArrayBuffer | Uint8Array): string {
  return [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("").toUpperCase();
}

/** Every certificate in a PEM text (several BEGIN CERTIFICATE blocks) or a single DER. */
export function parseCertificates(data: Uint8Array | string): x509.X509Certificate[] {
  const text = typeof data === "string" ? data : new TextDecoder("latin1").decode(data.subarray(0, Math.min(data.length, 1 << 22)));
  if (text.includes("-----BEGIN CERTIFICATE-----")) {
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    return blocks.map((b) => new x509.X509Certificate(b));
  }
  if (typeof data === "string") return [];
  return [new x509.X509Certificate(data.slice())];
}

/** The bundled anchors, each checked against its pinned fingerprint (a swapped file is refused). */
export async function bundledTrustAnchors(crypto: Crypto = globalThis.crypto): Promise<x509.X509Certificate[]> {
  const out: x509.X509Certificate[] = [];
  for (const a of BUNDLED_ANCHORS) {
    const cert = new x509.X509Certificate(a.pem);
    const fp = hex(await crypto.subtle.digest("SHA-256", cert.rawData));
    if (fp !== a.sha256) throw new VanthuError("TRUST_PIN_MISMATCH", `Chứng thư gốc "${a.name}" không khớp dấu vân tay đã ghim`, `bundled anchor ${a.name} has SHA-256 ${fp}, pinned ${a.sha256}`);
    out.push(cert);
  }
  return out;
}
