import { requestTimestampToken } from "../pki/timestamp-client.ts";
import { completeAppendedSignature, completeSignature, type CompletionInput } from "./complete.ts";
import { prepareAppendedSignature, prepareSignature, type PreparedAppend } from "./prepare.ts";
import type { PrepareOptions, SignPdfOptions, SignPdfResult } from "./options.ts";
import type { PdfSkeleton } from "../pdf/skeleton.ts";
import type { ByteSource } from "../pdf/source.ts";
import type { IncrementalHash } from "../pki/incremental-hash.ts";

export type { Signer } from "./signer.ts";
export { WebCryptoSigner } from "./webcrypto-signer.ts";
export * from "./options.ts";
export { prepareSignature, prepareAppendedSignature, type PreparedSignature, type PreparedAppend } from "./prepare.ts";
export { completeSignature, completeAppendedSignature, type CompletionInput } from "./complete.ts";

/**
 * Signs a PDF with one of the five signatures of Điều 13, as a new revision appended to
 * the file: PAdES baseline B-B (ETSI.CAdES.detached, SHA-256, signing-certificate-v2), or
 * B-T when a time-stamp authority is given. The two steps — prepare (no key) and complete
 * (insert the CMS) — are the ones the PWA and the agent use too; this runs them with a
 * Signer in between.
 */
export async function signPdf(input: Uint8Array, options: SignPdfOptions): Promise<SignPdfResult> {
  const prepared = await prepareSignature(input, await prepareOptions(options));
  const bytes = completeSignature(prepared, await sign(prepared.signedAttributes, options), { inPlace: true });
  return resultOf(prepared, bytes);
}

/**
 * The same for a file read by position (the CLI): `file` is its skeleton, the source to read
 * it from, and a hash fed with every byte of it (shared/pdf/skeleton.ts reads all three in
 * one pass). Returns the section to append to the file; a 100 MB scan is never held.
 */
export async function signPdfAppend(
  file: { skeleton: PdfSkeleton; source: ByteSource; fileHash: IncrementalHash },
  options: SignPdfOptions,
): Promise<Omit<SignPdfResult, "bytes"> & { section: Uint8Array }> {
  const prepared: PreparedAppend = await prepareAppendedSignature(file, await prepareOptions(options));
  const section = completeAppendedSignature(prepared, await sign(prepared.signedAttributes, options));
  return { ...resultOf(prepared, new Uint8Array(0)), section };
}

async function prepareOptions(options: SignPdfOptions): Promise<PrepareOptions> {
  const { signer, tsaUrl, fetch, ...rest } = options;
  return {
    ...rest,
    certificates: await signer.getCertificates(),
    digestAlgorithm: signer.digestAlgorithm,
    signatureAlgorithm: signer.signatureAlgorithm,
    withTimestamp: Boolean(tsaUrl),
  };
}

async function sign(signedAttributes: Uint8Array, options: SignPdfOptions): Promise<CompletionInput> {
  const { signer, tsaUrl, fetch } = options;
  const result = await signer.sign(signedAttributes);
  const timestampToken = tsaUrl
    ? await requestTimestampToken({
        url: tsaUrl,
        data: result.signature,
        digestAlgorithm: signer.digestAlgorithm,
        fetch,
        crypto: options.crypto ?? globalThis.crypto,
      })
    : undefined;
  return { signature: result.signature, certificates: [result.certificate, ...result.chain], timestampToken };
}

function resultOf(prepared: Omit<PreparedAppend, "section">, bytes: Uint8Array): SignPdfResult {
  return {
    bytes,
    fieldName: prepared.fieldName,
    rect: prepared.rect,
    textBlock: prepared.textBlock,
    pageIndex: prepared.pageIndex,
    signingTime: prepared.signingTime,
  };
}
