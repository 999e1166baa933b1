import { x509 } from "../pki/x509.ts";
import { isoVietnam } from "../time/index.ts";
import { PdfFile } from "./pdf/document.ts";
import { PdfSyntaxError } from "./pdf/parser.ts";
import { PdfStream } from "./pdf/objects.ts";
import { decodeStream } from "./pdf/filters.ts";
import type { ByteSource } from "./pdf/source.ts";
import { locateSignatures, type SignatureField } from "./pdf/signatures.ts";
import type { Finding, ValidationReport } from "./report.ts";
import { renderReportVi } from "./render-vi.ts";
import { FilePrefixes, nobleHashFactory, type HashFactory, type IncrementalHash } from "./hash.ts";
import { toX509 } from "./signature/signer.ts";
import { unreadableSignature, verifySignature } from "./signature/pipeline.ts";
import type { FileContext, VerifyOptions } from "./context.ts";

export type { ValidationReport, SignatureReport, Finding } from "./report.ts";
export type { VerifyOptions, VerifyProgress } from "./context.ts";
export type { ByteSource } from "./pdf/source.ts";
export type { HashFactory, IncrementalHash } from "./hash.ts";
export { BlockCachedSource, MemorySource } from "./pdf/source.ts";
export { renderReportVi, renderSignatureVi } from "./render-vi.ts";
export { parsePdfDate } from "../time/index.ts";

/** More signatures than an official document ever carries: a hostile file, refused. */
const MAX_SIGNATURES = 500;

function errorReport(code: string, messageVi: string, messageEn: string, revisions = 0): ValidationReport {
  const r: ValidationReport = {
    status: "error",
    error: { code, messageVi, messageEn },
    validatedAt: isoVietnam(new Date()),
    revisions,
    signatures: [],
    message: "",
  };
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

/** The signatures of the last revision, and those an earlier revision had and the last one lacks (removed). */
function allSignatures(file: PdfFile): SignatureField[] {
  const sigs = locateSignatures(file);
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
  return sigs;
}

function openFile(input: Uint8Array | ByteSource): PdfFile | ValidationReport {
  try {
    return PdfFile.open(input);
  } catch (e) {
    if (e instanceof PdfSyntaxError) {
      return e.message.startsWith("not a PDF")
        ? errorReport("NOT_PDF", "tệp không phải là tệp PDF", e.message)
        : errorReport("PDF_DAMAGED", "tệp PDF bị hỏng hoặc không đầy đủ (có thể bị cắt cụt)", e.message);
    }
    return errorReport("PDF_UNREADABLE", "không đọc được tệp PDF", (e as Error).message);
  }
}

/**
 * Progress for a caller that shows it: the hashing of the signed ranges is what grows with the
 * file, so it is counted in bytes (each signature's /ByteRange once; a second digest algorithm
 * of the same ranges is not counted again past the total).
 */
function progressOf(ordered: SignatureField[], options: VerifyOptions) {
  const report = options.onProgress;
  const bytesTotal = ordered.reduce((n, s) => n + (s.byteRange ? s.byteRange[1] + s.byteRange[3] : 0), 0);
  let bytesDone = 0;
  let signature = 0;
  const tell = () => report?.({ bytesDone: Math.min(bytesDone, bytesTotal), bytesTotal, signature, signatures: ordered.length });
  const counted = (h: IncrementalHash): IncrementalHash => ({
    update(data: Uint8Array) {
      bytesDone += data.byteLength;
      tell();
      return h.update(data);
    },
    digest: () => h.digest(),
    ...(h.copy ? { copy: () => counted(h.copy!()) } : {}),
  });
  return {
    next() {
      signature++;
      tell();
    },
    hash(factory: HashFactory): HashFactory {
      if (!report) return factory;
      return (algorithm) => counted(factory(algorithm));
    },
    /** Bytes a digest continued past without hashing them again (FilePrefixes): done all the same. */
    skipped(bytes: number) {
      bytesDone += bytes;
      tell();
    },
  };
}

/**
 * Verifies every signature of a PDF (R10–R13), given as bytes or as a source read by
 * position (a large file is never held whole). Never throws for bad input: a damaged or
 * hostile file gives status "error" with a clear message; a damaged signature fails alone.
 */
export async function verifyPdf(input: Uint8Array | ByteSource, options: VerifyOptions): Promise<ValidationReport> {
  const crypto = options.crypto ?? globalThis.crypto;
  const now = options.now ?? new Date();
  const opened = openFile(input);
  if (!(opened instanceof PdfFile)) return opened;
  const file = opened;
  try {
    const sigs = allSignatures(file);
    const report: ValidationReport = {
      status: "unsigned",
      validatedAt: isoVietnam(now),
      revisions: file.revisions.length,
      signatures: [],
      findings: [],
      message: "",
    };
    if (sigs.length === 0) {
      if (file.trailingBytes > 0) {
        return errorReport(
          "PDF_INCOMPLETE",
          "tệp PDF không đầy đủ hoặc có dữ liệu lạ sau phần kết thúc (có thể bị cắt cụt hoặc bị chèn thêm)",
          `${file.trailingBytes} bytes after the last complete revision`,
          file.revisions.length,
        );
      }
      report.message = renderReportVi(report);
      return report;
    }
    if (sigs.length > MAX_SIGNATURES) {
      return errorReport(
        "TOO_MANY_SIGNATURES",
        `tệp có quá nhiều chữ ký (${sigs.length}), không kiểm tra`,
        `${sigs.length} signatures (limit ${MAX_SIGNATURES})`,
        file.revisions.length,
      );
    }
    const fileFindings: Finding[] = report.findings!;
    // Bytes after the last revision belong to no revision a reader shows: each signature is
    // still judged on what it covers, and the extra bytes are reported.
    if (file.trailingBytes > 0)
      fileFindings.push({
        code: "TRAILING_BYTES",
        indication: "INDETERMINATE",
        detail: `${file.trailingBytes} bytes after the last complete revision are not part of any revision`,
      });
    const dssRaw = readDss(file);
    const dssCerts = dssRaw.certs.map(toX509).filter((x): x is x509.X509Certificate => !!x);
    const ordered = [...sigs].sort((x, y) => (x.byteRange?.[2] ?? 0) - (y.byteRange?.[2] ?? 0));
    const progress = progressOf(ordered, options);
    const hash = progress.hash(options.hash ?? nobleHashFactory);
    const ctx: FileContext = {
      file,
      options,
      crypto,
      hash,
      prefixes: new FilePrefixes(hash, (n) => progress.skipped(n)),
      now,
      dss: { certs: dssCerts, crls: dssRaw.crls, ocsps: dssRaw.ocsps },
      intermediates: [...dssCerts, ...(options.intermediates ?? [])],
      // Certification signatures (DocMDP) bind every later update.
      certification: sigs
        .filter((s) => s.docMdp !== undefined && s.signedRevision && !s.removed)
        .map((s) => ({ revision: s.signedRevision!.index, p: s.docMdp! })),
      updates: new Map(),
    };
    for (const s of ordered) {
      progress.next();
      try {
        report.signatures.push(await verifySignature(ctx, s));
      } catch (e) {
        if (e instanceof RangeError && /call stack/i.test(e.message)) throw e;
        report.signatures.push(unreadableSignature(ctx, s, e));
      }
    }
    const all = report.signatures;
    if (all.some((s) => s.indication === "TOTAL_FAILED" || s.modifiedAfter === "disallowed")) report.status = "invalid";
    else if (all.every((s) => s.indication === "TOTAL_PASSED") && fileFindings.every((f) => f.indication === "TOTAL_PASSED")) report.status = "valid";
    else report.status = "indeterminate";
    report.message = renderReportVi(report);
    return report;
  } catch (e) {
    if (e instanceof PdfSyntaxError) return errorReport("PDF_DAMAGED", "tệp PDF bị hỏng, không đọc được cấu trúc chữ ký", e.message, file.revisions.length);
    if (e instanceof RangeError) return errorReport("PDF_TOO_COMPLEX", "tệp PDF có cấu trúc bất thường, không kiểm tra được", e.message, file.revisions.length);
    return errorReport("VERIFY_FAILED", "không kiểm tra được chữ ký trong tệp", (e as Error).message ?? String(e), file.revisions.length);
  }
}
