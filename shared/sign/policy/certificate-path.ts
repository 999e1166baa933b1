import { findCertificationPath } from "../../pki/path.ts";
import { fetchIssuers } from "../../pki/aia.ts";
import { refusal, type PolicyRule } from "./types.ts";

const PROBLEM_VI: Record<string, string> = {
  EXPIRED: "đã hết hạn",
  NOT_YET_VALID: "chưa có hiệu lực",
  NOT_CA: "không phải chứng thư của tổ chức cấp chứng thư",
  PATH_LENGTH: "vượt giới hạn độ dài đường dẫn",
  CA_KEY_USAGE: "không được phép cấp chứng thư",
  CRITICAL_EXTENSION: "có phần mở rộng bắt buộc không được hỗ trợ",
  NAME_CHAINING: "không nối đúng tên tổ chức cấp",
};

/**
 * ND68 Điều 29: a path from the signer's certificate to a trusted root (the bundled
 * government roots plus the office's own), built and validated by shared/pki/path.ts — the
 * verifier's own path validation — at the signing time; issuers fetched by AIA when online.
 */
export const certificatePath: PolicyRule = async (ctx) => {
  const { trust } = ctx.input;
  const pool = [...ctx.chain, ...(trust.intermediates ?? [])];
  let path = await findCertificationPath(ctx.certificate, pool, trust.anchors, ctx.at, ctx.crypto);
  if (!path && trust.fetch) {
    const fetched = await fetchIssuers(ctx.certificate, trust.fetch);
    ctx.notes.push(...fetched.notes);
    if (fetched.certificates.length > 0) {
      path = await findCertificationPath(ctx.certificate, [...pool, ...fetched.certificates], trust.anchors, ctx.at, ctx.crypto);
      if (path) for (const c of path.certificates.slice(1, -1)) trust.onIntermediate?.(c);
    }
  }
  if (!path) {
    return [
      refusal(
        "certificate-path",
        "policy.untrusted-root",
        `Chứng thư số của ${ctx.certificate.subjectName.getField("CN")[0] ?? "người ký"} không dẫn về chứng thư gốc tin cậy nào (Nghị định 68/2024, Điều 29): không được ký. Nếu đây là chứng thư gốc của cơ quan, hãy thêm vào kho tin cậy.`,
        `no path from ${ctx.certificate.subject} (issuer ${ctx.certificate.issuer}) to a trusted root`,
      ),
    ];
  }
  ctx.path = path;
  if (path.weakAlgorithms.length > 0) ctx.notes.push(`weak algorithms in the path: ${path.weakAlgorithms.join(", ")}`);
  const chainProblem = path.problems.find((p) => p.index > 0);
  if (chainProblem) {
    return [
      refusal(
        "certificate-path",
        "policy.path-invalid",
        `Chứng thư của tổ chức cấp (${chainProblem.subject}) ${PROBLEM_VI[chainProblem.code] ?? "không hợp lệ"}: không được ký.`,
        `certification path problem at ${chainProblem.index}: ${chainProblem.code} ${chainProblem.detail}`,
      ),
    ];
  }
  return [];
};
