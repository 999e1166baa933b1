import { checkRevocation, type RevocationStatus } from "../../pki/revocation.ts";
import { formatDateVietnam } from "../time.ts";
import { refusal, type PolicyRule } from "./types.ts";

/**
 * ND68 Điều 29: not revoked — from OCSP or a CRL online, or a cached CRL still fresh
 * (shared/pki/revocation.ts, the verifier's own check). Revoked refuses. Unknown (offline,
 * nothing fresh) refuses too, unless the person accepted it after a plain warning (PWA) or
 * `--accept-unknown-revocation` (CLI); the caller records that acceptance.
 */
export const certificateRevocation: PolicyRule = async (ctx) => {
  const path = ctx.path;
  if (!path || path.certificates.length < 2) return [];
  const { trust } = ctx.input;
  const check = (i: number): Promise<RevocationStatus> =>
    checkRevocation(path.certificates[i]!, path.certificates[i + 1]!, ctx.at, {
      given: trust.crls ?? [],
      embeddedCrls: [],
      embeddedOcsp: [],
      cache: trust.crlCache,
      fetch: trust.fetch,
      now: ctx.at,
      crypto: ctx.crypto,
    });
  const leaf = await check(0);
  ctx.revocation = leaf;
  ctx.notes.push(...leaf.notes.map((n) => `revocation: ${n}`));
  if (leaf.status === "revoked") {
    const when = leaf.revocationDate ? ` từ ngày ${formatDateVietnam(leaf.revocationDate)}` : "";
    return [
      refusal(
        "certificate-revocation",
        "policy.revoked",
        `Chứng thư số đã bị thu hồi${when}: không được ký.`,
        `certificate revoked${leaf.revocationDate ? " " + leaf.revocationDate.toISOString() : ""} (${leaf.source ?? "?"}${leaf.reason ? ", " + leaf.reason : ""})`,
      ),
    ];
  }
  // The sub-CAs: a revoked one refuses; an unknown one is noted (their CRLs are rarely at hand).
  for (let i = 1; i < path.certificates.length - 1; i++) {
    const s = await check(i);
    if (s.status === "revoked") {
      return [
        refusal(
          "certificate-revocation",
          "policy.ca-revoked",
          `Chứng thư của tổ chức cấp (${path.certificates[i]!.subject}) đã bị thu hồi: không được ký.`,
          `CA certificate ${path.certificates[i]!.subject} revoked`,
        ),
      ];
    }
    if (s.status !== "good") ctx.notes.push(`revocation of ${path.certificates[i]!.subject} unknown`);
  }
  if (leaf.status === "good" && leaf.fresh) return [];
  if (ctx.input.acceptUnknownRevocation) {
    ctx.notes.push("revocation status unknown: accepted by the signer");
    return [];
  }
  const why =
    leaf.status === "good"
      ? `danh sách thu hồi gần nhất đã cũ (cập nhật ${leaf.thisUpdate ? formatDateVietnam(leaf.thisUpdate) : "?"})`
      : trust.fetch
        ? "không hỏi được OCSP hay tải được danh sách thu hồi"
        : "đang ngoại tuyến và không có danh sách thu hồi còn hiệu lực";
  return [
    refusal(
      "certificate-revocation",
      "policy.revocation-unknown",
      `Không xác định được chứng thư số còn hiệu lực hay đã bị thu hồi (${why}). Hãy kết nối mạng rồi thử lại, hoặc chỉ ký khi đã xác nhận rủi ro.`,
      `revocation status unknown (${leaf.status}, fresh=${leaf.fresh}): ${leaf.notes.join("; ") || "no CRL or OCSP source"}`,
    ),
  ];
};
