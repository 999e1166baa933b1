import { VanthuError } from "../errors.ts";
import { bodyNameKey, foldVietnamese } from "./search-text.ts";

/**
 * R8 (Quy định Điều 8.4–8.5, 4.3): a certificate is used only for its holder's role and title.
 * An organisation certificate only for the organisation's issuing (R2–R5); a person's only for
 * their own title. Signing on behalf (KT., TL., TUQ.) uses the certificate of the person who
 * actually signs, with that person's own title.
 */
export type SignatureKind = "signer" | "issuer" | "copy" | "attachment" | "appendix";
/** Thẩm quyền ký: ký trực tiếp, ký thay, ký thừa lệnh, ký thừa ủy quyền. */
export type SigningCapacity = "direct" | "KT." | "TL." | "TUQ.";
export const SIGNING_CAPACITIES: readonly SigningCapacity[] = ["direct", "KT.", "TL.", "TUQ."];
/** Who is at the keyboard: văn thư (clerk) or lãnh đạo (signing official). */
export type OfficeRole = "clerk" | "official";
export type HolderKind = "person" | "organisation";

export interface CertificateFacts {
  commonName: string;
  organization?: string;
  /** Chức danh (2.5.4.12) when the certificate carries it. */
  title?: string;
  /** Known from the office's inventory (R19); otherwise guessed from the name. */
  holderKind?: HolderKind;
}

export interface SigningIntent {
  kind: SignatureKind;
  role: OfficeRole;
  /** For kind "signer": the person who actually signs and their own title. */
  signerName?: string;
  signerTitle?: string;
  capacity?: SigningCapacity;
  /** The issuing organisation's name (for organisation signatures). */
  organisationName?: string;
}

export interface RoleProblem {
  code: string;
  messageVi: string;
  messageEn: string;
}

const ORG_WORDS = ["uy ban", "ubnd", "so ", "phong ", "van phong", "hoi dong", "dang uy", "cong an", "truong ", "ban ", "trung tam", "cuc ", "bo "];

/** Organisation certificates name the body in capitals (CN=ỦY BAN NHÂN DÂN XÃ …), without a title. */
export function holderKindOf(c: CertificateFacts): HolderKind {
  if (c.holderKind) return c.holderKind;
  if (c.title && c.title.trim()) return "person";
  const cn = c.commonName.normalize("NFC").trim();
  const folded = foldVietnamese(cn) + " ";
  if (cn === cn.toUpperCase() && /\p{Lu}/u.test(cn) && ORG_WORDS.some((w) => folded.startsWith(w))) return "organisation";
  return "person";
}

/** "UBND phường Hồng Bàng" and "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG" name one body: the abbreviations are spelled out. */
function same(a: string | undefined, b: string | undefined): boolean {
  const n = (s: string | undefined) => bodyNameKey(s ?? "");
  return n(a) !== "" && n(a) === n(b);
}

export function checkCertificateForRole(cert: CertificateFacts, intent: SigningIntent): RoleProblem[] {
  const problems: RoleProblem[] = [];
  const holder = holderKindOf(cert);
  if (intent.kind === "signer") {
    if (intent.role !== "official") {
      problems.push({
        code: "role.clerk-as-official",
        messageVi: "Văn thư không được ký thay chữ ký của người có thẩm quyền.",
        messageEn: "A clerk cannot make the signing official's signature",
      });
    }
    if (holder === "organisation") {
      problems.push({
        code: "role.org-cert-for-person",
        messageVi: "Không được dùng chứng thư số của cơ quan để ký với tư cách cá nhân người có thẩm quyền.",
        messageEn: "An organisation certificate cannot make a person's signature",
      });
    } else {
      if (intent.signerName && !same(cert.commonName, intent.signerName)) {
        problems.push({
          code: "role.other-person",
          messageVi: `Chứng thư số là của ${cert.commonName}, không phải của người ký ${intent.signerName}. Ký thay, ký thừa lệnh phải dùng chứng thư số của chính người ký.`,
          messageEn: `Certificate holder ${cert.commonName} is not the signer ${intent.signerName}`,
        });
      }
      if (cert.title && intent.signerTitle && !same(cert.title, intent.signerTitle)) {
        problems.push({
          code: "role.other-title",
          messageVi: `Chức danh trên chứng thư số (${cert.title}) khác chức danh ký (${intent.signerTitle}).`,
          messageEn: `Certificate title "${cert.title}" differs from the signing title "${intent.signerTitle}"`,
        });
      }
    }
  } else {
    if (intent.role !== "clerk") {
      problems.push({
        code: "role.official-as-org",
        messageVi: "Chữ ký số của cơ quan do văn thư cơ quan thực hiện.",
        messageEn: "The organisation's signature is made by the clerk",
      });
    }
    if (holder === "person") {
      problems.push({
        code: "role.person-cert-for-org",
        messageVi: "Không được dùng chứng thư số cá nhân để ký với tư cách cơ quan, tổ chức.",
        messageEn: "A person's certificate cannot make the organisation's signature",
      });
    } else if (intent.organisationName && !same(cert.commonName, intent.organisationName)) {
      problems.push({
        code: "role.other-organisation",
        messageVi: `Chứng thư số là của ${cert.commonName}, không phải của ${intent.organisationName}.`,
        messageEn: `Organisation certificate of ${cert.commonName}, not ${intent.organisationName}`,
      });
    }
  }
  return problems;
}

export function assertCertificateFitsRole(cert: CertificateFacts, intent: SigningIntent): void {
  const p = checkCertificateForRole(cert, intent)[0];
  if (p) throw new VanthuError(p.code, p.messageVi, p.messageEn);
}

/** The title block above the signature: "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH" (Phụ lục I). */
export function signatureTitleLines(capacity: SigningCapacity, principalTitle: string, signerTitle: string): string[] {
  if (capacity === "direct") return [signerTitle.toLocaleUpperCase("vi")];
  return [`${capacity} ${principalTitle.toLocaleUpperCase("vi")}`, signerTitle.toLocaleUpperCase("vi")];
}
