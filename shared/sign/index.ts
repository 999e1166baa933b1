import { requestTimestampToken } from "../pki/timestamp-client.ts";
import { completeSignature } from "./complete.ts";
import { prepareSignature } from "./prepare.ts";
import type { SignPdfOptions, SignPdfResult } from "./options.ts";

export type { Signer } from "./signer.ts";
export { WebCryptoSigner } from "./webcrypto-signer.ts";
export * from "./options.ts";
export { prepareSignature, type PreparedSignature } from "./prepare.ts";
export { completeSignature, type CompletionInput } from "./complete.ts";

/**
 * Signs a PDF with one of the five signatures of Điều 13, as a new revision appended to
 * the file: PAdES baseline B-B (ETSI.CAdES.detached, SHA-256, signing-certificate-v2), or
 * B-T when a time-stamp authority is given. The two steps — prepare (no key) and complete
 * (insert the CMS) — are the ones the PWA and the agent use too; this runs them with a
 * Signer in between.
 */
export async function signPdf(input: Uint8Array, options: SignPdfOptions): Promise<SignPdfResult> {
  const crypto = options.crypto ?? globalThis.crypto;
  const { signer, tsaUrl, fetch, ...rest } = options;
  const prepared = await prepareSignature(input, {
    ...rest,
    certificates: await signer.getCertificates(),
    digestAlgorithm: signer.digestAlgorithm,
    signatureAlgorithm: signer.signatureAlgorithm,
    withTimestamp: Boolean(tsaUrl),
  });
  const result = await signer.sign(prepared.signedAttributes);
  const timestampToken = tsaUrl
    ? await requestTimestampToken({ url: tsaUrl, data: result.signature, digestAlgorithm: signer.digestAlgorithm, fetch, crypto })
    : undefined;
  const bytes = completeSignature(prepared, { signature: result.signature, certificates: [result.certificate, ...result.chain], timestampToken });
  return {
    bytes,
    fieldName: prepared.fieldName,
    rect: prepared.rect,
    textBlock: prepared.textBlock,
    pageIndex: prepared.pageIndex,
    signingTime: prepared.signingTime,
  };
}
