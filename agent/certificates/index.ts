/**
 * What the agent says about a certificate, and the check it makes before asking for the PIN
 * (R10, Nghị định 68/2024 Điều 29/31: valid at the signing time, used within its scope).
 * Revocation is checked by the PWA and the CLI, which fetch CRLs; the agent works offline.
 */
import { VanthuError } from "../../shared/errors.ts";
import { x509 } from "../../shared/pki/x509.ts";
import { DEMO_LABEL } from "../../shared/pki/demo-ca.ts";
import type { AgentError, CertificateInfo } from "../../shared/agent-protocol/index.ts";
import type { TokenCertificate } from "../pkcs11/index.ts";

const b64 = (u: Uint8Array) => Buffer.from(u).toString("base64");

/** dd/mm/yyyy in Vietnam time, as people read dates. */
export function formatDateVi(d: Date): string {
  const v = new Date(d.getTime() + 7 * 3600e3);
  return `${String(v.getUTCDate()).padStart(2, "0")}/${String(v.getUTCMonth() + 1).padStart(2, "0")}/${v.getUTCFullYear()}`;
}

/** ISO 8601 with the +07:00 offset. */
export function isoVietnam(d: Date): string {
  const v = new Date(d.getTime() + 7 * 3600e3);
  return v.toISOString().replace(/\.\d{3}Z$/, "+07:00");
}

export function checkSigningCertificate(der: Uint8Array, now: Date): VanthuError | undefined {
  const cert = new x509.X509Certificate(new Uint8Array(der));
  if (now < cert.notBefore) {
    return new VanthuError(
      "certificate.not-yet-valid",
      `Chứng thư số chưa có hiệu lực (từ ${formatDateVi(cert.notBefore)}): không được ký.`,
      `certificate not valid before ${cert.notBefore.toISOString()}`,
    );
  }
  if (now > cert.notAfter) {
    return new VanthuError(
      "certificate.expired",
      `Chứng thư số đã hết hạn ngày ${formatDateVi(cert.notAfter)}: không được ký. Hãy đề nghị gia hạn hoặc cấp mới (Mẫu số 04 hoặc 01/02, Nghị định 68/2024/NĐ-CP).`,
      `certificate expired on ${cert.notAfter.toISOString()}`,
    );
  }
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  if (ku && !(ku.usages & (x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation))) {
    return new VanthuError(
      "certificate.key-usage",
      "Chứng thư số này không dùng để ký (thiếu mục đích digitalSignature/nonRepudiation).",
      "certificate key usage allows neither digitalSignature nor nonRepudiation",
    );
  }
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  if (bc?.ca) {
    return new VanthuError("certificate.key-usage", "Đây là chứng thư số của tổ chức cấp chứng thư (CA), không dùng để ký văn bản.", "CA certificate cannot sign documents");
  }
  return undefined;
}

export function toAgentError(e: unknown): AgentError {
  if (e instanceof VanthuError) {
    const pinTries = (e as { pinTries?: AgentError["pinTries"] }).pinTries;
    return { code: e.code, messageVi: e.messageVi, messageEn: e.message, ...(pinTries ? { pinTries } : {}) };
  }
  return { code: "agent.internal", messageVi: "Lỗi không mong đợi trong chương trình ký số; không có gì bị thay đổi.", messageEn: e instanceof Error ? e.message.split("\n")[0]! : String(e) };
}

export function describeCertificate(tc: TokenCertificate, now: Date, isDemoToken = false): CertificateInfo {
  const cert = new x509.X509Certificate(new Uint8Array(tc.certificate));
  const field = (f: string) => cert.subjectName.getField(f)[0];
  const problem = checkSigningCertificate(tc.certificate, now);
  const isDemo = isDemoToken || Buffer.from(tc.certificate).includes(Buffer.from(DEMO_LABEL, "utf8"));
  const algName = cert.publicKey.algorithm.name;
  return {
    id: tc.id,
    subject: cert.subject,
    commonName: field("CN") ?? cert.subject,
    ...(field("2.5.4.12") ? { title: field("2.5.4.12")! } : {}),
    ...(field("O") ? { organization: field("O")! } : {}),
    issuer: cert.issuer,
    serialNumber: cert.serialNumber,
    notBefore: isoVietnam(cert.notBefore),
    notAfter: isoVietnam(cert.notAfter),
    keyAlgorithm: algName === "ECDSA" || algName === "ECDH" ? "EC" : "RSA",
    tokenLabel: tc.tokenLabel,
    ...(tc.keyLabel ? { keyLabel: tc.keyLabel } : {}),
    certificate: b64(tc.certificate),
    chain: tc.chain.map(b64),
    isDemo,
    usable: problem === undefined,
    ...(problem ? { unusableReason: toAgentError(problem) } : {}),
  };
}
