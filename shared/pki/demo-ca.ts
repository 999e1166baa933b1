import { x509 } from "./x509.ts";
import { exactBytes } from "../bytes.ts";

/**
 * A certification authority that the project generates for demos and tests. Every name it
 * issues carries the label below, so that nobody mistakes it for the government PKI.
 */
export const DEMO_LABEL = "CHỈ DÙNG THỬ — không có giá trị pháp lý";

const RSA_SHA256: RsaHashedKeyGenParams = {
  name: "RSASSA-PKCS1-v1_5",
  hash: "SHA-256",
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

export interface IssuedIdentity {
  certificate: x509.X509Certificate;
  keys: CryptoKeyPair;
  /** The chain from the subject's issuer up to the root, DER. */
  chain: Uint8Array[];
}

export interface IssueOptions {
  /** Common name: a person's full name, or the organisation's name in capitals. */
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  /** Chức danh (X.520 title, 2.5.4.12). */
  title?: string;
  locality?: string;
  email?: string;
  notBefore?: Date;
  notAfter?: Date;
  keyUsages?: number;
  extendedKeyUsages?: string[];
  /** RFC 3161 requires a time-stamping unit's EKU to be critical. */
  extendedKeyUsageCritical?: boolean;
  ca?: boolean;
  pathLength?: number;
  modulusLength?: number;
  crlUrl?: string;
  serialNumber?: string;
}

let serialCounter = 1;
function nextSerial(): string {
  const hex = (Date.now().toString(16) + (serialCounter++).toString(16).padStart(4, "0")).slice(-16);
  return "01" + hex;
}

function escapeDn(v: string): string {
  return v.replace(/([,+"\\<>;=])/g, "\\$1");
}

export function distinguishedName(o: IssueOptions): string {
  const parts = ["C=VN"];
  if (o.locality) parts.push(`L=${escapeDn(o.locality)}`);
  if (o.organization) parts.push(`O=${escapeDn(o.organization)}`);
  if (o.organizationalUnit) parts.push(`OU=${escapeDn(o.organizationalUnit)}`);
  if (o.title) parts.push(`T=${escapeDn(o.title)}`);
  parts.push(`CN=${escapeDn(o.commonName)}`);
  if (o.email) parts.push(`E=${escapeDn(o.email)}`);
  return parts.join(", ");
}

/** A CA with its own key that issues certificates and CRLs. */
export class DemoCertificationAuthority {
  private constructor(
    readonly certificate: x509.X509Certificate,
    readonly keys: CryptoKeyPair,
    readonly chain: Uint8Array[],
    private readonly crypto: Crypto,
  ) {}

  static async create(options: Partial<IssueOptions> = {}, crypto: Crypto = globalThis.crypto): Promise<DemoCertificationAuthority> {
    x509.cryptoProvider.set(crypto);
    const keys = (await crypto.subtle.generateKey({ ...RSA_SHA256, modulusLength: options.modulusLength ?? 2048 }, true, ["sign", "verify"])) as CryptoKeyPair;
    const name = distinguishedName({
      commonName: options.commonName ?? `Demo Root CA — ${DEMO_LABEL}`,
      organization: options.organization ?? "Văn thư số (demo)",
      ...options,
    });
    const notBefore = options.notBefore ?? new Date(Date.now() - 24 * 3600e3);
    const notAfter = options.notAfter ?? new Date(Date.now() + 20 * 365 * 24 * 3600e3);
    const certificate = await x509.X509CertificateGenerator.createSelfSigned(
      {
        serialNumber: options.serialNumber ?? nextSerial(),
        name,
        notBefore,
        notAfter,
        keys,
        signingAlgorithm: RSA_SHA256,
        extensions: [
          new x509.BasicConstraintsExtension(true, options.pathLength, true),
          new x509.KeyUsagesExtension(options.keyUsages ?? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        ],
      },
      crypto,
    );
    return new DemoCertificationAuthority(certificate, keys, [new Uint8Array(certificate.rawData)], crypto);
  }

  /** The CA's private key as PKCS#8 DER, to keep a demo CA across restarts (it is a demo: never a real CA). */
  async exportPrivateKey(): Promise<Uint8Array> {
    return new Uint8Array(await this.crypto.subtle.exportKey("pkcs8", this.keys.privateKey));
  }

  /** A CA saved with `exportPrivateKey()` and its certificate. */
  static async load(certificateDer: Uint8Array, pkcs8: Uint8Array, crypto: Crypto = globalThis.crypto): Promise<DemoCertificationAuthority> {
    x509.cryptoProvider.set(crypto);
    const certificate = new x509.X509Certificate(exactBytes(certificateDer));
    const privateKey = await crypto.subtle.importKey("pkcs8", exactBytes(pkcs8), RSA_SHA256, true, ["sign"]);
    const publicKey = await certificate.publicKey.export(RSA_SHA256, ["verify"], crypto);
    return new DemoCertificationAuthority(certificate, { privateKey, publicKey }, [new Uint8Array(certificate.rawData)], crypto);
  }

  /** Issues a certificate: an end entity by default (digitalSignature + nonRepudiation), or a sub-CA. */
  async issue(options: IssueOptions): Promise<IssuedIdentity> {
    x509.cryptoProvider.set(this.crypto);
    const keys = (await this.crypto.subtle.generateKey({ ...RSA_SHA256, modulusLength: options.modulusLength ?? 2048 }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const certificate = await this.issueFor(keys.publicKey, options);
    return { certificate, keys, chain: this.chain };
  }

  async issueFor(publicKey: CryptoKey, options: IssueOptions): Promise<x509.X509Certificate> {
    const ca = options.ca ?? false;
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(ca, ca ? options.pathLength : undefined, true),
      new x509.KeyUsagesExtension(
        options.keyUsages ??
          (ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation),
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(publicKey, false, this.crypto),
      await x509.AuthorityKeyIdentifierExtension.create(this.keys.publicKey, false, this.crypto),
    ];
    if (options.extendedKeyUsages) extensions.push(new x509.ExtendedKeyUsageExtension(options.extendedKeyUsages, options.extendedKeyUsageCritical ?? false));
    if (options.crlUrl) extensions.push(new x509.CRLDistributionPointsExtension([options.crlUrl]));
    return x509.X509CertificateGenerator.create(
      {
        serialNumber: options.serialNumber ?? nextSerial(),
        subject: distinguishedName(options),
        issuer: this.certificate.subject,
        notBefore: options.notBefore ?? new Date(Date.now() - 3600e3),
        notAfter: options.notAfter ?? new Date(Date.now() + 2 * 365 * 24 * 3600e3),
        publicKey,
        signingKey: this.keys.privateKey,
        signingAlgorithm: RSA_SHA256,
        extensions,
      },
      this.crypto,
    );
  }

  /** Issues a subordinate CA that can itself issue. */
  async issueSubordinate(options: Omit<IssueOptions, "ca">): Promise<DemoCertificationAuthority> {
    const { certificate, keys } = await this.issue({ ...options, ca: true });
    return new DemoCertificationAuthority(certificate, keys, [new Uint8Array(certificate.rawData), ...this.chain], this.crypto);
  }

  /** A CRL listing the given serial numbers (hex) as revoked at the given times. */
  async crl(
    revoked: { serialNumber: string; revocationDate: Date; reason?: x509.X509CrlReason }[],
    thisUpdate = new Date(),
    nextUpdate = new Date(Date.now() + 7 * 24 * 3600e3),
  ): Promise<x509.X509Crl> {
    x509.cryptoProvider.set(this.crypto);
    return x509.X509CrlGenerator.create(
      {
        issuer: this.certificate.subject,
        thisUpdate,
        nextUpdate,
        entries: revoked.map((r) => ({ serialNumber: r.serialNumber, revocationDate: r.revocationDate, reason: r.reason ?? x509.X509CrlReason.keyCompromise })),
        signingKey: this.keys.privateKey,
        signingAlgorithm: RSA_SHA256,
        extensions: [await x509.AuthorityKeyIdentifierExtension.create(this.keys.publicKey, false, this.crypto)],
      },
      this.crypto,
    );
  }
}
