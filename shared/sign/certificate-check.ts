import { VanthuError } from "../errors.ts";
import { x509 } from "../pki/x509.ts";
import { exactBytes } from "../bytes.ts";
import { formatDateVietnam } from "./time.ts";

/**
 * What the signing engine itself checks of the signer's certificate before any PIN or key
 * is used (R10, Nghị định 68/2024 Điều 29): valid at the signing time, and allowed to make
 * signatures (keyUsage digitalSignature or nonRepudiation, when the extension is present).
 * The full path and revocation check is the verifier's and runs before this where online.
 */
export function checkSigningCertificate(certDer: Uint8Array, at: Date): x509.X509Certificate {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(exactBytes(certDer));
  } catch (e) {
    throw new VanthuError("BAD_CERTIFICATE", "Chứng thư số của người ký không đọc được", "signer certificate cannot be parsed", { cause: e });
  }
  if (at < cert.notBefore) {
    throw new VanthuError(
      "CERT_NOT_YET_VALID",
      `Chứng thư số chưa có hiệu lực (từ ${formatDateVietnam(cert.notBefore)}); không được ký`,
      `certificate not valid before ${cert.notBefore.toISOString()}`,
    );
  }
  if (at > cert.notAfter) {
    throw new VanthuError(
      "CERT_EXPIRED",
      `Chứng thư số đã hết hạn ngày ${formatDateVietnam(cert.notAfter)}; không được ký`,
      `certificate expired ${cert.notAfter.toISOString()}`,
    );
  }
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  if (ku && !(ku.usages & (x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation))) {
    throw new VanthuError(
      "CERT_KEY_USAGE",
      "Chứng thư số không được phép dùng để ký văn bản (thiếu mục đích chữ ký số)",
      "certificate key usage allows neither digitalSignature nor nonRepudiation",
    );
  }
  return cert;
}
