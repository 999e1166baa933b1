import type { SignatureReport, ValidationReport } from "./report.ts";

/**
 * Renders a ValidationReport into Vietnamese sentences a clerk (văn thư) understands,
 * suitable for the refusal notice of Điều 17.3 ("văn bản không hợp lệ, lý do: …").
 */

function ddmmyyyy(iso: string | undefined): string {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

function who(s: SignatureReport): string {
  if (!s.signer) return s.kind === "document-timestamp" ? "Dấu thời gian" : `Chữ ký "${s.field}"`;
  const title = s.signer.title ? `${s.signer.title} ` : "";
  return s.kind === "document-timestamp" ? `Dấu thời gian của ${s.signer.commonName}` : `Chữ ký của ${title}${s.signer.commonName}`;
}

function timeSource(s: SignatureReport): string {
  const d = ddmmyyyy(s.signingTime);
  switch (s.signingTimeSource) {
    case "timestamp":
      return `thời điểm ký ${d} theo dấu thời gian`;
    case "claimed-M":
    case "claimed-signingTime":
      return `thời điểm ký ${d} do người ký tự khai (không có dấu thời gian)`;
    default:
      return "thời điểm kiểm tra (không có thời điểm ký)";
  }
}

const REVOCATION_SOURCE: Record<string, string> = {
  "given-crl": "danh sách thu hồi (CRL) được cung cấp",
  "embedded-crl": "CRL kèm trong văn bản",
  "cached-crl": "CRL đã lưu trên máy",
  "fetched-crl": "CRL tải từ nhà cung cấp dịch vụ chứng thực",
  ocsp: "dịch vụ OCSP",
  "embedded-ocsp": "phản hồi OCSP kèm trong văn bản",
};

function revocationNote(s: SignatureReport): string {
  const r = s.revocation[0];
  if (!r || r.status === "unknown" || !r.source) return "";
  const upd = r.thisUpdate ? `, cập nhật ngày ${ddmmyyyy(r.thisUpdate)}` : "";
  return ` Tình trạng thu hồi theo ${REVOCATION_SOURCE[r.source] ?? r.source}${upd}${r.fresh ? "" : " (đã cũ)"}.`;
}

function reason(s: SignatureReport): string {
  switch (s.subIndication) {
    case "FORMAT_FAILURE":
      return "cấu trúc chữ ký trong tệp không hợp lệ (vùng dữ liệu được ký hoặc nội dung chữ ký bị sai, thiếu hoặc bị đánh tráo)";
    case "HASH_FAILURE":
      return "nội dung văn bản đã bị thay đổi sau khi ký (mã băm không khớp)";
    case "SIG_CRYPTO_FAILURE":
      return "giá trị chữ ký số không đúng với chứng thư số của người ký";
    case "REVOKED": {
      const r = s.revocation.find((x) => x.status === "revoked");
      return `chứng thư số đã bị thu hồi${r?.revocationDate ? ` từ ngày ${ddmmyyyy(r.revocationDate)}` : ""}, trước ${timeSource(s)}`;
    }
    case "REVOKED_NO_POE":
    case "REVOKED_CA_NO_POE": {
      const r = s.revocation.find((x) => x.status === "revoked");
      return `chứng thư số ${s.subIndication === "REVOKED_CA_NO_POE" ? "của tổ chức cấp " : ""}đã bị thu hồi${r?.revocationDate ? ` ngày ${ddmmyyyy(r.revocationDate)}` : ""} và không có dấu thời gian chứng minh văn bản được ký trước đó`;
    }
    case "EXPIRED":
      return `chứng thư số đã hết hạn (${ddmmyyyy(s.signer?.notAfter)}) trước ${timeSource(s)}`;
    case "NOT_YET_VALID":
      return `chứng thư số chưa có hiệu lực tại ${timeSource(s)} (có hiệu lực từ ${ddmmyyyy(s.signer?.notBefore)})`;
    case "OUT_OF_BOUNDS_NO_POE":
    case "OUT_OF_BOUNDS_NOT_REVOKED":
      return `chứng thư số không còn hiệu lực (hiệu lực ${ddmmyyyy(s.signer?.notBefore)} – ${ddmmyyyy(s.signer?.notAfter)}) và không có dấu thời gian chứng minh văn bản được ký khi chứng thư còn hiệu lực; ${timeSource(s)}`;
    case "NO_CERTIFICATE_CHAIN_FOUND":
      return "chứng thư số không do tổ chức cung cấp dịch vụ chứng thực tin cậy cấp (không xây dựng được đường dẫn đến chứng thư gốc của Ban Cơ yếu Chính phủ hoặc gốc tin cậy đã cấu hình)";
    case "CHAIN_CONSTRAINTS_FAILURE":
      return "chứng thư số hoặc chứng thư của tổ chức cấp không được phép dùng cho mục đích này (sai mục đích sử dụng khóa, ràng buộc CA hoặc độ dài đường dẫn)";
    case "SIG_CONSTRAINTS_FAILURE":
      return "chữ ký thiếu các thuộc tính bắt buộc (loại nội dung, tham chiếu chứng thư người ký)";
    case "NO_SIGNING_CERTIFICATE_FOUND":
      return "không tìm thấy chứng thư số của người ký, hoặc chứng thư kèm theo không khớp với chữ ký";
    case "CRYPTO_CONSTRAINTS_FAILURE":
    case "CRYPTO_CONSTRAINTS_FAILURE_NO_POE":
      return `chữ ký dùng thuật toán yếu, không còn được chấp nhận (${s.weakAlgorithms.join(", ") || s.digestAlgorithm || "SHA-1"})`;
    case "TRY_LATER":
      return "chưa xác định được tình trạng thu hồi của chứng thư số (không có danh sách thu hồi CRL hoặc OCSP còn hiệu lực; cần kết nối mạng hoặc cập nhật CRL rồi kiểm tra lại)";
    case "REVOCATION_OUT_OF_BOUNDS_NO_POE":
      return "dữ liệu thu hồi không bao phủ thời điểm ký";
    case "SIGNED_DATA_NOT_FOUND":
      return "không tìm thấy dữ liệu được ký";
    default:
      return "không xác định được tính hợp lệ của chữ ký";
  }
}

export function renderSignatureVi(s: SignatureReport): string {
  let sentence: string;
  if (s.modifiedAfter === "disallowed") {
    // What the clerk must act on comes first: the document is not what was signed.
    const removed = s.changes.disallowed.some((d) => d.includes("removed"));
    sentence = removed
      ? `${who(s)} đã bị gỡ bỏ khỏi văn bản sau khi ký: văn bản không được chấp nhận.`
      : `Văn bản đã bị sửa đổi sau ${who(s).charAt(0).toLowerCase() + who(s).slice(1)} (thêm hoặc thay nội dung, trang, đối tượng hiển thị): văn bản không được chấp nhận.`;
    if (s.indication === "TOTAL_PASSED") sentence += " Riêng phần nội dung đã được ký vẫn toàn vẹn và chữ ký hợp lệ.";
    else sentence += ` Ngoài ra, chữ ký ${s.indication === "TOTAL_FAILED" ? "không hợp lệ" : "chưa xác định được là hợp lệ"}: ${reason(s)}.`;
    return sentence;
  }
  if (s.indication === "TOTAL_PASSED") {
    sentence = `${who(s)} hợp lệ: nội dung được ký toàn vẹn, chứng thư số do tổ chức tin cậy cấp, còn hiệu lực và chưa bị thu hồi tại ${timeSource(s)}.${revocationNote(s)}`;
  } else if (s.indication === "TOTAL_FAILED") {
    sentence = `${who(s)} không hợp lệ: ${reason(s)}.`;
  } else {
    sentence = `${who(s)} chưa xác định được là hợp lệ: ${reason(s)}.`;
  }
  if (s.weakAlgorithms.length > 0 && s.subIndication !== "CRYPTO_CONSTRAINTS_FAILURE_NO_POE")
    sentence += ` Lưu ý: có thuật toán yếu (${s.weakAlgorithms.join(", ")}).`;
  if (s.modifiedAfter === "allowed") sentence += " Sau chữ ký này văn bản chỉ được bổ sung chữ ký hoặc dữ liệu kiểm tra hợp lệ.";
  return sentence + notesVi(s);
}

/** Notes that change no verdict but that a clerk or an inspector should read. */
const NOTE_VI: Record<string, string> = {
  GOVERNMENT_CA_SHA1: "chứng thư của CA thế hệ G1 (Ban Cơ yếu Chính phủ) được ký bằng SHA-1; được chấp nhận vì là gốc tin cậy của Chính phủ",
  SIGNING_TIME_LOCAL_AS_UTC:
    "phần mềm ký đã ghi giờ Việt Nam vào trường thời gian ký nhưng đánh dấu là giờ UTC (lệch 7 giờ); thời điểm ký được lấy theo dấu thời gian",
};

function notesVi(s: SignatureReport): string {
  const notes = [...new Set(s.findings.filter((f) => f.indication === "TOTAL_PASSED" && NOTE_VI[f.code]).map((f) => NOTE_VI[f.code]!))];
  return notes.length > 0 ? ` Ghi chú: ${notes.join("; ")}.` : "";
}

function fileNotesVi(r: ValidationReport): string {
  const trailing = r.findings?.find((f) => f.code === "TRAILING_BYTES");
  return trailing ? " Lưu ý: sau phần cuối của tệp có dữ liệu lạ không thuộc phiên bản nào của văn bản (không được hiển thị, không được ký)." : "";
}

export function renderReportVi(r: ValidationReport): string {
  return renderStatusVi(r) + (r.status === "error" || r.status === "unsigned" ? "" : fileNotesVi(r));
}

function renderStatusVi(r: ValidationReport): string {
  switch (r.status) {
    case "error":
      return `Không kiểm tra được tệp: ${r.error?.messageVi ?? "tệp bị hỏng"}.`;
    case "unsigned":
      return "Văn bản không có chữ ký số.";
    case "valid":
      return r.signatures.length === 1
        ? "Văn bản hợp lệ: chữ ký số hợp lệ và nội dung không bị thay đổi sau khi ký."
        : `Văn bản hợp lệ: cả ${r.signatures.length} chữ ký số hợp lệ và nội dung không bị thay đổi sau khi ký.`;
    case "invalid":
      return `Văn bản không hợp lệ. ${r.signatures
        .filter((s) => s.indication !== "TOTAL_PASSED" || s.modifiedAfter === "disallowed")
        .map((s) => s.message)
        .join(" ")}`;
    default:
      return `Chưa xác định được tính hợp lệ của văn bản. ${r.signatures
        .filter((s) => s.indication !== "TOTAL_PASSED" || s.modifiedAfter === "disallowed")
        .map((s) => s.message)
        .join(" ")}`;
  }
}
