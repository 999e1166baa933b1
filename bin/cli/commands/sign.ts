import { parseArgs } from "node:util";
import { readFileSync, writeFileSync, renameSync, existsSync, realpathSync, unlinkSync, statSync, copyFileSync, appendFileSync, constants } from "node:fs";
import { dirname, basename, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import type { CliCommand } from "../main.ts";
import { CliError } from "../errors.ts";
import { signPdfAppend, SIGNATURE_TYPES, type SignatureType, type Signer } from "../../../shared/sign/index.ts";
import { readPdfSkeleton } from "../../../shared/pdf/skeleton.ts";
import { forEachChunk } from "../../../shared/pdf/source.ts";
import { nodeHashFactory, openFileSource } from "../file-source.ts";
import { WebCryptoSigner } from "../../../shared/sign/webcrypto-signer.ts";
import { openPkcs12 } from "../../../shared/pki/pkcs12.ts";
import { DEMO_LABEL } from "../../../shared/pki/demo-ca.ts";
import { SHIPPED_FONT_PATH } from "../paths.ts";
import { checkSigningPolicy, type PolicyDecision } from "../../../shared/sign/policy/index.ts";
import { requireOptions } from "../../../shared/sign/prepare.ts";
import { TRUST_FLAG_OPTIONS, trustContextFromFlags } from "../trust-flags.ts";

const usage = `Usage: vanthu sign IN.pdf -o OUT.pdf --type signer|issuer|copy|attachment|appendix
         (--p12 FILE --pass PASSWORD | --pkcs11 MODULE --pin-env VAR [--token LABEL] [--key-label LABEL])
         [--image PNG] [--page N] [--rect x,y,w,h] [--seal-mm MM] [--copy-form TEXT] [--org TEXT]
         [--doc-number TEXT] [--issue-number N] [--issue-date YYYY-MM-DD] [--tsa URL] [--location TEXT]
         [--trust PEM_OR_DIR]... [--crl FILE]... [--offline] [--no-default-trust] [--cache-dir DIR]
         [--accept-unknown-revocation]

Ký một tệp PDF bằng một trong năm loại chữ ký của Điều 13 (ghi thêm một phiên bản, không sửa byte nào của tệp gốc).
  --type signer       chữ ký của người có thẩm quyền: ảnh chữ ký (--image, PNG màu xanh) giữa chức vụ và họ tên
  --type issuer       chữ ký của cơ quan: ảnh con dấu (--image, PNG màu đỏ) kích thước thật (--seal-mm, mặc định 36),
                      trùm lên khoảng 1/3 ảnh chữ ký phía bên trái
  --type copy         bản sao điện tử: --copy-form "sao y"|"sao lục"|"trích sao", --org "tên cơ quan sao"
  --type attachment   văn bản kèm theo không cùng tệp: --doc-number "125/UBND-VP"
  --type appendix     phụ lục không cùng tệp: --doc-number "125/UBND-VP"
  --issue-number N    (signer) số văn bản lấy từ sổ văn bản đi, ghi vào chỗ trống "Số:    /…" ở trang 1
  --issue-date D      (signer) ngày ban hành YYYY-MM-DD ghi vào "ngày … tháng … năm …" (mặc định: hôm nay)
  --page N            trang (mặc định: trang cuối cho signer/issuer, trang 1 cho các loại khác)
  --rect x,y,w,h      vị trí và kích thước (điểm, gốc ở góc dưới trái) thay cho vị trí tự tìm
  --tsa URL           lấy dấu thời gian RFC 3161 (PAdES B-T)
  --pin-env VAR       tên biến môi trường chứa mã PIN (không bao giờ truyền PIN trên dòng lệnh)

Trước khi ký (trước khi dùng mã PIN), chính sách ký kiểm tra và từ chối (mã thoát 1, không ghi gì):
  - chứng thư số: còn hiệu lực tại thời điểm ký, được phép ký, dẫn về chứng thư gốc tin cậy,
    chưa bị thu hồi (OCSP hoặc CRL trực tuyến, CRL đưa vào bằng --crl, hoặc CRL đã lưu còn hạn);
    không xác định được tình trạng thu hồi thì từ chối, trừ khi có --accept-unknown-revocation
  - R9: văn bản có dấu độ mật ở trang 1 (MẬT, TỐI MẬT, TUYỆT MẬT, "Độ mật: …", kèm KHẨN/HỎA TỐC)
  - R8: signer cần chứng thư cá nhân có họ tên và chức danh khớp khối chữ ký trên trang (cấp phó
    chỉ ký dưới "KT."; KT., TL., TM., Q., TUQ.); issuer/copy/attachment/appendix cần chứng thư của
    cơ quan. Loại chứng thư được xác định theo tên và chức danh trên chứng thư (lệnh này không có
    sổ quản lý chứng thư của cơ quan: việc giao quản lý chứng thư cơ quan — R22 — do ứng dụng kiểm tra)
  - ảnh chữ ký/con dấu PNG nền trong suốt, màu mực xanh/đỏ; con dấu phải nằm trọn trên trang

Tin cậy (giống vanthu verify):
  --trust PEM_OR_DIR   thêm chứng thư gốc tin cậy (tệp PEM/DER hoặc thư mục), cộng với gốc của Chính phủ
  --no-default-trust   chỉ tin các chứng thư gốc chỉ định bằng --trust
  --crl FILE           danh sách thu hồi (CRL) dùng để kiểm tra
  --offline            không tải gì qua mạng
  --cache-dir DIR      nơi lưu CRL và chứng thư CA đã tải (mặc định $VANTHU_CACHE_DIR hoặc ~/.cache/vanthu)
  --accept-unknown-revocation  vẫn ký khi không xác định được tình trạng thu hồi (ghi cảnh báo)

The output is written atomically and never over the input. Exit 0 signed, 1 failed, 2 usage error.`;

function parseRect(s: string): { x: number; y: number; width: number; height: number } {
  const v = s.split(",").map((p) => Number(p.trim()));
  if (v.length !== 4 || v.some((x) => !Number.isFinite(x)) || v[2]! <= 0 || v[3]! <= 0) {
    throw new CliError(
      "BAD_RECT",
      `--rect không hợp lệ: "${s}" (cần x,y,rộng,cao theo điểm)`,
      `--rect must be x,y,w,h in points with positive size, got "${s}"`,
      2,
    );
  }
  return { x: v[0]!, y: v[1]!, width: v[2]!, height: v[3]! };
}

function readInput(path: string, what: string, whatEn: string): Uint8Array {
  try {
    if (!statSync(path).isFile()) throw new Error("not a file");
    return new Uint8Array(readFileSync(path));
  } catch {
    throw new CliError("NO_FILE", `Không đọc được ${what}: ${path}`, `cannot read ${whatEn}: ${path}`);
  }
}

/** Writes next to the target then renames, so a reader never sees half a file. */
export function writeAtomically(path: string, bytes: Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeFileSync(tmp, bytes, { flag: "wx" });
    renameSync(tmp, path);
  } catch (e) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw new CliError("WRITE_FAILED", `Không ghi được tệp kết quả: ${path}`, `cannot write output ${path}: ${(e as Error).message}`);
  }
}

/** A refusal of the signing policy: exit 1, the first reason on stderr, nothing written. */
async function refuseUnlessAllowed(d: Promise<PolicyDecision>): Promise<PolicyDecision> {
  const decision = await d;
  if (process.env.VANTHU_DEBUG || process.argv.includes("--debug")) for (const n of decision.notes) process.stderr.write(`vanthu: policy: ${n}\n`);
  const first = decision.refusals[0];
  if (first) throw new CliError(first.code, `Không ký: ${first.messageVi}`, `refused by the signing policy (${first.rule}): ${first.messageEn}`);
  return decision;
}

export const command: CliCommand = {
  summary: "ký một tệp PDF (năm loại chữ ký của Điều 13) — sign a PDF",
  usage,
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: {
          output: { type: "string", short: "o" },
          type: { type: "string" },
          p12: { type: "string" },
          pass: { type: "string" },
          pkcs11: { type: "string" },
          "pin-env": { type: "string" },
          token: { type: "string" },
          "key-label": { type: "string" },
          image: { type: "string" },
          page: { type: "string" },
          rect: { type: "string" },
          "seal-mm": { type: "string" },
          "copy-form": { type: "string" },
          org: { type: "string" },
          "doc-number": { type: "string" },
          "issue-number": { type: "string" },
          "issue-date": { type: "string" },
          tsa: { type: "string" },
          location: { type: "string" },
          ...TRUST_FLAG_OPTIONS,
          "accept-unknown-revocation": { type: "boolean" },
        },
      });
    } catch (e) {
      throw new CliError("USAGE", `Tham số không hợp lệ: ${(e as Error).message}`, (e as Error).message, 2);
    }
    const v = parsed.values;
    const [input, ...extra] = parsed.positionals;
    const usageError = (vi: string, en: string) => new CliError("USAGE", vi, en, 2);
    if (!input || extra.length > 0) throw usageError("Cần đúng một tệp PDF đầu vào", "exactly one input PDF is required");
    if (!v.output) throw usageError("Thiếu tệp kết quả (-o OUT.pdf)", "missing -o OUT.pdf");
    if (!v.type || !SIGNATURE_TYPES.includes(v.type as SignatureType)) {
      throw usageError(`--type phải là một trong: ${SIGNATURE_TYPES.join(", ")}`, `--type must be one of ${SIGNATURE_TYPES.join(", ")}`);
    }
    if (Boolean(v.p12) === Boolean(v.pkcs11)) throw usageError("Cần đúng một nguồn khóa: --p12 hoặc --pkcs11", "give exactly one of --p12 or --pkcs11");
    const outPath = resolve(v.output);
    const inPath = resolve(input);
    if (outPath === inPath || (existsSync(outPath) && realpathSync(outPath) === realpathSync(inPath))) {
      throw usageError("Tệp kết quả không được trùng tệp đầu vào (không ghi đè văn bản gốc)", "output must not be the input file");
    }
    const page = v.page !== undefined ? Number(v.page) : undefined;
    if (page !== undefined && (!Number.isInteger(page) || page < 1)) throw usageError(`--page không hợp lệ: ${v.page}`, `--page must be a positive integer`);
    const sealMm = v["seal-mm"] !== undefined ? Number(v["seal-mm"]) : undefined;
    if (sealMm !== undefined && !Number.isFinite(sealMm)) throw usageError(`--seal-mm không hợp lệ: ${v["seal-mm"]}`, "--seal-mm must be a number");

    let issueDate: Date | undefined;
    if (v["issue-date"] !== undefined) {
      // A calendar day in Vietnam: noon +07:00 keeps it the same day whatever the machine's zone.
      issueDate = /^\d{4}-\d{2}-\d{2}$/.test(v["issue-date"]) ? new Date(`${v["issue-date"]}T12:00:00+07:00`) : new Date(NaN);
      // Date rolls 30 February over to March: a day that does not exist must not become another.
      const rolled = Number.isNaN(issueDate.getTime()) || new Date(issueDate.getTime() + 7 * 3600e3).toISOString().slice(0, 10) !== v["issue-date"];
      if (rolled) throw usageError(`--issue-date không hợp lệ: ${v["issue-date"]} (cần YYYY-MM-DD)`, "--issue-date must be YYYY-MM-DD");
    }
    const image = v.image ? readInput(v.image, "tệp ảnh", "image") : undefined;

    const font = new Uint8Array(readFileSync(SHIPPED_FONT_PATH));
    requireOptions({
      type: v.type as SignatureType,
      image,
      copyForm: v["copy-form"],
      org: v.org,
      docNumber: v["doc-number"],
      font,
      issueNumber: v["issue-number"],
      issueDate,
      sealMm,
    });

    // The file is copied (by the kernel) to a temporary file beside the output, read from there
    // once — hashed and parsed without its large images (shared/pdf/skeleton.ts) — and the new
    // revision appended to it: a 100 MB scan is never held in memory, and what is signed is
    // exactly the bytes written, whatever happens to the input meanwhile.
    const tmp = join(dirname(outPath), `.${basename(outPath)}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      if (!statSync(inPath).isFile()) throw new Error("not a file");
      copyFileSync(inPath, tmp, constants.COPYFILE_EXCL);
    } catch (e) {
      if (existsSync(tmp)) unlinkSync(tmp);
      if (!existsSync(inPath) || !statSync(inPath).isFile())
        throw new CliError("NO_FILE", `Không đọc được tệp PDF: ${inPath}`, `cannot read input PDF: ${inPath}`);
      throw new CliError("WRITE_FAILED", `Không ghi được tệp kết quả: ${outPath}`, `cannot write output ${outPath}: ${(e as Error).message}`);
    }
    const source = openFileSource(tmp);
    try {
      return await signFile();
    } finally {
      source.close();
      if (existsSync(tmp)) unlinkSync(tmp);
    }

    async function signFile(): Promise<number> {
      let fileHash = nodeHashFactory("SHA-256");
      const skeleton = readPdfSkeleton(source, (c) => fileHash.update(c));
      const pdf = skeleton.bytes;
      const trust = await trustContextFromFlags(v);
      const policy = (certificate: Uint8Array, chain: Uint8Array[]) =>
        refuseUnlessAllowed(
          checkSigningPolicy({
            kind: v.type as SignatureType,
            document: pdf,
            certificate,
            chain,
            trust,
            page,
            acceptUnknownRevocation: v["accept-unknown-revocation"],
          }),
        );

      let signer: Signer;
      let close: (() => Promise<void>) | undefined;
      let decision: PolicyDecision;
      if (v.p12) {
        if (v.pass === undefined) throw usageError("Thiếu mật khẩu tệp chứng thư (--pass)", "missing --pass");
        const p12 = await openPkcs12(readInput(v.p12, "tệp chứng thư", "PKCS#12 file"), v.pass);
        const certDer = new Uint8Array(p12.certificate.rawData);
        const isDemo = new TextDecoder().decode(certDer).includes(DEMO_LABEL) || p12.certificate.subject.includes(DEMO_LABEL);
        const chain = p12.chain.map((c) => new Uint8Array(c.rawData));
        decision = await policy(certDer, chain);
        signer = new WebCryptoSigner(p12.privateKey, { certificate: certDer, chain }, basename(v.p12), isDemo);
      } else {
        const pinVar = v["pin-env"];
        if (!pinVar) throw usageError("Thiếu --pin-env VAR (tên biến môi trường chứa mã PIN)", "missing --pin-env VAR");
        const pin = process.env[pinVar];
        if (!pin) throw usageError(`Biến môi trường ${pinVar} không có mã PIN`, `environment variable ${pinVar} is empty or unset`);
        const { openPkcs11Signer, listCertificates } = await import("../../../agent/pkcs11/index.ts");
        // The certificate is read without the PIN, so the policy runs before any login.
        const found = (await listCertificates(v.pkcs11!, { tokenLabel: v.token })).filter((c) => v["key-label"] === undefined || c.keyLabel === v["key-label"]);
        if (found.length > 1)
          throw usageError("Thiết bị có nhiều chứng thư số: hãy chọn bằng --key-label", "several certificates on the token; give --key-label");
        const chosen = found[0];
        if (chosen) decision = await policy(chosen.certificate, chosen.chain);
        const s = await openPkcs11Signer({ module: v.pkcs11!, pin, tokenLabel: v.token, keyLabel: v["key-label"], certificateId: chosen?.id });
        signer = s;
        close = () => s.close();
        if (!chosen) {
          const certs = await s.getCertificates();
          decision = await policy(certs.certificate, certs.chain).catch(async (e) => {
            await s.close();
            throw e;
          });
        }
      }
      try {
        if (signer.digestAlgorithm !== "SHA-256") {
          // The pass that read the file hashed it with SHA-256, what tokens use; another algorithm reads it again.
          fileHash = nodeHashFactory(signer.digestAlgorithm);
          forEachChunk(source, 0, source.length, (c) => fileHash.update(c));
        }
        const result = await signPdfAppend(
          { skeleton, source, fileHash },
          {
            type: v.type as SignatureType,
            signer,
            image,
            page,
            rect: v.rect ? parseRect(v.rect) : undefined,
            sealMm,
            copyForm: v["copy-form"],
            org: v.org,
            docNumber: v["doc-number"],
            issueNumber: v["issue-number"],
            issueDate,
            tsaUrl: v.tsa,
            location: v.location,
            font,
            hash: nodeHashFactory,
          },
        );
        try {
          appendFileSync(tmp, result.section);
          renameSync(tmp, outPath);
        } catch (e) {
          throw new CliError("WRITE_FAILED", `Không ghi được tệp kết quả: ${outPath}`, `cannot write output ${outPath}: ${(e as Error).message}`);
        }
        const demo = signer.isDemo ? ` — ${DEMO_LABEL}` : "";
        if (decision!.unknownRevocationAccepted) {
          process.stderr.write(
            "vanthu: cảnh báo: đã ký khi chưa xác định được tình trạng thu hồi của chứng thư số (--accept-unknown-revocation) (warning: signed with unknown revocation status)\n",
          );
        }
        process.stdout.write(`Đã ký (${v.type}) ${basename(inPath)} → ${v.output}, trường ${result.fieldName}${demo}\n`);
        return 0;
      } finally {
        await close?.();
      }
    }
  },
};
