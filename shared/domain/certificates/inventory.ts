import { x509 } from "../../pki/x509.ts";
import { VanthuError } from "../../errors.ts";
import { exactBytes } from "../../bytes.ts";
import { holderKindOf, type HolderKind } from "../roles.ts";
import { certificateStatus, DEFAULT_EXPIRY_THRESHOLDS, type CertificateStatusReport, type CertificateValidity, type ExpiryThresholds } from "./status.ts";

/**
 * The office's inventory of certificates and tokens (R19): holder, title, organisation, serial,
 * validity, status, and the token (thiết bị lưu khóa bí mật) the key lives on. An entry is read
 * from the token through the agent, or from a certificate file entered by hand.
 */
export interface TokenInfo {
  /** Stable id in the office: the token's serial when known. */
  id: string;
  label?: string;
  serial?: string;
  model?: string;
  manufacturer?: string;
}

export interface CertificateInventoryEntry extends CertificateValidity {
  /** SHA-256 of the certificate's DER, hex: the same certificate is never entered twice. */
  id: string;
  officeId: string;
  holderKind: HolderKind;
  /** CN: the person's name, or the organisation's name in capitals. */
  holder: string;
  /** Chức danh: from the certificate's title attribute (2.5.4.12) when present, else as the office recorded it. */
  title?: string;
  /** O / OU of the subject. */
  organisation?: string;
  email?: string;
  /** Hex, upper case, as the CA prints it. */
  serialNumber: string;
  issuer: string;
  /** The token the private key lives on. */
  tokenId?: string;
  /** For a person's certificate: the account of its holder in the office. */
  holderPersonId?: string;
  source: "token" | "file";
  /** The certificate, DER in base64. */
  certificateBase64: string;
  addedAt: string;
  /**
   * Renewals the Sở answered (Mẫu 04, at most 3 years, Nghị định 68/2024 Điều 9): notAfter then
   * holds the new expiry; the certificate above is the one first read until the renewed one is loaded.
   */
  renewals?: { requestId: string; previousNotAfter: string; newNotAfter: string; newSerialNumber?: string; answeredAt: string }[];
}

function field(name: x509.Name, oid: string): string | undefined {
  try {
    return name.getField(oid)[0];
  } catch {
    return undefined;
  }
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Accepts DER or PEM bytes (a .cer/.crt file as people have them). */
function parseCertificate(bytes: Uint8Array): x509.X509Certificate {
  try {
    const head = new TextDecoder().decode(bytes.subarray(0, 64));
    if (head.includes("-----BEGIN")) return new x509.X509Certificate(new TextDecoder().decode(bytes));
    return new x509.X509Certificate(exactBytes(bytes));
  } catch (e) {
    throw new VanthuError("certificate.unreadable", "Tệp không phải là chứng thư số (X.509, DER hoặc PEM).", "Not an X.509 certificate (DER or PEM)", {
      cause: e,
    });
  }
}

export interface InventoryEntryOptions {
  officeId: string;
  source: "token" | "file";
  tokenId?: string;
  /** The office's record of the holder's title when the certificate has none. */
  title?: string;
  holderKind?: HolderKind;
  holderPersonId?: string;
  addedAt: string;
  crypto?: Crypto;
}

export async function inventoryEntryFromCertificate(bytes: Uint8Array, o: InventoryEntryOptions): Promise<CertificateInventoryEntry> {
  const cert = parseCertificate(bytes);
  const der = new Uint8Array(cert.rawData);
  const digest = await (o.crypto ?? globalThis.crypto).subtle.digest("SHA-256", der);
  const id = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const subject = cert.subjectName;
  const holder = field(subject, "2.5.4.3") ?? cert.subject;
  const title = field(subject, "2.5.4.12") ?? o.title;
  const ou = field(subject, "2.5.4.11");
  const org = field(subject, "2.5.4.10");
  const organisation = [ou, org].filter(Boolean).join(", ") || undefined;
  const email = field(subject, "1.2.840.113549.1.9.1");
  return {
    id,
    officeId: o.officeId,
    holderKind: holderKindOf({ commonName: holder, title, organization: org, holderKind: o.holderKind }),
    holder,
    title,
    organisation,
    email,
    serialNumber: cert.serialNumber.toUpperCase(),
    issuer: field(cert.issuerName, "2.5.4.3") ?? cert.issuer,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    tokenId: o.tokenId,
    holderPersonId: o.holderPersonId,
    source: o.source,
    certificateBase64: toBase64(der),
    addedAt: o.addedAt,
  };
}

/** Adds an entry, refusing the same certificate twice (pure). */
export function addToInventory(inventory: readonly CertificateInventoryEntry[], entry: CertificateInventoryEntry): CertificateInventoryEntry[] {
  if (inventory.some((e) => e.id === entry.id)) {
    throw new VanthuError(
      "certificate.duplicate",
      `Chứng thư số ${entry.serialNumber} (${entry.holder}) đã có trong danh mục.`,
      `Certificate ${entry.serialNumber} is already in the inventory`,
    );
  }
  return [...inventory, entry];
}

export interface ExpiryWarning {
  entry: CertificateInventoryEntry;
  status: CertificateStatusReport;
}

/** The dashboard's warnings: certificates expiring within the thresholds or already expired, soonest first. */
export function expiryWarnings(
  inventory: readonly CertificateInventoryEntry[],
  now: Date | string,
  thresholds: ExpiryThresholds = DEFAULT_EXPIRY_THRESHOLDS,
): ExpiryWarning[] {
  return inventory
    .map((entry) => ({ entry, status: certificateStatus(entry, now, thresholds) }))
    .filter((w) => w.status.status === "expiring" || w.status.status === "expired")
    .sort((a, b) => a.entry.notAfter.localeCompare(b.entry.notAfter));
}
