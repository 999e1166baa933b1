import { VanthuError } from "../errors.ts";
import { patchContents } from "../pdf/byte-range.ts";
import { assembleSignedData } from "../pki/cms-build.ts";
import type { PreparedAppend, PreparedSignature } from "./prepare.ts";

export interface CompletionInput {
  /** The raw signature value over `prepared.signedAttributes`. */
  signature: Uint8Array;
  /** Signer's certificate first, then its chain (DER). */
  certificates: Uint8Array[];
  /** RFC 3161 token over the signature value (PAdES B-T). */
  timestampToken?: Uint8Array;
}

/**
 * The second step of signing: the CMS (signer info, certificates, optional time-stamp) into
 * the reserved /Contents of the prepared revision. Only the bytes between the byte ranges
 * change, so what was prepared — and shown to the person — is exactly what ends signed.
 */
export function completeSignature(prepared: PreparedSignature, input: CompletionInput, o: { inPlace?: boolean } = {}): Uint8Array {
  // In place (signPdf, which owns the prepared revision): a 100 MB file is not copied once more.
  const out = o.inPlace ? prepared.bytes : prepared.bytes.slice();
  if (o.inPlace) out.fill(0x30, prepared.placeholder.contentsStart + 1, prepared.placeholder.contentsEnd);
  patchContents(out, prepared.placeholder, cmsOf(prepared, input));
  return out;
}

/** The same for a signature prepared by position: the section to append to the file, CMS in place. */
export function completeAppendedSignature(prepared: PreparedAppend, input: CompletionInput): Uint8Array {
  const out = prepared.section.slice();
  const n = prepared.originalLength;
  const p = prepared.placeholder;
  patchContents(
    out,
    { byteRangeStart: p.byteRangeStart - n, byteRangeEnd: p.byteRangeEnd - n, contentsStart: p.contentsStart - n, contentsEnd: p.contentsEnd - n },
    cmsOf(prepared, input),
  );
  return out;
}

function cmsOf(prepared: Omit<PreparedSignature, "bytes">, input: CompletionInput): Uint8Array {
  if (input.certificates.length === 0) throw new VanthuError("NO_CERTIFICATE", "Thiếu chứng thư số của người ký", "no signer certificate to embed");
  return assembleSignedData({
    prepared: prepared.signerInfo,
    signature: input.signature,
    certificates: input.certificates,
    digestAlgorithm: prepared.digestAlgorithm,
    timestampToken: input.timestampToken,
  });
}
