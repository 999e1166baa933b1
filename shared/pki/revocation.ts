import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { bytesKey, x509 } from "./x509.ts";
import { sameName } from "./path.ts";

/**
 * Revocation status of one certificate from CRLs (given on the command line, embedded in
 * the document, cached, or fetched from the distribution point) and OCSP. Network access
 * is a function passed in (`fetch`), so that this module stays isomorphic and tests can
 * serve CRLs from a local server; without it nothing is fetched (offline).
 */

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** Where fetched CRLs are kept for offline use (R13). */
export interface CrlCache {
  get(url: string): Promise<Uint8Array | undefined>;
  put(url: string, der: Uint8Array): Promise<void>;
}

export type RevocationSource = "given-crl" | "embedded-crl" | "cached-crl" | "fetched-crl" | "ocsp" | "embedded-ocsp";

export interface RevocationStatus {
  status: "good" | "revoked" | "unknown";
  source?: RevocationSource;
  /** Where the deciding data came from (URL) when it was fetched or cached. */
  url?: string;
  thisUpdate?: Date;
  nextUpdate?: Date;
  /** Whether the data is current (nextUpdate not passed) or at least issued after the signing time. */
  fresh: boolean;
  revocationDate?: Date;
  reason?: string;
  /** What was tried and why it did not decide (English, for the log). */
  notes: string[];
}

export interface RevocationContext {
  given: Uint8Array[];
  embeddedCrls: Uint8Array[];
  embeddedOcsp: Uint8Array[];
  cache?: CrlCache;
  fetch?: FetchLike;
  now: Date;
  crypto?: Crypto;
  timeoutMs?: number;
}

const MAX_CRL_BYTES = 32 * 1024 * 1024;
const CLOCK_SKEW_MS = 5 * 60_000;

const REASONS: Record<number, string> = {
  0: "unspecified",
  1: "keyCompromise",
  2: "cACompromise",
  3: "affiliationChanged",
  4: "superseded",
  5: "cessationOfOperation",
  6: "certificateHold",
  8: "removeFromCRL",
  9: "privilegeWithdrawn",
  10: "aACompromise",
};

export function crlUrls(cert: x509.X509Certificate): string[] {
  const ext = cert.getExtension(x509.CRLDistributionPointsExtension);
  const urls: string[] = [];
  for (const dp of ext?.distributionPoints ?? []) {
    for (const gn of dp.distributionPoint?.fullName ?? []) {
      const u = gn.uniformResourceIdentifier;
      if (u && /^https?:\/\//i.test(u)) urls.push(u);
    }
  }
  return urls;
}

export function ocspUrls(cert: x509.X509Certificate): string[] {
  const ext = cert.getExtension(x509.AuthorityInfoAccessExtension);
  return (ext?.ocsp ?? []).filter((g) => g.type === "url" && /^https?:\/\//i.test(g.value)).map((g) => g.value);
}

// CRLs are parsed once per process (a government CRL is large and arrives for every
// signature): by the identity of the bytes given, else by their content when small.
const crlsByArray = new WeakMap<Uint8Array, x509.X509Crl | null>();
const crlsByContent = new Map<string, x509.X509Crl | null>();
const MAX_KEYED_CRL = 2 * 1024 * 1024;

export function parseCrl(bytes: Uint8Array): x509.X509Crl | undefined {
  const known = crlsByArray.get(bytes);
  if (known !== undefined) return known ?? undefined;
  const key = bytes.length <= MAX_KEYED_CRL ? bytesKey(bytes) : undefined;
  let crl = key !== undefined ? crlsByContent.get(key) : undefined;
  if (crl === undefined) {
    crl = parseCrlUncached(bytes) ?? null;
    if (key !== undefined) {
      if (crlsByContent.size >= 256) crlsByContent.clear();
      crlsByContent.set(key, crl);
    }
  }
  crlsByArray.set(bytes, crl);
  return crl ?? undefined;
}

function parseCrlUncached(bytes: Uint8Array): x509.X509Crl | undefined {
  try {
    const text = bytes.length < 8 * 1024 * 1024 ? new TextDecoder("latin1").decode(bytes.subarray(0, 64)) : "";
    if (text.includes("-----BEGIN")) return new x509.X509Crl(new TextDecoder().decode(bytes));
    return new x509.X509Crl(bytes.slice());
  } catch {
    return undefined;
  }
}

// Whether a CRL's signature verifies with an issuer's key, once per pair and process.
const crlSignatureVerdicts = new WeakMap<x509.X509Crl, Map<string, boolean>>();

async function crlSignedBy(crl: x509.X509Crl, issuer: x509.X509Certificate, crypto: Crypto): Promise<boolean> {
  let m = crlSignatureVerdicts.get(crl);
  if (!m) crlSignatureVerdicts.set(crl, (m = new Map()));
  const key = bytesKey(new Uint8Array(issuer.publicKey.rawData));
  let v = m.get(key);
  if (v === undefined) {
    v = await crl.verify({ publicKey: issuer.publicKey }, crypto);
    m.set(key, v);
  }
  return v;
}

interface CrlCandidate {
  crl: x509.X509Crl;
  source: RevocationSource;
  url?: string;
}

async function crlAnswers(c: CrlCandidate, cert: x509.X509Certificate, issuer: x509.X509Certificate, now: Date, crypto: Crypto): Promise<string | undefined> {
  if (!sameName(c.crl.issuerName, issuer.subjectName)) return "issued by another CA";
  if (c.crl.thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) return "thisUpdate in the future";
  try {
    if (!(await crlSignedBy(c.crl, issuer, crypto))) return "CRL signature does not verify with the issuer's key";
  } catch {
    return "CRL signature could not be checked";
  }
  const ku = issuer.getExtension(x509.KeyUsagesExtension);
  if (ku && (ku.usages & x509.KeyUsageFlags.cRLSign) === 0) return "issuer may not sign CRLs (key usage)";
  // Delta CRLs (deltaCRLIndicator, critical) are not complete lists.
  if (c.crl.extensions.some((e) => e.type === "2.5.29.27")) return "delta CRL";
  void cert;
  return undefined;
}

function isFresh(thisUpdate: Date, nextUpdate: Date | undefined, provenTime: Date, now: Date): boolean {
  if (thisUpdate.getTime() >= provenTime.getTime()) return true;
  // Without nextUpdate (common in OCSP), data counts as current for a week.
  if (nextUpdate === undefined) return now.getTime() - thisUpdate.getTime() <= 7 * 86400e3;
  return nextUpdate.getTime() >= now.getTime();
}

async function fetchBytes(fetch: FetchLike, url: string, init: RequestInit, timeoutMs: number): Promise<Uint8Array> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetch(url, { ...init, signal: controller.signal });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const len = Number(res.headers.get("content-length") ?? "0");
    if (len > MAX_CRL_BYTES) throw new Error("response too large");
    const buf = new Uint8Array(await res.arrayBuffer());
    if (buf.length > MAX_CRL_BYTES) throw new Error("response too large");
    return buf;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Status of `cert` (issued by `issuer`), deciding with the best data available. Data is
 * "fresh" when it is current (nextUpdate not passed) or was issued after `provenTime` (a
 * timestamp's genTime; pass the validation time when there is none).
 */
export async function checkRevocation(
  cert: x509.X509Certificate,
  issuer: x509.X509Certificate,
  provenTime: Date,
  ctx: RevocationContext,
): Promise<RevocationStatus> {
  const crypto = ctx.crypto ?? globalThis.crypto;
  const notes: string[] = [];
  const candidates: CrlCandidate[] = [];
  const add = (bytes: Uint8Array, source: RevocationSource, url?: string) => {
    const crl = parseCrl(bytes);
    if (crl) candidates.push({ crl, source, url });
    else notes.push(`unreadable CRL (${source}${url ? " " + url : ""})`);
  };
  for (const b of ctx.given) add(b, "given-crl");
  for (const b of ctx.embeddedCrls) add(b, "embedded-crl");
  const urls = crlUrls(cert);
  if (ctx.cache) {
    for (const u of urls) {
      try {
        const b = await ctx.cache.get(u);
        if (b) add(b, "cached-crl", u);
      } catch (e) {
        notes.push(`cache read failed for ${u}: ${(e as Error).message}`);
      }
    }
  }

  const decide = async (): Promise<RevocationStatus | undefined> => {
    let best: { c: CrlCandidate; fresh: boolean } | undefined;
    for (const c of candidates) {
      const why = await crlAnswers(c, cert, issuer, ctx.now, crypto);
      if (why) continue;
      const entry = c.crl.findRevoked(cert);
      if (entry && entry.reason !== x509.X509CrlReason.removeFromCRL) {
        return {
          status: "revoked",
          source: c.source,
          url: c.url,
          thisUpdate: c.crl.thisUpdate,
          nextUpdate: c.crl.nextUpdate,
          fresh: isFresh(c.crl.thisUpdate, c.crl.nextUpdate, provenTime, ctx.now),
          revocationDate: entry.revocationDate,
          reason: entry.reason !== undefined ? REASONS[entry.reason] : undefined,
          notes,
        };
      }
      const fresh = isFresh(c.crl.thisUpdate, c.crl.nextUpdate, provenTime, ctx.now);
      if (!best || (fresh && !best.fresh) || (fresh === best.fresh && c.crl.thisUpdate > best.c.crl.thisUpdate)) best = { c, fresh };
    }
    if (best) {
      return {
        status: "good",
        source: best.c.source,
        url: best.c.url,
        thisUpdate: best.c.crl.thisUpdate,
        nextUpdate: best.c.crl.nextUpdate,
        fresh: best.fresh,
        notes,
      };
    }
    return undefined;
  };

  let result = await decide();
  if (result && (result.status === "revoked" || result.fresh)) return result;

  const embeddedOcsp = await tryOcspResponses(ctx.embeddedOcsp, cert, issuer, provenTime, ctx.now, "embedded-ocsp", notes);
  if (embeddedOcsp && (embeddedOcsp.status === "revoked" || embeddedOcsp.fresh)) return embeddedOcsp;

  if (ctx.fetch) {
    const timeout = ctx.timeoutMs ?? 15_000;
    for (const u of urls) {
      try {
        const b = await fetchBytes(ctx.fetch, u, {}, timeout);
        const crl = parseCrl(b);
        if (!crl) {
          notes.push(`${u}: not a CRL`);
          continue;
        }
        candidates.push({ crl, source: "fetched-crl", url: u });
        if (ctx.cache && !(await crlAnswers({ crl, source: "fetched-crl" }, cert, issuer, ctx.now, crypto))) {
          await ctx.cache.put(u, b).catch((e: Error) => notes.push(`cache write failed: ${e.message}`));
        }
      } catch (e) {
        notes.push(`${u}: ${(e as Error).message}`);
      }
    }
    result = await decide();
    if (result && (result.status === "revoked" || result.fresh)) return result;
    for (const u of ocspUrls(cert)) {
      try {
        const req = new pkijs.OCSPRequest();
        await req.createForCertificate(pkijs.Certificate.fromBER(cert.rawData), {
          hashAlgorithm: "SHA-1",
          issuerCertificate: pkijs.Certificate.fromBER(issuer.rawData),
        });
        const body = new Uint8Array(req.toSchema(true).toBER(false));
        const resp = await fetchBytes(
          ctx.fetch,
          u,
          { method: "POST", headers: { "content-type": "application/ocsp-request" }, body: body as BodyInit },
          timeout,
        );
        const r = await tryOcspResponses([resp], cert, issuer, provenTime, ctx.now, "ocsp", notes, u);
        if (r) return r;
      } catch (e) {
        notes.push(`OCSP ${u}: ${(e as Error).message}`);
      }
    }
  } else if (urls.length > 0 || ocspUrls(cert).length > 0) {
    notes.push("offline: nothing fetched");
  }
  return result ?? embeddedOcsp ?? { status: "unknown", fresh: false, notes };
}

async function tryOcspResponses(
  responses: Uint8Array[],
  cert: x509.X509Certificate,
  issuer: x509.X509Certificate,
  provenTime: Date,
  now: Date,
  source: RevocationSource,
  notes: string[],
  url?: string,
): Promise<RevocationStatus | undefined> {
  for (const der of responses) {
    try {
      const asn = asn1js.fromBER(der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer);
      if (asn.offset === -1) throw new Error("not DER");
      const resp = new pkijs.OCSPResponse({ schema: asn.result });
      if (resp.responseStatus.valueBlock.valueDec !== 0) throw new Error(`OCSP status ${resp.responseStatus.valueBlock.valueDec}`);
      if (!resp.responseBytes) throw new Error("no response bytes");
      const basic = pkijs.BasicOCSPResponse.fromBER(resp.responseBytes.response.valueBlock.valueHexView.slice());
      const pIssuer = pkijs.Certificate.fromBER(issuer.rawData);
      const ok = await basic.verify({ trustedCerts: [pIssuer] });
      if (!ok) throw new Error("OCSP response signature does not verify");
      const pCert = pkijs.Certificate.fromBER(cert.rawData);
      const st = await basic.getCertificateStatus(pCert, pIssuer);
      if (!st.isForCertificate) continue;
      const single = basic.tbsResponseData.responses.find((r) => r.certID.serialNumber.isEqual(pCert.serialNumber));
      const thisUpdate = single?.thisUpdate ?? basic.tbsResponseData.producedAt;
      const nextUpdate = single?.nextUpdate;
      const fresh = isFresh(thisUpdate, nextUpdate, provenTime, now);
      if (st.status === 1) {
        const revokedInfo = single?.certStatus as asn1js.Constructed | undefined;
        let revocationDate: Date | undefined;
        try {
          const t = revokedInfo?.valueBlock.value[0];
          if (t instanceof asn1js.GeneralizedTime) revocationDate = t.toDate();
          else if (t) revocationDate = new asn1js.GeneralizedTime({ valueHex: (t as asn1js.Primitive).valueBlock.valueHexView }).toDate();
        } catch {
          /* keep undefined */
        }
        return { status: "revoked", source, url, thisUpdate, nextUpdate, fresh, revocationDate, notes };
      }
      if (st.status === 0) return { status: "good", source, url, thisUpdate, nextUpdate, fresh, notes };
      notes.push(`OCSP${url ? " " + url : ""}: status unknown`);
    } catch (e) {
      notes.push(`OCSP${url ? " " + url : ""}: ${(e as Error).message}`);
    }
  }
  return undefined;
}
