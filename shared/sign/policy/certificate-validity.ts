import { VanthuError } from "../../errors.ts";
import { x509 } from "../../pki/x509.ts";
import { checkSigningCertificate } from "../certificate-check.ts";
import { refusal, type PolicyRule } from "./types.ts";

/** ND68 Điều 29: valid at the signing time, a key usage for signatures, and not a CA's certificate. */
export const certificateValidity: PolicyRule = async (ctx) => {
  try {
    checkSigningCertificate(new Uint8Array(ctx.certificate.rawData), ctx.at);
  } catch (e) {
    if (e instanceof VanthuError) return [refusal("certificate-validity", e.code, e.messageVi, e.message)];
    throw e;
  }
  if (ctx.certificate.getExtension(x509.BasicConstraintsExtension)?.ca) {
    return [
      refusal(
        "certificate-validity",
        "CERT_KEY_USAGE",
        "Đây là chứng thư số của tổ chức cấp chứng thư (CA), không dùng để ký văn bản.",
        "a CA certificate cannot sign documents",
      ),
    ];
  }
  return [];
};
