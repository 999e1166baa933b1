/**
 * What the agent says about a certificate, and the check it makes before asking for the PIN
 * (R10, Nghị định 68/2024 Điều 29/31: valid at the signing time, used within its scope).
 * Revocation is checked by the PWA and the CLI, which fetch CRLs; the agent works offline.
 */
import { VanthuError } from "../../shared/errors.ts";
import { x509 } from "../../shared/pki/x509.ts";
import { DEMO_LABEL } from "../../shared/pki/demo-ca.ts";
import { checkSigningCertificate as checkEngineRules } from "../../shared/sign/certificate-check.ts";
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

/** The signing engine's own check (shared/sign/certificate-check.ts), and no CA certificate either. */
export function checkSigningCertificate(der: Uint8Array, now: Date): VanthuError | undefined {
  let cert: x509.X509Certificate;
  try {
    cert = checkEngineRules(der, now);
  } catch (e) {
    if (e instanceof VanthuError) return e;
    throw e;
  }
  if (cert.getExtension(x509.BasicConstraintsExtension)?.ca) {
    return new VanthuError(
      "CERT_KEY_USAGE",
      "Đây là chứng thư số của tổ chức cấp chứng thư (CA), không dùng để ký văn bản.",
      "a CA certificate cannot sign documents",
    );
  }
  return undefined;
}

export function toAgentError(e: unknown): AgentError {
  if (e instanceof VanthuError) {
    const pinTries = (e as { pinTries?: AgentError["pinTries"] }).pinTries;
    return { code: e.code, messageVi: e.messageVi, messageEn: e.message, ...(pinTries ? { pinTries } : {}) };
  }
  return {
    code: "agent.internal",
    messageVi: "Lỗi không mong đợi trong chương trình ký số; không có gì bị thay đổi.",
    messageEn: e instanceof Error ? e.message.split("\n")[0]! : String(e),
  };
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
