import { parseArgs } from "node:util";
import { readFileSync, readdirSync, statSync, mkdirSync, writeFileSync, renameSync, existsSync } from "node:fs";
import { join, extname } from "node:path";
import { homedir } from "node:os";
import { createHash } from "node:crypto";
import type { CliCommand } from "../main.ts";
import { CliError } from "../errors.ts";
import { verifyPdf, type ValidationReport } from "../../../shared/verify/index.ts";
import { ReadBuffer, nodeHashFactory, openFileSource } from "../file-source.ts";
import { nodeVerifyCrypto } from "../node-crypto.ts";
import { bundledTrustAnchors, parseCertificates } from "../../../shared/trust/index.ts";
import type { CrlCache } from "../../../shared/pki/revocation.ts";
import type { x509 } from "../../../shared/pki/x509.ts";

const usage = `Usage: vanthu verify FILE... [--trust PEM_OR_DIR]... [--crl FILE]... [--offline] [--json]
                     [--no-default-trust] [--cache-dir DIR]

Kiểm tra mọi chữ ký số trong văn bản PDF (Điều 12, 17.3): toàn vẹn nội dung, giá trị chữ ký,
chứng thư số tại thời điểm ký, đường dẫn đến chứng thư gốc tin cậy, tình trạng thu hồi, và
những thay đổi sau khi ký.

  --trust PEM_OR_DIR   thêm chứng thư gốc tin cậy (tệp PEM/DER, hoặc thư mục .pem/.crt/.cer/.der);
                       mặc định đã có RootCA chuyên dùng Chính phủ G2 và G1 cùng các CA cấp dưới
                       thế hệ G1 (Ban Cơ yếu Chính phủ)
  --no-default-trust   chỉ tin các chứng thư gốc được chỉ định bằng --trust
  --crl FILE           danh sách thu hồi (CRL, PEM hoặc DER) dùng để kiểm tra
  --offline            không tải gì qua mạng (chỉ dùng CRL, chứng thư đã được cung cấp hoặc đã lưu);
                       khi trực tuyến: tải CRL, hỏi OCSP, tải chứng thư CA trung gian (AIA)
  --cache-dir DIR      nơi lưu CRL và chứng thư CA trung gian đã tải hoặc đã gặp
                       (mặc định $VANTHU_CACHE_DIR hoặc ~/.cache/vanthu)
  --json               in một mảng JSON, mỗi tệp một đối tượng

Exit codes: 0 every file valid, 1 any file not valid, 2 usage error.`;

export { nodeHashFactory, openFileSource } from "../file-source.ts";

const CERT_EXTENSIONS = new Set([".pem", ".crt", ".cer", ".der"]);
/** A file that takes longer than this ends as an error, never a hang. */
const PER_FILE_DEADLINE_MS = 120_000;

export function loadTrust(path: string): x509.X509Certificate[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new CliError("TRUST_NOT_FOUND", `Không tìm thấy chứng thư gốc: ${path}`, `--trust ${path}: not found`, 2);
  }
  const files = st.isDirectory()
    ? readdirSync(path)
        .filter((f) => CERT_EXTENSIONS.has(extname(f).toLowerCase()))
        .map((f) => join(path, f))
    : [path];
  const out: x509.X509Certificate[] = [];
  for (const f of files) {
    try {
      out.push(...parseCertificates(new Uint8Array(readFileSync(f))));
    } catch (e) {
      throw new CliError("TRUST_UNREADABLE", `Tệp chứng thư không đọc được: ${f}`, `${f}: not a certificate (${(e as Error).message})`, 2);
    }
  }
  if (out.length === 0) throw new CliError("TRUST_EMPTY", `Không có chứng thư nào trong ${path}`, `--trust ${path}: no certificates`, 2);
  return out;
}

/** Fetched CRLs kept on disk for offline use (R13), one file per distribution point URL. */
export class FileCrlCache implements CrlCache {
  constructor(readonly dir: string) {}
  private file(url: string): string {
    return join(this.dir, createHash("sha256").update(url).digest("hex") + ".crl");
  }
  async get(url: string): Promise<Uint8Array | undefined> {
    const f = this.file(url);
    return existsSync(f) ? new Uint8Array(readFileSync(f)) : undefined;
  }
  async put(url: string, der: Uint8Array): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const f = this.file(url);
    writeFileSync(f + ".tmp", der);
    renameSync(f + ".tmp", f);
  }
}

/** CA certificates that completed a trusted path before: used when a document carries only its signer's certificate. */
export class FileCertificateCache {
  constructor(readonly dir: string) {}
  load(): x509.X509Certificate[] {
    if (!existsSync(this.dir)) return [];
    const out: x509.X509Certificate[] = [];
    for (const f of readdirSync(this.dir).filter((n) => n.endsWith(".der"))) {
      try {
        out.push(...parseCertificates(new Uint8Array(readFileSync(join(this.dir, f)))));
      } catch {
        // A damaged cache entry is skipped; the path may then need the network.
      }
    }
    return out;
  }
  store(c: x509.X509Certificate): void {
    const der = new Uint8Array(c.rawData);
    const f = join(this.dir, createHash("sha256").update(der).digest("hex") + ".der");
    if (existsSync(f)) return;
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(f + ".tmp", der);
    renameSync(f + ".tmp", f);
  }
}

/** The contract's JSON shape for one file. */
export function toJson(file: string, r: ValidationReport) {
  return {
    file,
    status: r.status,
    ...(r.error ? { error: `${r.error.messageVi} (${r.error.messageEn})` } : {}),
    signatures: r.signatures.map((s) => ({
      field: s.field,
      signer: s.signer
        ? {
            commonName: s.signer.commonName,
            ...(s.signer.title ? { title: s.signer.title } : {}),
            ...(s.signer.organization ? { organization: s.signer.organization } : {}),
            serialNumber: s.signer.serialNumber,
          }
        : null,
      signingTime: s.signingTime ?? null,
      indication: s.indication,
      ...(s.subIndication ? { subIndication: s.subIndication } : {}),
      coversWholeDocument: s.coversWholeDocument,
      modifiedAfter: s.modifiedAfter,
      message: s.message,
      findings: s.findings.map((f) => ({
        code: f.code,
        indication: f.indication,
        ...(f.subIndication ? { subIndication: f.subIndication } : {}),
        detail: f.detail,
      })),
      changes: s.changes,
    })),
    ...(r.findings?.length ? { findings: r.findings.map((f) => ({ code: f.code, indication: f.indication, detail: f.detail })) } : {}),
  };
}

const STATUS_VI: Record<ValidationReport["status"], string> = {
  valid: "HỢP LỆ",
  invalid: "KHÔNG HỢP LỆ",
  indeterminate: "CHƯA XÁC ĐỊNH",
  unsigned: "KHÔNG CÓ CHỮ KÝ",
  error: "LỖI",
};

async function withDeadline(p: Promise<ValidationReport>, ms: number): Promise<ValidationReport> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ValidationReport>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          status: "error",
          error: { code: "TIMEOUT", messageVi: "kiểm tra quá lâu, đã dừng", messageEn: `verification exceeded ${ms} ms` },
          validatedAt: new Date().toISOString(),
          revisions: 0,
          signatures: [],
          message: "Không kiểm tra được tệp: kiểm tra quá lâu, đã dừng.",
        }),
      ms,
    );
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const command: CliCommand = {
  summary: "kiểm tra chữ ký số của văn bản PDF — verify the signatures of PDFs",
  usage,
  async run(args) {
    let values;
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          trust: { type: "string", multiple: true },
          crl: { type: "string", multiple: true },
          offline: { type: "boolean" },
          json: { type: "boolean" },
          "no-default-trust": { type: "boolean" },
          "cache-dir": { type: "string" },
        },
      }));
    } catch (e) {
      throw new CliError("USAGE", `Tham số không hợp lệ: ${(e as Error).message}`, (e as Error).message, 2);
    }
    if (positionals.length === 0) throw new CliError("USAGE", "Chưa chỉ định tệp cần kiểm tra", "no FILE given", 2);

    const anchors = values["no-default-trust"] ? [] : await bundledTrustAnchors();
    for (const t of values.trust ?? []) anchors.push(...loadTrust(t));
    if (anchors.length === 0) throw new CliError("USAGE", "Không có chứng thư gốc tin cậy nào (--no-default-trust cần --trust)", "no trust anchors", 2);
    const crls: Uint8Array[] = [];
    for (const c of values.crl ?? []) {
      try {
        crls.push(new Uint8Array(readFileSync(c)));
      } catch {
        throw new CliError("CRL_NOT_FOUND", `Không đọc được tệp CRL: ${c}`, `--crl ${c}: cannot read`, 2);
      }
    }
    const cacheDir = values["cache-dir"] ?? process.env.VANTHU_CACHE_DIR ?? join(homedir(), ".cache", "vanthu");
    const crlCache = new FileCrlCache(join(cacheDir, "crl"));
    const certCache = new FileCertificateCache(join(cacheDir, "certs"));
    const intermediates = certCache.load();
    const fetchFn = values.offline ? undefined : (url: string, init?: RequestInit) => fetch(url, init);

    const results: { file: string; report: ValidationReport }[] = [];
    const buffers = new ReadBuffer();
    const crypto = nodeVerifyCrypto();
    for (const file of positionals) {
      let source: ReturnType<typeof openFileSource>;
      try {
        if (statSync(file).isDirectory()) throw Object.assign(new Error(`${file} is a directory`), { code: "EISDIR" });
        source = openFileSource(file, buffers);
      } catch (e) {
        const code = (e as { code?: string }).code;
        const vi = code === "ENOENT" ? "không tìm thấy tệp" : code === "EISDIR" ? "đây là thư mục, không phải tệp" : "không đọc được tệp";
        results.push({
          file,
          report: {
            status: "error",
            error: { code: "FILE_UNREADABLE", messageVi: vi, messageEn: (e as Error).message },
            validatedAt: new Date().toISOString(),
            revisions: 0,
            signatures: [],
            message: `Không kiểm tra được tệp: ${vi}.`,
          },
        });
        continue;
      }
      let report: ValidationReport | undefined;
      try {
        report = await withDeadline(
          verifyPdf(source, {
            trustAnchors: anchors,
            intermediates,
            crls,
            crlCache,
            fetch: fetchFn,
            hash: nodeHashFactory,
            crypto,
            onIntermediate: (c) => certCache.store(c),
          }),
          PER_FILE_DEADLINE_MS,
        );
      } finally {
        // A check stopped at its deadline may still be reading: its buffer is not reused.
        source.close(report !== undefined && report.error?.code !== "TIMEOUT");
      }
      results.push({ file, report });
    }

    if (values.json) {
      process.stdout.write(
        JSON.stringify(
          results.map((r) => toJson(r.file, r.report)),
          null,
          2,
        ) + "\n",
      );
    } else {
      for (const { file, report } of results) {
        process.stdout.write(`${file}: ${STATUS_VI[report.status]}\n  ${report.message}\n`);
        if (report.signatures.length > 1) for (const s of report.signatures) process.stdout.write(`  - ${s.field}: ${s.message}\n`);
      }
    }
    return results.every((r) => r.report.status === "valid") ? 0 : 1;
  },
};
