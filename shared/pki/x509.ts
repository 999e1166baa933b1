// @peculiar/x509 needs the Reflect metadata polyfill (tsyringe); it is isomorphic.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
export { x509 };

/**
 * Certificates are parsed once per process: the same CA certificates arrive in every
 * signature of every file (and ASN.1 parsing was a quarter of the verification time). The
 * key is the DER itself; the cache is bounded.
 */
const MAX_CACHED = 4096;
const certificates = new Map<string, x509.X509Certificate>();

/** The bytes as a string key (a DER certificate is a few KB). */
export function bytesKey(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode.apply(null, b.subarray(i, i + 8192) as unknown as number[]);
  return s;
}

/** The certificate with this DER, parsed the first time it is seen (throws on a malformed one, as the constructor does). */
export function certificateOf(der: Uint8Array): x509.X509Certificate {
  const key = bytesKey(der);
  let c = certificates.get(key);
  if (!c) {
    c = new x509.X509Certificate(der.slice());
    if (certificates.size >= MAX_CACHED) certificates.clear();
    certificates.set(key, c);
  }
  return c;
}
