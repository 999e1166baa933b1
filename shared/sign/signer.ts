/**
 * The boundary between the signing engine and whatever holds the private key: a USB token
 * through PKCS#11 (the agent), or an in-memory WebCrypto key (tests and demos).
 *
 * The engine builds the CMS signed attributes; the Signer signs their DER encoding
 * (the SET OF Attribute, tag 0x31) and returns the raw signature value.
 */
export type SignatureAlgorithmName = "RSASSA-PKCS1-v1_5" | "RSA-PSS" | "ECDSA";
export type DigestAlgorithmName = "SHA-256" | "SHA-384" | "SHA-512";

export interface SignerCertificates {
  /** The signer's certificate, DER. */
  certificate: Uint8Array;
  /** Issuer certificates, nearest first (may be empty; the verifier can find them elsewhere). */
  chain: Uint8Array[];
}

export interface SignatureResult extends SignerCertificates {
  /** Raw signature: PKCS#1 v1.5 / PSS bytes for RSA, DER SEQUENCE{r,s} for ECDSA. */
  signature: Uint8Array;
}

export interface Signer {
  readonly signatureAlgorithm: SignatureAlgorithmName;
  readonly digestAlgorithm: DigestAlgorithmName;
  /** A short label shown to people, e.g. the token's label, or "khóa thử" for a demo key. */
  readonly label: string;
  /** True for keys that must never be taken for a real official signature. */
  readonly isDemo: boolean;
  /** Known before signing: needed for signing-certificate-v2 and for checking the certificate first (R10). */
  getCertificates(): Promise<SignerCertificates>;
  /** Signs the DER of the signed attributes. */
  sign(signedAttributesDer: Uint8Array): Promise<SignatureResult>;
}
