import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { x509 } from "./x509.ts";
import type { FetchLike } from "./revocation.ts";

/**
 * Missing issuer certificates fetched from the Authority Information Access "caIssuers"
 * URL (RFC 5280 §4.2.2.1) when online. Signing tools often embed only the signer's own
 * certificate; the sub-CA (e.g. http://ca.gov.vn/pki/pub/crt/cpcag2.crt) is published there.
 */
const MAX_BYTES = 1024 * 1024;

export function caIssuerUrls(cert: x509.X509Certificate): string[] {
  const ext = cert.getExtension(x509.AuthorityInfoAccessExtension);
  return (ext?.caIssuers ?? []).filter((g) => g.type === "url" && /^https?:\/\//i.test(g.value)).map((g) => g.value);
}

/** DER, PEM, or a PKCS#7 "certs-only" bundle (.p7c/.p7b) → certificates. */
export function parseIssuerResponse(bytes: Uint8Array): x509.X509Certificate[] {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 64));
  if (head.includes("-----BEGIN CERTIFICATE")) {
    const text = new TextDecoder().decode(bytes);
    return (text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map((p) => new x509.X509Certificate(p));
  }
  try {
    return [new x509.X509Certificate(bytes.slice())];
  } catch {
    const asn = asn1js.fromBER(new Uint8Array(bytes).buffer);
    if (asn.offset === -1) return [];
    const ci = new pkijs.ContentInfo({ schema: asn.result });
    const sd = new pkijs.SignedData({ schema: ci.content });
    return (sd.certificates ?? [])
      .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
      .map((c) => new x509.X509Certificate(new Uint8Array(c.toSchema().toBER(false))));
  }
}

/** Fetches the issuers of `cert`, then theirs, up to `depth` levels; failures are noted, never thrown. */
export async function fetchIssuers(
  cert: x509.X509Certificate,
  fetch: FetchLike,
  depth = 4,
  timeoutMs = 15_000,
): Promise<{ certificates: x509.X509Certificate[]; notes: string[] }> {
  const certificates: x509.X509Certificate[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  let frontier = [cert];
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const next: x509.X509Certificate[] = [];
    for (const c of frontier) {
      for (const url of caIssuerUrls(c)) {
        if (seen.has(url)) continue;
        seen.add(url);
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), timeoutMs);
        try {
          const res = await fetch(url, { signal: controller.signal });
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          const buf = new Uint8Array(await res.arrayBuffer());
          if (buf.length > MAX_BYTES) throw new Error("response too large");
          for (const got of parseIssuerResponse(buf)) {
            certificates.push(got);
            next.push(got);
          }
        } catch (e) {
          notes.push(`${url}: ${(e as Error).message}`);
        } finally {
          clearTimeout(timer);
        }
      }
    }
    frontier = next;
  }
  return { certificates, notes };
}
