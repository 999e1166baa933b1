/** The Vietnamese rendering is a pure function of the report: every indication reads as a sentence. */
import { describe, it, expect } from "vitest";
import { renderReportVi, renderSignatureVi } from "./render-vi.ts";
import type { SignatureReport, SubIndication, ValidationReport } from "./report.ts";

function sig(over: Partial<SignatureReport> = {}): SignatureReport {
  return {
    field: "ChuTich",
    kind: "signature",
    signer: {
      commonName: "Nguyễn Văn An",
      title: "Phó Chủ tịch",
      serialNumber: "01",
      subject: "",
      issuer: "",
      notBefore: "2025-01-01T07:00:00+07:00",
      notAfter: "2027-01-01T07:00:00+07:00",
    },
    signingTime: "2026-11-24T09:15:02+07:00",
    signingTimeSource: "claimed-M",
    indication: "TOTAL_PASSED",
    coversWholeDocument: true,
    modifiedAfter: "none",
    chain: [],
    revocation: [{ certificate: "", status: "good", source: "cached-crl", thisUpdate: "2026-11-20T08:00:00+07:00", fresh: false, notes: [] }],
    weakAlgorithms: [],
    changes: { allowed: [], disallowed: [] },
    findings: [],
    message: "",
    ...over,
  };
}

const SUBS: SubIndication[] = [
  "FORMAT_FAILURE",
  "HASH_FAILURE",
  "SIG_CRYPTO_FAILURE",
  "REVOKED",
  "EXPIRED",
  "NOT_YET_VALID",
  "SIG_CONSTRAINTS_FAILURE",
  "CHAIN_CONSTRAINTS_FAILURE",
  "CRYPTO_CONSTRAINTS_FAILURE_NO_POE",
  "NO_SIGNING_CERTIFICATE_FOUND",
  "NO_CERTIFICATE_CHAIN_FOUND",
  "REVOKED_NO_POE",
  "OUT_OF_BOUNDS_NO_POE",
  "OUT_OF_BOUNDS_NOT_REVOKED",
  "TRY_LATER",
];

describe("renderSignatureVi", () => {
  it("a valid signature names the signer, the time source (dd/mm/yyyy) and how fresh the revocation data was", () => {
    const m = renderSignatureVi(sig());
    expect(m).toBe(
      "Chữ ký của Phó Chủ tịch Nguyễn Văn An hợp lệ: nội dung được ký toàn vẹn, chứng thư số do tổ chức tin cậy cấp, còn hiệu lực và chưa bị thu hồi tại thời điểm ký 24/11/2026 do người ký tự khai (không có dấu thời gian). Tình trạng thu hồi theo CRL đã lưu trên máy, cập nhật ngày 20/11/2026 (đã cũ).",
    );
  });

  it.each(SUBS)("%s reads as a Vietnamese reason, without placeholders", (sub) => {
    const failed = ["FORMAT_FAILURE", "HASH_FAILURE", "SIG_CRYPTO_FAILURE", "REVOKED", "EXPIRED"].includes(sub);
    const m = renderSignatureVi(sig({ indication: failed ? "TOTAL_FAILED" : "INDETERMINATE", subIndication: sub }));
    expect(m).toMatch(failed ? /không hợp lệ: / : /chưa xác định được là hợp lệ: /);
    expect(m).not.toMatch(/undefined|null|NaN/);
    expect(m.length).toBeGreaterThan(60);
  });

  it("a disallowed change comes first, even when the signature itself verifies", () => {
    const m = renderSignatureVi(sig({ modifiedAfter: "disallowed", changes: { allowed: [], disallowed: ["revision 2: object 4 was replaced"] } }));
    expect(m).toMatch(/^Văn bản đã bị sửa đổi sau chữ ký của Phó Chủ tịch Nguyễn Văn An/);
    expect(m).toMatch(/không được chấp nhận/);
  });
});

describe("renderReportVi", () => {
  const report = (status: ValidationReport["status"], signatures: SignatureReport[] = []): ValidationReport => ({
    status,
    validatedAt: "",
    revisions: 1,
    signatures,
    message: "",
  });
  it("one sentence per status", () => {
    expect(renderReportVi(report("unsigned"))).toBe("Văn bản không có chữ ký số.");
    expect(renderReportVi(report("valid", [sig()]))).toMatch(/^Văn bản hợp lệ/);
    const bad = sig({ indication: "TOTAL_FAILED", subIndication: "HASH_FAILURE" });
    bad.message = renderSignatureVi(bad);
    expect(renderReportVi(report("invalid", [bad]))).toMatch(/^Văn bản không hợp lệ\. .*đã bị thay đổi sau khi ký/);
    expect(renderReportVi({ ...report("error"), error: { code: "X", messageVi: "tệp bị hỏng", messageEn: "damaged" } })).toBe(
      "Không kiểm tra được tệp: tệp bị hỏng.",
    );
  });
});
