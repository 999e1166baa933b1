import * as pkijs from "pkijs";
import { x509 } from "../pki/x509.ts";
import {
  CmsFormatError,
  concat,
  derElementLength,
  derOf,
  parseSignedData,
  verifySignerInfo,
  verifyTimestampToken,
  type SignerInfoCheck,
} from "../pki/cms-verify.ts";
import { findCertificationPath, type CertificationPath } from "../pki/path.ts";
import { checkRevocation, type CrlCache, type FetchLike, type RevocationStatus } from "../pki/revocation.ts";
import { fetchIssuers } from "../pki/aia.ts";
import { PdfFile } from "./pdf/document.ts";
import { PdfSyntaxError } from "./pdf/parser.ts";
import { PdfStream } from "./pdf/objects.ts";
import { decodeStream } from "./pdf/filters.ts";
import { locateSignatures, type SignatureField } from "./pdf/signatures.ts";
import { analyseUpdate, LEVEL_ORDER, type ModificationLevel, type UpdateAnalysis } from "./diff/rules.ts";
import { isoVietnam, type Finding, type Indication, type ModifiedAfter, type RevocationReport, type SignatureReport, type SubIndication, type ValidationReport } from "./report.ts";
import { renderReportVi, renderSignatureVi } from "./render-vi.ts";
import { hex } from "../trust/index.ts";

export type { ValidationReport, SignatureReport } from "./report.ts";
export { renderReportVi, renderSignatureVi } from "./render-vi.ts";

export interface VerifyOptions {
  /** Trust anchors (e.g. bundledTrustAnchors() plus the office's own). */
  trustAnchors: x509.X509Certificate[];
  /** Known CA certificates to build paths with when the document does not carry them (a cache). */
  intermediates?: x509.X509Certificate[];
  /** Told about CA certificates that completed a trusted path (from the document or fetched), to cache them. */
  onIntermediate?: (certificate: x509.X509Certificate) => void;
  /** CRLs given by the user (--crl). */
  crls?: Uint8Array[];
  crlCache?: CrlCache;
  /** Network access; absent means offline: nothing is fetched. */
  fetch?: FetchLike;
  /** Validation time (default: now). */
  now?: Date;
  crypto?: Crypto;
  /** Without revocation data a signature is INDETERMINATE/TRY_LATER (default true, as R10 asks). */
  requireRevocation?: boolean;
}

const TIMESTAMP_OID_EKU = "1.3.6.1.5.5.7.3.8";
/** More signatures than an official document ever carries: a hostile file, refused. */
const MAX_SIGNATURES = 500;

/** "D:YYYYMMDDHHmmSSOHH'mm'" → Date. */
export function parsePdfDate(s: string | undefined): Date | undefined {
  if (!s) return undefined;
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?'?/.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo = "01", d = "01", h = "00", mi = "00", se = "00", sign, oh = "00", om = "00"] = m;
  let t = Date.UTC(+y!, +mo - 1, +d, +h, +mi, +se);
  if (sign === "+" || sign === "-") t -= (sign === "+" ? 1 : -1) * (+oh * 60 + +om) * 60_000;
  const date = new Date(t);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function nameField(name: x509.Name, oid: string): string | undefined {
  try {
    return name.getField(oid)[0];
  } catch {
    return undefined;
  }
}

async function sha256Hex(c: x509.X509Certificate, crypto: Crypto): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", c.rawData));
}

function errorReport(code: string, messageVi: string, messageEn: string, revisions = 0): ValidationReport {
  const r: ValidationReport = { status: "error", error: { code, messageVi, messageEn }, validatedAt: isoVietnam(new Date()), revisions, signatures: [], message: "" };
  r.message = renderReportVi(r);
  return r;
}

/** Validation data (certificates, CRLs, OCSP responses) from the document security store. */
function readDss(file: PdfFile): { certs: Uint8Array[]; crls: Uint8Array[]; ocsps: Uint8Array[] } {
  const view = file.last;
  const dss = view.dict(view.catalog()?.get("DSS"));
  const out = { certs: [] as Uint8Array[], crls: [] as Uint8Array[], ocsps: [] as Uint8Array[] };
  if (!dss) return out;
  const streams = (k: string) =>
    (view.array(dss.get(k)) ?? []).slice(0, 10_000).flatMap((r) => {
      const s = view.resolve(r);
      if (!(s instanceof PdfStream)) return [];
      try {
        return [decodeStream(s, 16 * 1024 * 1024)];
      } catch {
        return [];
      }
    });
  out.certs = streams("Certs");
  out.crls = streams("CRLs");
  out.ocsps = streams("OCSPs");
  return out;
}

function toX509(der: Uint8Array): x509.X509Certificate | undefined {
  try {
    return new x509.X509Certificate(der.slice());
  } catch {
    return undefined;
  }
}

interface Context {
  file: PdfFile;
  options: VerifyOptions;
  crypto: Crypto;
  now: Date;
  dss: { certs: x509.X509Certificate[]; crls: Uint8Array[]; ocsps: Uint8Array[] };
  updates: Map<number, UpdateAnalysis>;
}

function updateAnalysis(ctx: Context, from: number): UpdateAnalysis {
  let u = ctx.updates.get(from);
  if (!u) {
    try {
      u = analyseUpdate(ctx.file.view(from), ctx.file.view(from + 1));
    } catch (e) {
      if (!(e instanceof PdfSyntaxError)) throw e;
      u = { fromRevision: from, toRevision: from + 1, level: "OTHER", cleared: [], disallowed: [{ rule: "reader", what: `the update could not be read: ${e.message}` }] };
    }
    ctx.updates.set(from, u);
  }
  return u;
}

const DOCMDP_MAX: Record<number, ModificationLevel> = { 1: "LTA_UPDATES", 2: "FORM_FILLING", 3: "ANNOTATIONS" };

function modificationsAfter(ctx: Context, sig: SignatureField, certification: { revision: number; p: number }[]): { modifiedAfter: ModifiedAfter; allowed: string[]; disallowed: string[] } {
  const allowed: string[] = [];
  const disallowed: string[] = [];
  const k = sig.signedRevision!.index;
  const revs = ctx.file.revisions;
  for (let i = k; i < revs.length - 1; i++) {
    const u = updateAnalysis(ctx, i);
    for (const c of u.cleared) if (c.level !== "NONE") allowed.push(`revision ${i + 1}: ${c.what}`);
    // Form filling is allowed only where a certification signature before it permits it.
    if (u.cleared.some((c) => c.rule === "form-fill") && !certification.some((c) => c.revision <= i && c.p >= 2)) {
      disallowed.push(`revision ${i + 1}: form field values changed, and no certification signature permits form filling`);
    }
    for (const d of u.disallowed) disallowed.push(`revision ${i + 1}: ${d.what}`);
    for (const cert of certification) {
      if (cert.revision <= i && LEVEL_ORDER.indexOf(u.level) > LEVEL_ORDER.indexOf(DOCMDP_MAX[cert.p]!)) {
        if (u.level !== "OTHER") disallowed.push(`revision ${i + 1}: DocMDP P=${cert.p} of the certification signature forbids this change`);
      }
    }
  }
  if (ctx.file.trailingBytes > 0) disallowed.push(`${ctx.file.trailingBytes} bytes after the last revision are not part of any revision`);
  const modifiedAfter: ModifiedAfter = disallowed.length > 0 ? "disallowed" : k < revs.length - 1 ? "allowed" : "none";
  return { modifiedAfter, allowed: [...new Set(allowed)], disallowed };
}

function pickIndication(findings: Finding[]): { indication: Indication; subIndication?: SubIndication } {
  const failed = findings.find((f) => f.indication === "TOTAL_FAILED");
  if (failed) return { indication: "TOTAL_FAILED", subIndication: failed.subIndication };
  const ind = findings.find((f) => f.indication === "INDETERMINATE");
  if (ind) return { indication: "INDETERMINATE", subIndication: ind.subIndication };
  return { indication: "TOTAL_PASSED" };
}

function revocationReport(cert: x509.X509Certificate, r: RevocationStatus): RevocationReport {
  return {
    certificate: cert.subject,
    status: r.status,
    source: r.source,
    url: r.url,
    thisUpdate: r.thisUpdate ? isoVietnam(r.thisUpdate) : undefined,
    nextUpdate: r.nextUpdate ? isoVietnam(r.nextUpdate) : undefined,
    fresh: r.fresh,
    revocationDate: r.revocationDate ? isoVietnam(r.revocationDate) : undefined,
    reason: r.reason,
    notes: r.notes,
  };
}

function unreadableSignature(ctx: Context, sig: SignatureField, certification: { revision: number; p: number }[], e: unknown): SignatureReport {
  let modifiedAfter: ModifiedAfter = "disallowed";
  let changes = { allowed: [] as string[], disallowed: [] as string[] };
  try {
    if (sig.signedRevision) {
      const m = modificationsAfter(ctx, sig, certification);
      modifiedAfter = sig.removed ? "disallowed" : m.modifiedAfter;
      changes = { allowed: m.allowed, disallowed: m.disallowed };
    }
  } catch {
    // keep "disallowed": the changes could not be judged
  }
  const report: SignatureReport = {
    field: sig.name,
    kind: sig.kind,
    subFilter: sig.subFilter,
    signingTimeSource: "validation-time",
    indication: "TOTAL_FAILED",
    subIndication: "FORMAT_FAILURE",
    coversWholeDocument: sig.coversWholeDocument,
    modifiedAfter,
    signedRevision: sig.signedRevision?.index,
    chain: [],
    revocation: [],
    weakAlgorithms: [],
    changes,
    findings: [{ code: "UNREADABLE", indication: "TOTAL_FAILED", subIndication: "FORMAT_FAILURE", detail: `signature data could not be read: ${(e as Error)?.message ?? String(e)}` }],
    message: "",
  };
  report.message = renderSignatureVi(report);
  return report;
}

async function verifySignature(ctx: Context, sig: SignatureField, certification: { revision: number; p: number }[]): Promise<SignatureReport> {
  const findings: Finding[] = [];
  const add = (indication: Indication, subIndication: SubIndication, code: string, detail: string) => findings.push({ code, indication, subIndication, detail });
  const report: SignatureReport = {
    field: sig.name,
    kind: sig.kind,
    subFilter: sig.subFilter,
    signingTimeSource: "validation-time",
    indication: "INDETERMINATE",
    coversWholeDocument: sig.coversWholeDocument,
    modifiedAfter: "none",
    signedRevision: sig.signedRevision?.index,
    chain: [],
    revocation: [],
    weakAlgorithms: [],
    docMdp: sig.docMdp,
    changes: { allowed: [], disallowed: [] },
    findings,
    message: "",
  };
  const finish = () => {
    Object.assign(report, pickIndication(findings));
    report.message = renderSignatureVi(report);
    return report;
  };

  for (const p of sig.formatProblems) add("TOTAL_FAILED", "FORMAT_FAILURE", "BYTE_RANGE", p);
  if (sig.signedRevision) {
    const m = modificationsAfter(ctx, sig, certification);
    report.modifiedAfter = m.modifiedAfter;
    report.changes = { allowed: m.allowed, disallowed: m.disallowed };
  } else report.modifiedAfter = "disallowed";
  if (sig.removed) {
    report.modifiedAfter = "disallowed";
    report.changes.disallowed.push("the signature was removed from the document by a later revision");
  }
  if (!sig.contents || !sig.byteRange) return finish();

  const supported = ["adbe.pkcs7.detached", "ETSI.CAdES.detached", "ETSI.RFC3161", "adbe.pkcs7.sha1"];
  if (!sig.subFilter || !supported.includes(sig.subFilter)) {
    add("TOTAL_FAILED", "FORMAT_FAILURE", "SUBFILTER", `unsupported /SubFilter ${sig.subFilter ?? "(none)"}`);
    return finish();
  }
  const derLen = derElementLength(sig.contents);
  if (derLen < 0 || derLen > sig.contents.length) {
    add("TOTAL_FAILED", "FORMAT_FAILURE", "CMS_LENGTH", "/Contents does not hold a complete DER element");
    return finish();
  }
  if (sig.contents.subarray(derLen).some((x) => x !== 0)) findings.push({ code: "CONTENTS_TRAILING_DATA", indication: "TOTAL_PASSED", detail: "non-zero bytes after the CMS in /Contents (not signed, ignored)" });
  const cms = sig.contents.subarray(0, derLen);
  const [a, b, c, d] = sig.byteRange;
  const bytes = ctx.file.bytes;
  const data = concat([bytes.subarray(a, a + b), bytes.subarray(c, c + d)]);

  let check: SignerInfoCheck;
  let poe: Date | undefined;
  let signerCert: pkijs.Certificate | undefined;
  try {
    if (sig.kind === "document-timestamp") {
      const ts = await verifyTimestampToken(cms, data, ctx.crypto);
      check = ts.signature;
      if (!ts.imprintOk) add("TOTAL_FAILED", "HASH_FAILURE", "TIMESTAMP_IMPRINT", "the document timestamp's imprint does not match the signed bytes");
      poe = ts.genTime;
      report.signingTimeSource = "timestamp";
    } else {
      const sd = parseSignedData(cms);
      let content = data;
      if (sig.subFilter === "adbe.pkcs7.sha1") {
        const e = sd.encapContentInfo.eContent;
        const inner = e ? new Uint8Array(e.valueBlock.valueHexView) : new Uint8Array();
        const sha1 = new Uint8Array(await ctx.crypto.subtle.digest("SHA-1", data));
        if (inner.length !== 20 || !inner.every((x, i) => x === sha1[i])) add("TOTAL_FAILED", "HASH_FAILURE", "SHA1_CONTENT", "the encapsulated SHA-1 does not match the signed bytes");
        content = inner;
        report.weakAlgorithms.push("SHA-1 (adbe.pkcs7.sha1)");
      } else if (sd.encapContentInfo.eContent) {
        add("TOTAL_FAILED", "FORMAT_FAILURE", "NOT_DETACHED", "a detached signature carries encapsulated content");
      }
      check = await verifySignerInfo(sd, content, ctx.crypto);
    }
  } catch (e) {
    if (e instanceof CmsFormatError || e instanceof Error) {
      add("TOTAL_FAILED", "FORMAT_FAILURE", "CMS", `the signature value is not a readable CMS SignedData: ${e.message}`);
      return finish();
    }
    throw e;
  }
  signerCert = check.signerCertificate;
  report.digestAlgorithm = check.digestAlgorithm;
  report.signatureAlgorithm = check.signatureAlgorithm?.name;
  for (const p of check.problems) findings.push({ code: "CMS_NOTE", indication: "TOTAL_PASSED", detail: p });
  if (!check.digestAlgorithm || !check.signatureAlgorithm) add("TOTAL_FAILED", "FORMAT_FAILURE", "ALGORITHM", "unsupported digest or signature algorithm");
  if (check.messageDigestOk === false) add("TOTAL_FAILED", "HASH_FAILURE", "MESSAGE_DIGEST", "the message-digest attribute does not match the signed bytes");
  if (!signerCert) {
    add("INDETERMINATE", "NO_SIGNING_CERTIFICATE_FOUND", "NO_SIGNER_CERT", "the signer's certificate is not in the signature");
    return finish();
  }
  if (check.signatureOk === false) add("TOTAL_FAILED", "SIG_CRYPTO_FAILURE", "SIGNATURE", "the signature value does not verify with the signer's public key");
  if (check.hasSignedAttributes && !check.contentTypeOk) add("INDETERMINATE", "SIG_CONSTRAINTS_FAILURE", "CONTENT_TYPE", "content-type attribute missing or wrong");
  if (check.signingCertificate === "mismatch") add("INDETERMINATE", "NO_SIGNING_CERTIFICATE_FOUND", "SIGNING_CERTIFICATE", "the signing-certificate attribute names another certificate");
  if (check.signingCertificate === "absent" && sig.subFilter === "ETSI.CAdES.detached") add("INDETERMINATE", "SIG_CONSTRAINTS_FAILURE", "SIGNING_CERTIFICATE_ABSENT", "a CAdES signature without signing-certificate(-v2)");
  if (check.digestAlgorithm === "SHA-1") report.weakAlgorithms.push("SHA-1");
  if (check.signatureAlgorithm?.hash === "SHA-1" && check.digestAlgorithm !== "SHA-1") report.weakAlgorithms.push("SHA-1 (signature)");

  const leaf = new x509.X509Certificate(derOf(signerCert));
  report.signer = {
    commonName: nameField(leaf.subjectName, "CN") ?? leaf.subject,
    title: nameField(leaf.subjectName, "2.5.4.12"),
    organization: nameField(leaf.subjectName, "O"),
    serialNumber: leaf.serialNumber,
    subject: leaf.subject,
    issuer: leaf.issuer,
    notBefore: isoVietnam(leaf.notBefore),
    notAfter: isoVietnam(leaf.notAfter),
  };
  const pool = [...check.certificates.map((x) => toX509(derOf(x))).filter((x): x is x509.X509Certificate => !!x), ...ctx.dss.certs, ...(ctx.options.intermediates ?? [])];

  // Signature timestamp (PAdES B-T): a proof of existence of the signature at genTime.
  for (const token of check.timestampTokens.slice(0, 1)) {
    try {
      const ts = await verifyTimestampToken(token, check.signatureValue, ctx.crypto);
      const problems = [...ts.problems];
      if (!ts.imprintOk) problems.push("imprint does not match the signature value");
      if (ts.signature.signatureOk !== true || ts.signature.messageDigestOk === false) problems.push("the timestamp's own signature does not verify");
      let trusted = false;
      let tsaName: string | undefined;
      if (ts.tsaCertificate && ts.genTime) {
        const tsa = new x509.X509Certificate(derOf(ts.tsaCertificate));
        tsaName = nameField(tsa.subjectName, "CN") ?? tsa.subject;
        const tsPool = [...pool, ...ts.signature.certificates.map((x) => toX509(derOf(x))).filter((x): x is x509.X509Certificate => !!x)];
        const path = await findCertificationPath(tsa, tsPool, ctx.options.trustAnchors, ts.genTime, ctx.crypto);
        const eku = tsa.getExtension(x509.ExtendedKeyUsageExtension);
        if (!path) problems.push("the timestamp authority is not trusted");
        else if (path.problems.length > 0) problems.push(`the timestamp authority's path is not valid: ${path.problems.map((p) => p.detail).join("; ")}`);
        if (eku && !eku.usages.includes(TIMESTAMP_OID_EKU as x509.ExtendedKeyUsageType)) problems.push("the TSA certificate is not for timestamping");
        trusted = problems.length === 0;
      } else problems.push("no TSA certificate or time in the token");
      report.timestamp = { genTime: ts.genTime ? isoVietnam(ts.genTime) : "", trusted, tsa: tsaName, problems };
      if (trusted) poe = ts.genTime;
    } catch (e) {
      report.timestamp = { genTime: "", trusted: false, problems: [`unreadable timestamp token: ${(e as Error).message}`] };
    }
  }

  // The time the certificate is judged at: proven (timestamp), else claimed.
  const claimedM = parsePdfDate(sig.m);
  const claimed = claimedM ?? check.signingTime;
  if (claimed) report.claimedSigningTime = isoVietnam(claimed);
  let T: Date;
  if (poe) {
    T = poe;
    report.signingTimeSource = "timestamp";
  } else if (claimed) {
    T = claimed;
    report.signingTimeSource = claimedM ? "claimed-M" : "claimed-signingTime";
  } else {
    T = ctx.now;
    report.signingTimeSource = "validation-time";
  }
  report.signingTime = isoVietnam(T);

  if (report.weakAlgorithms.some((w) => w.startsWith("SHA-1")) && sig.kind === "signature") add("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE", "WEAK_DIGEST", "SHA-1 is no longer acceptable for signatures");

  // Key usage of the signer: digitalSignature or nonRepudiation (contentCommitment).
  const ku = leaf.getExtension(x509.KeyUsagesExtension);
  if (sig.kind === "signature" && ku && (ku.usages & (x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation)) === 0) {
    add("INDETERMINATE", "CHAIN_CONSTRAINTS_FAILURE", "KEY_USAGE", "the signer's key usage allows neither digitalSignature nor nonRepudiation");
  }

  let path: CertificationPath | undefined = await findCertificationPath(leaf, pool, ctx.options.trustAnchors, T, ctx.crypto);
  if (!path && ctx.options.fetch) {
    // Online: the issuers the signature did not carry, from the certificates' caIssuers URLs.
    const fetched = await fetchIssuers(leaf, ctx.options.fetch);
    if (fetched.certificates.length > 0) path = await findCertificationPath(leaf, [...pool, ...fetched.certificates], ctx.options.trustAnchors, T, ctx.crypto);
    for (const n of fetched.notes) findings.push({ code: "AIA_NOTE", indication: "TOTAL_PASSED", detail: n });
  }
  if (path && path.problems.every((p) => p.index === 0) && ctx.options.onIntermediate) {
    for (const c of path.certificates.slice(1, -1)) ctx.options.onIntermediate(c);
  }
  if (!path) {
    add("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND", "NO_CHAIN", "no certification path to a trust anchor");
  } else {
    for (const cert of path.certificates) report.chain.push({ subject: cert.subject, issuer: cert.issuer, notAfter: isoVietnam(cert.notAfter), sha256: await sha256Hex(cert, ctx.crypto) });
    report.weakAlgorithms.push(...path.weakAlgorithms);
    for (const p of path.problems) {
      if (p.index === 0 && (p.code === "EXPIRED" || p.code === "NOT_YET_VALID")) continue; // judged below
      if (p.code === "EXPIRED" || p.code === "NOT_YET_VALID") add("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE", `CA_${p.code}`, `${p.subject}: ${p.detail}`);
      else add("INDETERMINATE", "CHAIN_CONSTRAINTS_FAILURE", p.code, `${p.subject}: ${p.detail}`);
    }
  }

  // The signer's certificate at T, and now.
  let leafOutOfBoundsNow = false;
  let expiredAtClaimedTime = false;
  if (T < leaf.notBefore) add(poe ? "TOTAL_FAILED" : "INDETERMINATE", "NOT_YET_VALID", "NOT_YET_VALID", `the certificate is valid from ${leaf.notBefore.toISOString()}, signing time ${T.toISOString()}`);
  else if (T > leaf.notAfter) {
    if (poe) add("TOTAL_FAILED", "EXPIRED", "EXPIRED", `the certificate expired ${leaf.notAfter.toISOString()}, before the timestamp`);
    else {
      leafOutOfBoundsNow = true;
      expiredAtClaimedTime = true;
    }
  } else if (!poe && ctx.now > leaf.notAfter) leafOutOfBoundsNow = true;

  // Revocation of every certificate of the path but the anchor.
  let leafStatus: RevocationStatus | undefined;
  if (path) {
    const certs = path.certificates;
    for (let i = 0; i < certs.length - 1; i++) {
      const cert = certs[i]!;
      const issuer = certs[i + 1]!;
      // Freshness is judged against a proven time only: a claimed time could be backdated to
      // make an old CRL look recent enough, so without a timestamp the data must be current.
      const r = await checkRevocation(cert, issuer, poe ?? ctx.now, {
        given: ctx.options.crls ?? [],
        embeddedCrls: [...check.crls, ...ctx.dss.crls],
        embeddedOcsp: [...check.ocspResponses, ...ctx.dss.ocsps],
        cache: ctx.options.crlCache,
        fetch: ctx.options.fetch,
        now: ctx.now,
        crypto: ctx.crypto,
      });
      report.revocation.push(revocationReport(cert, r));
      if (i === 0) leafStatus = r;
      const who = i === 0 ? "the signer's certificate" : `CA certificate ${cert.subject}`;
      if (r.status === "revoked") {
        const at = r.revocationDate ?? new Date(0);
        if (at <= T) add("TOTAL_FAILED", "REVOKED", "REVOKED", `${who} was revoked on ${at.toISOString()}, before the signing time`);
        else if (!poe) add("INDETERMINATE", i === 0 ? "REVOKED_NO_POE" : "REVOKED_CA_NO_POE", "REVOKED_LATER", `${who} was revoked on ${at.toISOString()}, after the claimed signing time, with no proof of that time`);
      } else if (r.status === "unknown") {
        if (ctx.options.requireRevocation !== false) add("INDETERMINATE", "TRY_LATER", "NO_REVOCATION_DATA", `no revocation data for ${who}${r.notes.length ? ` (${r.notes.join("; ")})` : ""}`);
      } else if (!r.fresh) {
        if (ctx.options.requireRevocation !== false) add("INDETERMINATE", "TRY_LATER", "STALE_REVOCATION_DATA", `the revocation data for ${who} is out of date (next update ${r.nextUpdate?.toISOString() ?? "?"})`);
      }
    }
  }
  if (leafOutOfBoundsNow) {
    // A CRL that no longer lists an expired certificate proves nothing about a time after its expiry.
    const sub: SubIndication = leafStatus?.status === "good" && !expiredAtClaimedTime ? "OUT_OF_BOUNDS_NOT_REVOKED" : "OUT_OF_BOUNDS_NO_POE";
    add("INDETERMINATE", sub, "OUT_OF_BOUNDS", `the certificate expired ${leaf.notAfter.toISOString()} and no timestamp proves the signature existed before`);
  }
  return finish();
}

/**
 * Verifies every signature of a PDF (R10–R13). Never throws for bad input: a damaged or
 * hostile file gives status "error" with a clear message.
 */
export async function verifyPdf(bytes: Uint8Array, options: VerifyOptions): Promise<ValidationReport> {
  const crypto = options.crypto ?? globalThis.crypto;
  x509.cryptoProvider.set(crypto);
  const now = options.now ?? new Date();
  let file: PdfFile;
  try {
    file = PdfFile.open(bytes);
  } catch (e) {
    if (e instanceof PdfSyntaxError) {
      const notPdf = e.message.startsWith("not a PDF");
      return notPdf
        ? errorReport("NOT_PDF", "tệp không phải là tệp PDF", e.message)
        : errorReport("PDF_DAMAGED", "tệp PDF bị hỏng hoặc không đầy đủ (có thể bị cắt cụt)", e.message);
    }
    return errorReport("PDF_UNREADABLE", "không đọc được tệp PDF", (e as Error).message);
  }
  try {
    const sigs = locateSignatures(file);
    // A signature that an earlier revision had and the last one lacks was removed: report it.
    const known = new Set(sigs.flatMap((s) => (s.sigRef ? [s.sigRef.num] : [])));
    for (let i = file.revisions.length - 2, n = 0; i >= 0 && n < 64; i--, n++) {
      for (const s of locateSignatures(file, i)) {
        if (!s.sigRef || known.has(s.sigRef.num)) continue;
        known.add(s.sigRef.num);
        s.removed = true;
        s.coversWholeDocument = false;
        sigs.push(s);
      }
    }
    const report: ValidationReport = { status: "unsigned", validatedAt: isoVietnam(now), revisions: file.revisions.length, signatures: [], message: "" };
    if (sigs.length === 0) {
      if (file.trailingBytes > 0) {
        return errorReport("PDF_INCOMPLETE", "tệp PDF không đầy đủ hoặc có dữ liệu lạ sau phần kết thúc (có thể bị cắt cụt hoặc bị chèn thêm)", `${file.trailingBytes} bytes after the last complete revision`, file.revisions.length);
      }
      report.message = renderReportVi(report);
      return report;
    }
    if (sigs.length > MAX_SIGNATURES) {
      return errorReport("TOO_MANY_SIGNATURES", `tệp có quá nhiều chữ ký (${sigs.length}), không kiểm tra`, `${sigs.length} signatures (limit ${MAX_SIGNATURES})`, file.revisions.length);
    }
    const dssRaw = readDss(file);
    const ctx: Context = {
      file,
      options,
      crypto,
      now,
      dss: { certs: dssRaw.certs.map(toX509).filter((x): x is x509.X509Certificate => !!x), crls: dssRaw.crls, ocsps: dssRaw.ocsps },
      updates: new Map(),
    };
    // Certification signatures (DocMDP) bind every later update.
    const certification = sigs.filter((s) => s.docMdp !== undefined && s.signedRevision).map((s) => ({ revision: s.signedRevision!.index, p: s.docMdp! }));
    const ordered = [...sigs].sort((x, y) => (x.byteRange?.[2] ?? 0) - (y.byteRange?.[2] ?? 0));
    for (const s of ordered) {
      try {
        report.signatures.push(await verifySignature(ctx, s, certification));
      } catch (e) {
        if (e instanceof RangeError && /call stack/i.test(e.message)) throw e;
        // Data the libraries cannot read (a malformed certificate extension, say) fails this signature only.
        report.signatures.push(unreadableSignature(ctx, s, certification, e));
      }
    }
    const all = report.signatures;
    if (all.some((s) => s.indication === "TOTAL_FAILED" || s.modifiedAfter === "disallowed")) report.status = "invalid";
    else if (all.every((s) => s.indication === "TOTAL_PASSED")) report.status = "valid";
    else report.status = "indeterminate";
    report.message = renderReportVi(report);
    return report;
  } catch (e) {
    if (e instanceof PdfSyntaxError) return errorReport("PDF_DAMAGED", "tệp PDF bị hỏng, không đọc được cấu trúc chữ ký", e.message, file.revisions.length);
    if (e instanceof RangeError) return errorReport("PDF_TOO_COMPLEX", "tệp PDF có cấu trúc bất thường, không kiểm tra được", e.message, file.revisions.length);
    return errorReport("VERIFY_FAILED", "không kiểm tra được chữ ký trong tệp", (e as Error).message ?? String(e), file.revisions.length);
  }
}
