import { x509 } from "../pki/x509.ts";
import { nameText, normaliseNameText } from "../pki/path.ts";
import { VGCA_ROOT_G2_PEM, VGCA_ROOT_G2_SHA256 } from "./vgca-root-g2.ts";
import * as g1 from "./vgca-g1.ts";
import { VanthuError } from "../errors.ts";

/**
 * The bundled trust store of the government's official-service PKI (gốc tin cậy and the CA
 * certificates below them), as data that the browser build imports too. Both generations are
 * in use: G2 (2018–2048) and G1 (2010–2030, CA certificates signed with SHA-1; most tokens in
 * use are still G1). An office replaces or extends them by configuration
 * (`vanthu verify --trust PEM_OR_DIR`).
 */
export interface BundledCertificate {
  name: string;
  pem: string;
  /** Pinned SHA-256 of the DER, upper-case hex. */
  sha256: string;
  /** A trust anchor, or a CA certificate that completes paths (signing tools often embed only the signer's certificate). */
  role: "anchor" | "intermediate";
  generation: "G1" | "G2";
  /**
   * The subject and issuer names as the certificate holds them (written as @peculiar/x509's
   * Name.toString(), checked against the certificate by a test): the verifier looks a
   * certificate's issuer up among them before parsing any (bundledIssuersOf).
   */
  subject: string;
  issuer: string;
}
/** Kept for callers written before the store held intermediates. */
export type BundledAnchor = BundledCertificate;

const b = (
  name: string,
  pem: string,
  sha256: string,
  role: BundledCertificate["role"],
  generation: BundledCertificate["generation"],
  subject: string,
  issuer: string,
): BundledCertificate => ({ name, pem, sha256, role, generation, subject, issuer });

const G2_ROOT = "C=VN, O=Ban Cơ yếu Chính phủ, CN=RootCA chuyên dùng Chính phủ G2";
const G1_ROOT = "C=VN, O=Ban Co yeu Chinh phu, CN=Co quan chung thuc so chuyen dung Chinh phu (RootCA)";

export const BUNDLED_CERTIFICATES: readonly BundledCertificate[] = [
  b("RootCA chuyên dùng Chính phủ G2", VGCA_ROOT_G2_PEM, VGCA_ROOT_G2_SHA256, "anchor", "G2", G2_ROOT, G2_ROOT),
  b("Cơ quan chứng thực số chuyên dùng Chính phủ (RootCA) G1", g1.VGCA_ROOT_G1_PEM, g1.VGCA_ROOT_G1_SHA256, "anchor", "G1", G1_ROOT, G1_ROOT),
  b(
    "Cơ quan chứng thực số Chính phủ (G1)",
    g1.VGCA_G1_CHINH_PHU_PEM,
    g1.VGCA_G1_CHINH_PHU_SHA256,
    "intermediate",
    "G1",
    "C=VN, O=Ban Co yeu Chinh phu, CN=Co quan chung thuc so Chinh phu",
    G1_ROOT,
  ),
  b(
    "Cơ quan chứng thực số Đảng Cộng sản (G1)",
    g1.VGCA_G1_DANG_CONG_SAN_PEM,
    g1.VGCA_G1_DANG_CONG_SAN_SHA256,
    "intermediate",
    "G1",
    "C=VN, O=Ban Co yeu Chinh phu, CN=Co quan chung thuc so Dang Cong san",
    G1_ROOT,
  ),
  b(
    "Cơ quan chứng thực số Bộ Công an (G1)",
    g1.VGCA_G1_BO_CONG_AN_PEM,
    g1.VGCA_G1_BO_CONG_AN_SHA256,
    "intermediate",
    "G1",
    "C=VN, O=Ban Co yeu Chinh phu, CN=Co quan chung thuc so Bo Cong an",
    G1_ROOT,
  ),
  b(
    "Cơ quan chứng thực số Bộ Tài chính (G1)",
    g1.VGCA_G1_BO_TAI_CHINH_PEM,
    g1.VGCA_G1_BO_TAI_CHINH_SHA256,
    "intermediate",
    "G1",
    "C=VN, O=Ban Co yeu Chinh phu, CN=Co quan chung thuc so Bo Tai chinh",
    G1_ROOT,
  ),
  b(
    "Cơ quan chứng thực số Bộ Ngoại giao (G1)",
    g1.VGCA_G1_BO_NGOAI_GIAO_PEM,
    g1.VGCA_G1_BO_NGOAI_GIAO_SHA256,
    "intermediate",
    "G1",
    "C=VN, O=Ban Cơ yếu Chính phủ, CN=Cơ quan chứng thực số Bộ Ngoại giao",
    G1_ROOT,
  ),
];

export const BUNDLED_ANCHORS: readonly BundledCertificate[] = BUNDLED_CERTIFICATES.filter((c) => c.role === "anchor");
export const BUNDLED_INTERMEDIATES: readonly BundledCertificate[] = BUNDLED_CERTIFICATES.filter((c) => c.role === "intermediate");

export function hex(b: ArrayBuffer | Uint8Array): string {
  return [...new Uint8Array(b)]
    .map((x) => x.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase();
}

function pemDer(pem: string): Uint8Array {
  const b64 = pem.replace(/-----[^-]+-----|\s/g, "");
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Every certificate in a PEM text (several BEGIN CERTIFICATE blocks) or a single DER. */
export function parseCertificates(data: Uint8Array | string): x509.X509Certificate[] {
  const text = typeof data === "string" ? data : new TextDecoder("latin1").decode(data.subarray(0, Math.min(data.length, 1 << 22)));
  if (text.includes("-----BEGIN CERTIFICATE-----")) {
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    return blocks.map((b) => new x509.X509Certificate(b));
  }
  if (typeof data === "string") return [];
  return [new x509.X509Certificate(data.slice())];
}

// Parsed once per process; the pin is checked at every load (a hash of a few KB).
const parsed = new Map<string, x509.X509Certificate>();

async function load(list: readonly BundledCertificate[], crypto: Crypto): Promise<x509.X509Certificate[]> {
  const out: x509.X509Certificate[] = [];
  for (const a of list) {
    let cert = parsed.get(a.pem);
    if (!cert) parsed.set(a.pem, (cert = new x509.X509Certificate(a.pem)));
    const fp = hex(await crypto.subtle.digest("SHA-256", cert.rawData));
    if (fp !== a.sha256)
      throw new VanthuError(
        "TRUST_PIN_MISMATCH",
        `Chứng thư gốc "${a.name}" không khớp dấu vân tay đã ghim`,
        `bundled certificate ${a.name} has SHA-256 ${fp}, pinned ${a.sha256}`,
      );
    out.push(cert);
  }
  return out;
}

/** The bundled anchors (G2 and G1 roots), each checked against its pinned fingerprint (a swapped file is refused). */
export function bundledTrustAnchors(crypto: Crypto = globalThis.crypto): Promise<x509.X509Certificate[]> {
  return load(BUNDLED_ANCHORS, crypto);
}

/** The bundled CA certificates below the anchors (the five G1 sub-CAs), pin-checked, to complete paths. */
export function bundledIntermediates(crypto: Crypto = globalThis.crypto): Promise<x509.X509Certificate[]> {
  return load(BUNDLED_INTERMEDIATES, crypto);
}

/**
 * The bundled CA certificates (below the anchors) that a certification path from `certs` could
 * pass through, pin-checked: those named as the issuer of one of `certs`, or of one so found.
 * Path building looks issuers up by name only (sameName), so the others could never be in a
 * path; this spares parsing them for documents of other CAs. `certs` are the leaf, every
 * certificate of the pool and the anchors.
 */
export async function bundledIssuersOf(certs: readonly x509.X509Certificate[], crypto: Crypto = globalThis.crypto): Promise<x509.X509Certificate[]> {
  const wanted = new Set(certs.map((c) => nameText(c.issuerName)));
  const chosen = new Set<BundledCertificate>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const b of BUNDLED_INTERMEDIATES) {
      if (chosen.has(b) || !wanted.has(normaliseNameText(b.subject))) continue;
      chosen.add(b);
      wanted.add(normaliseNameText(b.issuer));
      grew = true;
    }
  }
  return chosen.size === 0
    ? []
    : load(
        BUNDLED_INTERMEDIATES.filter((b) => chosen.has(b)),
        crypto,
      );
}

/** Anchors and intermediates together: what a verifier or the pre-signing check needs. */
export async function bundledTrustStore(
  crypto: Crypto = globalThis.crypto,
): Promise<{ anchors: x509.X509Certificate[]; intermediates: x509.X509Certificate[] }> {
  return { anchors: await bundledTrustAnchors(crypto), intermediates: await bundledIntermediates(crypto) };
}

let knownDers: { entry: BundledCertificate; der: Uint8Array }[] | undefined;

/**
 * The bundled entry when `cert` is byte for byte one of the government CA certificates of
 * the store; the verifier accepts SHA-1 signatures on these (a known government root) and
 * says so in a note, while judging every other SHA-1 signature on its merits.
 */
export function knownGovernmentCa(cert: x509.X509Certificate): BundledCertificate | undefined {
  knownDers ??= BUNDLED_CERTIFICATES.map((entry) => ({ entry, der: pemDer(entry.pem) }));
  const raw = new Uint8Array(cert.rawData);
  for (const k of knownDers) {
    if (k.der.length === raw.length && k.der.every((x, i) => x === raw[i])) return k.entry;
  }
  return undefined;
}
