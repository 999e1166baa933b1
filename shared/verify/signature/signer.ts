import { derOf } from "../../pki/cms-verify.ts";
import { certificateOf, x509 } from "../../pki/x509.ts";
import { bundledIssuersOf } from "../../trust/index.ts";
import { isoVietnam } from "../../time/index.ts";
import { finding, type SignatureState, type Stage } from "./state.ts";

function nameField(name: x509.Name, oid: string): string | undefined {
  try {
    return name.getField(oid)[0];
  } catch {
    return undefined;
  }
}

export function displayName(c: x509.X509Certificate): string {
  return nameField(c.subjectName, "CN") ?? c.subject;
}

/** Parsed once per process; a certificate the library cannot read is left out. */
export function toX509(der: Uint8Array): x509.X509Certificate | undefined {
  try {
    return certificateOf(der);
  } catch {
    return undefined;
  }
}

/**
 * The certificates to build a path from `leaf` with: the signature's own and the file's (in
 * that order), the bundled sub-CAs among which a path could pass (as if all were listed: path
 * building only takes a certificate named as an issuer), then `extra` (fetched or a timestamp's).
 */
export async function poolWith(s: SignatureState, leaf: x509.X509Certificate, extra: x509.X509Certificate[] = []): Promise<x509.X509Certificate[]> {
  // Before the signer stage (stages run in another order) there is no pool to complete.
  if (!s.ownPool) return [...s.pool, ...extra];
  const bundled = await bundledIssuersOf([leaf, ...s.ownPool, ...extra, ...s.ctx.options.trustAnchors], s.ctx.crypto);
  return [...s.ownPool, ...bundled, ...extra];
}

/** Who signed (from the signer's certificate), its key usage, and the certificates to build the path with. */
export const signer: Stage = async (s) => {
  const { report, sig, ctx, check } = s;
  const leaf = certificateOf(derOf(s.signerCert!));
  s.leaf = leaf;
  report.signer = {
    commonName: displayName(leaf),
    title: nameField(leaf.subjectName, "2.5.4.12"),
    organization: nameField(leaf.subjectName, "O"),
    serialNumber: leaf.serialNumber,
    subject: leaf.subject,
    issuer: leaf.issuer,
    notBefore: isoVietnam(leaf.notBefore),
    notAfter: isoVietnam(leaf.notAfter),
  };
  s.ownPool = [...check!.certificates.map((x) => toX509(derOf(x))).filter((x): x is x509.X509Certificate => !!x), ...ctx.intermediates];
  s.pool = await poolWith(s, leaf);
  // Key usage of the signer: digitalSignature or nonRepudiation (contentCommitment).
  const ku = leaf.getExtension(x509.KeyUsagesExtension);
  if (sig.kind === "signature" && ku && (ku.usages & (x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation)) === 0) {
    return [finding("INDETERMINATE", "CHAIN_CONSTRAINTS_FAILURE", "KEY_USAGE", "the signer's key usage allows neither digitalSignature nor nonRepudiation")];
  }
  return [];
};
