import type { ValidationReport } from "../../../shared/verify/report.ts";
import { formatDateTimeVi } from "../../../shared/domain/dates.ts";
import type { SignatureSummary, VerifyResponse } from "./protocol.ts";

/** What the clerk reads, from the verifier's ValidationReport (kept whole beside it, R12). */
export function summariseReport(r: ValidationReport): Omit<VerifyResponse, "id" | "ok"> {
  const signatures: SignatureSummary[] = r.signatures.map((s) => {
    const rev = s.revocation[0];
    let revocationVi: string | undefined;
    if (rev) {
      const when = rev.thisUpdate ? `cập nhật ${formatDateTimeVi(rev.thisUpdate)}` : "không rõ thời điểm";
      const src =
        rev.source === "ocsp" || rev.source === "embedded-ocsp"
          ? "OCSP"
          : rev.source === "cached-crl"
            ? "CRL đã lưu trên máy"
            : rev.source === "fetched-crl"
              ? "CRL vừa tải"
              : "CRL";
      const state =
        rev.status === "good"
          ? "chưa bị thu hồi"
          : rev.status === "revoked"
            ? `ĐÃ BỊ THU HỒI${rev.revocationDate ? " từ " + formatDateTimeVi(rev.revocationDate) : ""}`
            : "không xác định được";
      revocationVi = `${state} (theo ${src}, ${when}${rev.fresh ? "" : ", dữ liệu đã cũ"})`;
    } else {
      revocationVi = "không có dữ liệu thu hồi (CRL/OCSP) trên máy";
    }
    return {
      fieldName: s.field,
      signerName: s.signer?.commonName ?? (s.kind === "document-timestamp" ? "Dấu thời gian" : "Không rõ"),
      title: s.signer?.title,
      organisation: s.signer?.organization,
      signingTime: s.signingTime,
      signingTimeSource: s.signingTimeSource === "timestamp" ? "timestamp" : "claimed",
      verdict: s.indication === "TOTAL_PASSED" ? "valid" : s.indication === "TOTAL_FAILED" ? "invalid" : "indeterminate",
      messageVi: s.message,
      revocationVi,
      isDemo: /CHỈ DÙNG THỬ/.test(s.signer?.subject ?? "") || /CHỈ DÙNG THỬ/.test(s.signer?.issuer ?? ""),
    };
  });
  const verdict: VerifyResponse["verdict"] = r.status === "unsigned" ? "invalid" : r.status;
  const summaryVi = r.message || (r.status === "unsigned" ? "Văn bản không có chữ ký số." : "");
  return { verdict, summaryVi, signatures, report: r };
}
