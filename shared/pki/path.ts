import { x509 } from "./x509.ts";

/**
 * Certification path building (issuer candidates from the CMS, the trust store and a
 * cache) and validation as RFC 5280 §6.1 asks for a signing application: signatures, name
 * chaining, validity at the validation time, basic constraints, path length, CA key usage
 * and unknown critical extensions. Policies and name constraints are not processed: a
 * certificate that makes them critical fails rather than passing unchecked.
 */

export type PathProblemCode = "EXPIRED" | "NOT_YET_VALID" | "NOT_CA" | "PATH_LENGTH" | "CA_KEY_USAGE" | "CRITICAL_EXTENSION" | "NAME_CHAINING";

export interface PathProblem {
  code: PathProblemCode;
  /** Index in the path, 0 = the end-entity certificate. */
  index: number;
  subject: string;
  detail: string;
}

export interface CertificationPath {
  /** End entity first, trust anchor last. */
  certificates: x509.X509Certificate[];
  problems: PathProblem[];
  /** Weak algorithms found in the path's signatures (SHA-1), for the report. */
  weakAlgorithms: string[];
}

const MAX_DEPTH = 12;
const MAX_PATHS = 16;

// Extensions this validator understands, or that do not constrain the path.
const KNOWN_EXTENSIONS = new Set([
  "2.5.29.19", // basicConstraints
  "2.5.29.15", // keyUsage
  "2.5.29.37", // extKeyUsage
  "2.5.29.14", // subjectKeyIdentifier
  "2.5.29.35", // authorityKeyIdentifier
  "2.5.29.17", // subjectAltName
  "2.5.29.18", // issuerAltName
  "2.5.29.31", // cRLDistributionPoints
  "2.5.29.46", // freshestCRL
  "1.3.6.1.5.5.7.1.1", // authorityInfoAccess
  "1.3.6.1.5.5.7.1.3", // qcStatements
  "2.5.29.32", // certificatePolicies: any policy is accepted (no policy constraints are set)
  "1.3.6.1.5.5.7.48.1.5", // ocsp-nocheck
]);

const WEAK_SIG_OIDS: Record<string, string> = {
  "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
  "1.2.840.113549.1.1.4": "md5WithRSAEncryption",
  "1.2.840.10045.4.1": "ecdsa-with-SHA1",
};

function bytes(b: ArrayBuffer): Uint8Array {
  return new Uint8Array(b);
}

function eq(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// A name's DER and normalised string, once per name object: path building compares the same
// names many times, and @peculiar/x509 encodes a name again at every call.
const nameForms = new WeakMap<x509.Name, { der: Uint8Array; text?: string }>();
function formsOf(n: x509.Name): { der: Uint8Array; text?: string } {
  let f = nameForms.get(n);
  if (!f) nameForms.set(n, (f = { der: bytes(n.toArrayBuffer()) }));
  return f;
}
/** A name's text as sameName compares it: case and runs of white space do not count. */
export function normaliseNameText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, " ");
}

/** The normalised text of a name (computed once per name object). */
export function nameText(n: x509.Name): string {
  const f = formsOf(n);
  return (f.text ??= normaliseNameText(n.toString()));
}

export function sameName(a: x509.Name, b: x509.Name): boolean {
  if (eq(formsOf(a).der, formsOf(b).der)) return true;
  // RFC 5280 §7.1 compares names case-insensitively after normalisation; a string form is close enough.
  return nameText(a) === nameText(b);
}

export function sameCertificate(a: x509.X509Certificate, b: x509.X509Certificate): boolean {
  return eq(bytes(a.rawData), bytes(b.rawData));
}

function sameKeyAndSubject(a: x509.X509Certificate, b: x509.X509Certificate): boolean {
  return sameName(a.subjectName, b.subjectName) && eq(bytes(a.publicKey.rawData), bytes(b.publicKey.rawData));
}

function keyId(c: x509.X509Certificate, type: "ski" | "aki"): string | undefined {
  if (type === "ski") return c.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  return c.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
}

/** Whether `issuer` signed `cert`. */
export async function issuedBy(cert: x509.X509Certificate, issuer: x509.X509Certificate, crypto: Crypto = globalThis.crypto): Promise<boolean> {
  if (!sameName(cert.issuerName, issuer.subjectName)) return false;
  const aki = keyId(cert, "aki");
  const ski = keyId(issuer, "ski");
  if (aki && ski && aki.toLowerCase() !== ski.toLowerCase()) return false;
  try {
    return await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true }, crypto);
  } catch {
    return false;
  }
}

function isSelfIssued(c: x509.X509Certificate): boolean {
  return sameName(c.subjectName, c.issuerName);
}

const issuerVerdicts = new WeakMap<x509.X509Certificate, WeakMap<x509.X509Certificate, boolean>>();

/**
 * Every path from `leaf` to one of `anchors` through `pool` (depth-first, bounded). A
 * certificate equal to an anchor, or with the anchor's subject and key, ends a path.
 */
export async function buildPaths(
  leaf: x509.X509Certificate,
  pool: x509.X509Certificate[],
  anchors: x509.X509Certificate[],
  crypto: Crypto = globalThis.crypto,
): Promise<x509.X509Certificate[][]> {
  const found: x509.X509Certificate[][] = [];
  const signedBy = async (c: x509.X509Certificate, i: x509.X509Certificate) => {
    // Once per pair of certificate objects and process (certificateOf keeps the objects).
    let m = issuerVerdicts.get(c);
    if (!m) issuerVerdicts.set(c, (m = new WeakMap()));
    let v = m.get(i);
    if (v === undefined) {
      v = await issuedBy(c, i, crypto);
      m.set(i, v);
    }
    return v;
  };
  const walk = async (path: x509.X509Certificate[]) => {
    if (found.length >= MAX_PATHS) return;
    const cur = path[path.length - 1]!;
    const anchor = anchors.find((a) => sameCertificate(a, cur) || sameKeyAndSubject(a, cur));
    if (anchor) {
      found.push([...path.slice(0, -1), anchor]);
      return;
    }
    if (path.length >= MAX_DEPTH) return;
    const candidates = [...anchors, ...pool].filter((c) => sameName(c.subjectName, cur.issuerName) && !path.some((p) => sameCertificate(p, c)));
    for (const c of candidates) {
      if (await signedBy(cur, c)) await walk([...path, c]);
    }
  };
  await walk([leaf]);
  return found;
}

/** RFC 5280 checks over a built path at `time`. The anchor is trusted as configured: only its constraints on the path below apply. */
export function validatePath(certificates: x509.X509Certificate[], time: Date): CertificationPath {
  const problems: PathProblem[] = [];
  const weakAlgorithms: string[] = [];
  const n = certificates.length;
  for (let i = 0; i < n; i++) {
    const c = certificates[i]!;
    const isAnchor = i === n - 1 && n > 1;
    const p = (code: PathProblemCode, detail: string) => problems.push({ code, index: i, subject: c.subject, detail });
    if (!isAnchor) {
      const sigOid = signatureOid(c);
      if (sigOid && WEAK_SIG_OIDS[sigOid]) weakAlgorithms.push(`${WEAK_SIG_OIDS[sigOid]} (${c.subject})`);
      if (time < c.notBefore) p("NOT_YET_VALID", `valid from ${c.notBefore.toISOString()}`);
      if (time > c.notAfter) p("EXPIRED", `expired ${c.notAfter.toISOString()}`);
      const issuer = certificates[i + 1];
      if (issuer && !sameName(c.issuerName, issuer.subjectName)) p("NAME_CHAINING", "issuer name does not match the next certificate's subject");
      for (const e of c.extensions) {
        if (e.critical && !KNOWN_EXTENSIONS.has(e.type)) p("CRITICAL_EXTENSION", `unsupported critical extension ${e.type}`);
      }
    }
    if (i > 0) {
      // A CA certificate (intermediate or anchor) must allow what it was used for.
      const bc = c.getExtension(x509.BasicConstraintsExtension);
      if (!isAnchor || bc) {
        if (!bc || !bc.ca) p("NOT_CA", "basicConstraints does not mark it as a CA");
        if (bc?.pathLength !== undefined) {
          // Non-self-issued intermediates below this one.
          let below = 0;
          for (let k = 1; k < i; k++) if (!isSelfIssued(certificates[k]!)) below++;
          if (below > bc.pathLength) p("PATH_LENGTH", `path length ${below} exceeds pathLenConstraint ${bc.pathLength}`);
        }
      }
      const ku = c.getExtension(x509.KeyUsagesExtension);
      if (ku && (ku.usages & x509.KeyUsageFlags.keyCertSign) === 0) p("CA_KEY_USAGE", "key usage lacks keyCertSign");
    }
  }
  return { certificates, problems, weakAlgorithms };
}

/** The weak algorithm (SHA-1, MD5) a certificate is signed with, if any. */
export function weakSignatureAlgorithm(c: x509.X509Certificate): string | undefined {
  const oid = signatureOid(c);
  return oid ? WEAK_SIG_OIDS[oid] : undefined;
}

function signatureOid(c: x509.X509Certificate): string | undefined {
  // @peculiar/x509 exposes the algorithm as a WebCrypto object; read the OID from the DER instead.
  const der = bytes(c.rawData);
  // Certificate ::= SEQUENCE { tbs, signatureAlgorithm, signature }: find the OID that follows the TBS.
  try {
    let p = 1;
    const len = (at: number): [number, number] => {
      const l0 = der[at]!;
      if (l0 < 0x80) return [l0, 1];
      const k = l0 & 0x7f;
      let v = 0;
      for (let j = 0; j < k; j++) v = v * 256 + der[at + 1 + j]!;
      return [v, 1 + k];
    };
    const [, outerLenBytes] = len(p);
    p += outerLenBytes; // now at tbs
    const [tbsLen, tbsLenBytes] = len(p + 1);
    p += 1 + tbsLenBytes + tbsLen; // now at signatureAlgorithm SEQUENCE
    const [, algLenBytes] = len(p + 1);
    p += 1 + algLenBytes; // now at OID
    if (der[p] !== 0x06) return undefined;
    const oidLen = der[p + 1]!;
    const body = der.subarray(p + 2, p + 2 + oidLen);
    const parts: number[] = [Math.floor(body[0]! / 40), body[0]! % 40];
    let v = 0;
    for (let j = 1; j < body.length; j++) {
      v = v * 128 + (body[j]! & 0x7f);
      if ((body[j]! & 0x80) === 0) {
        parts.push(v);
        v = 0;
      }
    }
    return parts.join(".");
  } catch {
    return undefined;
  }
}

/** Builds the candidate paths and returns the best: the first without problems, else the first found. */
export async function findCertificationPath(
  leaf: x509.X509Certificate,
  pool: x509.X509Certificate[],
  anchors: x509.X509Certificate[],
  time: Date,
  crypto: Crypto = globalThis.crypto,
): Promise<CertificationPath | undefined> {
  const paths = await buildPaths(leaf, pool, anchors, crypto);
  let first: CertificationPath | undefined;
  for (const p of paths) {
    const v = validatePath(p, time);
    // The end entity's own validity is judged by the signature validation, not here.
    const chainProblems = v.problems.filter((q) => q.index > 0);
    if (chainProblems.length === 0) return v;
    first ??= v;
  }
  return first;
}
