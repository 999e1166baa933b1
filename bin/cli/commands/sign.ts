import { parseArgs } from "node:util";
import { readFileSync, writeFileSync, renameSync, existsSync, realpathSync, unlinkSync, statSync } from "node:fs";
import { dirname, basename, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import type { CliCommand } from "../main.ts";
import { CliError } from "../errors.ts";
import { signPdf, SIGNATURE_TYPES, type SignatureType, type Signer } from "../../../shared/sign/index.ts";
import { WebCryptoSigner } from "../../../shared/sign/webcrypto-signer.ts";
import { openPkcs12 } from "../../../shared/pki/pkcs12.ts";
import { DEMO_LABEL } from "../../../shared/pki/demo-ca.ts";
import { SHIPPED_FONT_PATH } from "../paths.ts";

const usage = `Usage: vanthu sign IN.pdf -o OUT.pdf --type signer|issuer|copy|attachment|appendix
         (--p12 FILE --pass PASSWORD | --pkcs11 MODULE --pin-env VAR [--token LABEL] [--key-label LABEL])
         [--image PNG] [--page N] [--rect x,y,w,h] [--seal-mm MM] [--copy-form TEXT] [--org TEXT]
         [--doc-number TEXT] [--issue-number N] [--issue-date YYYY-MM-DD] [--tsa URL] [--location TEXT]

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

The output is written atomically and never over the input. Exit 0 signed, 1 failed, 2 usage error.`;

function parseRect(s: string): { x: number; y: number; width: number; height: number } {
  const v = s.split(",").map((p) => Number(p.trim()));
  if (v.length !== 4 || v.some((x) => !Number.isFinite(x)) || v[2]! <= 0 || v[3]! <= 0) {
    throw new CliError("BAD_RECT", `--rect không hợp lệ: "${s}" (cần x,y,rộng,cao theo điểm)`, `--rect must be x,y,w,h in points with positive size, got "${s}"`, 2);
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
    const pdf = readInput(inPath, "tệp PDF", "input PDF");
    const image = v.image ? readInput(v.image, "tệp ảnh", "image") : undefined;

    let signer: Signer;
    let close: (() => Promise<void>) | undefined;
    if (v.p12) {
      if (v.pass === undefined) throw usageError("Thiếu mật khẩu tệp chứng thư (--pass)", "missing --pass");
      const p12 = await openPkcs12(readInput(v.p12, "tệp chứng thư", "PKCS#12 file"), v.pass);
      const certDer = new Uint8Array(p12.certificate.rawData);
      const isDemo = new TextDecoder().decode(certDer).includes(DEMO_LABEL) || p12.certificate.subject.includes(DEMO_LABEL);
      signer = new WebCryptoSigner(p12.privateKey, { certificate: certDer, chain: p12.chain.map((c) => new Uint8Array(c.rawData)) }, basename(v.p12), isDemo);
    } else {
      const pinVar = v["pin-env"];
      if (!pinVar) throw usageError("Thiếu --pin-env VAR (tên biến môi trường chứa mã PIN)", "missing --pin-env VAR");
      const pin = process.env[pinVar];
      if (!pin) throw usageError(`Biến môi trường ${pinVar} không có mã PIN`, `environment variable ${pinVar} is empty or unset`);
      const { openPkcs11Signer } = await import("../../../agent/pkcs11/index.ts");
      const s = await openPkcs11Signer({ module: v.pkcs11!, pin, tokenLabel: v.token, keyLabel: v["key-label"] });
      signer = s;
      close = () => s.close();
    }
    try {
      const result = await signPdf(pdf, {
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
        font: new Uint8Array(readFileSync(SHIPPED_FONT_PATH)),
      });
      writeAtomically(outPath, result.bytes);
      const demo = signer.isDemo ? ` — ${DEMO_LABEL}` : "";
      process.stdout.write(`Đã ký (${v.type}) ${basename(inPath)} → ${v.output}, trường ${result.fieldName}${demo}\n`);
      return 0;
    } finally {
      await close?.();
    }
  },
};
