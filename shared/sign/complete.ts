import { VanthuError } from "../errors.ts";
import { patchContents } from "../pdf/byte-range.ts";
import { assembleSignedData } from "../pki/cms-build.ts";
import type { PreparedSignature } from "./prepare.ts";

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
export function completeSignature(prepared: PreparedSignature, input: CompletionInput): Uint8Array {
  if (input.certificates.length === 0) throw new VanthuError("NO_CERTIFICATE", "Thiếu chứng thư số của người ký", "no signer certificate to embed");
  const cms = assembleSignedData({
    prepared: prepared.signerInfo,
    signature: input.signature,
    certificates: input.certificates,
    digestAlgorithm: prepared.digestAlgorithm,
    timestampToken: input.timestampToken,
  });
  const out = prepared.bytes.slice();
  patchContents(out, prepared.placeholder, cms);
  return out;
}
