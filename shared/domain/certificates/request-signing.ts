import { foldVietnamese } from "../search-text.ts";
import { currentCustodian, type CustodyEvent } from "./custody.ts";
import { blockingIncident, INCIDENT_LABELS_VI, type TokenIncident } from "./incidents.ts";
import type { CertificateInventoryEntry } from "./inventory.ts";
import type { OfficePerson } from "./people.ts";
import { certificateStatus } from "./status.ts";

/**
 * How the office signs a request letter when a token is gone — never a dead end. After a lost
 * or stolen token (R21) the certificates on it are blocked until revoked, yet the revocation
 * request (Mẫu 05) and the request for a new certificate must still be signed and sent
 * (Quy định Điều 6.2: electronic documents signed digitally, through the QLVB system). The ways,
 * best first:
 *  1. the organisation's certificate, if it is on another token that is still usable, by its keeper;
 *  2. the personal certificate of the head (or a deputy signing KT.) on their own token — the
 *     letter then carries the official's signature; the clerk adds the organisation's only when
 *     one is usable;
 *  3. the paper letter signed by hand and sealed, scanned to PDF and sent as a scan (hình thức
 *     nhận: bản quét), signed digitally by whichever certificate is still usable — or, when none
 *     is, sent as the scan with the paper original delivered to the Sở.
 * Every certificate of the inventory is listed as usable or not, with the reason in plain words.
 */
export interface RequestLetterRoute {
  kind: "organisation" | "personal" | "paper-scan";
  certificate?: CertificateInventoryEntry;
  /** Who signs. */
  signer?: OfficePerson;
  labelVi: string;
}

export interface RequestLetterSigning {
  usable: CertificateInventoryEntry[];
  unusable: { certificate: CertificateInventoryEntry; reasonVi: string }[];
  routes: RequestLetterRoute[];
  /** Plain sentences for the screen: which certificates remain usable, which do not and why, what to do. */
  summaryVi: string[];
}

function unusableReason(c: CertificateInventoryEntry, incidents: readonly TokenIncident[], now: Date | string): string | null {
  const incident = blockingIncident(c.id, incidents);
  if (incident) return `khóa ký do sự cố "${INCIDENT_LABELS_VI[incident.kind]}" cho đến khi được thu hồi`;
  const st = certificateStatus(c, now);
  return st.usable ? null : st.messageVi;
}

function holderOf(c: CertificateInventoryEntry, people: readonly OfficePerson[]): OfficePerson | undefined {
  const fold = (x: string) =>
    foldVietnamese(x)
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      .trim();
  return people.find((p) => (c.holderPersonId ? p.id === c.holderPersonId : fold(p.name) === fold(c.holder)));
}

const onToken = (c: CertificateInventoryEntry) => (c.tokenId ? ` (thiết bị ${c.tokenId})` : "");

export function requestLetterSigning(o: {
  inventory: readonly CertificateInventoryEntry[];
  incidents: readonly TokenIncident[];
  custody: readonly CustodyEvent[];
  people: readonly OfficePerson[];
  now: Date | string;
}): RequestLetterSigning {
  const usable: CertificateInventoryEntry[] = [];
  const unusable: RequestLetterSigning["unusable"] = [];
  for (const c of o.inventory) {
    const why = unusableReason(c, o.incidents, o.now);
    if (why) unusable.push({ certificate: c, reasonVi: why });
    else usable.push(c);
  }
  const routes: RequestLetterRoute[] = [];
  for (const c of usable.filter((x) => x.holderKind === "organisation")) {
    const keeper = currentCustodian(o.custody, c.id, o.now);
    const signer = keeper ? o.people.find((p) => p.id === keeper.keeper.id) : undefined;
    if (signer)
      routes.push({
        kind: "organisation",
        certificate: c,
        signer,
        labelVi: `Ký bằng chứng thư số của cơ quan${onToken(c)}, do ${signer.name} quản lý theo văn bản giao`,
      });
  }
  const rank = (p: OfficePerson) => (p.duties.includes("head") ? 0 : p.duties.includes("deputy") ? 1 : 2);
  const personal = usable
    .filter((x) => x.holderKind === "person")
    .map((c) => ({ c, p: holderOf(c, o.people) }))
    .filter((x): x is { c: CertificateInventoryEntry; p: OfficePerson } => !!x.p && (x.p.duties.includes("head") || x.p.duties.includes("deputy")))
    .sort((a, b) => rank(a.p) - rank(b.p));
  for (const { c, p } of personal) {
    const how = p.duties.includes("head") ? "ký trực tiếp" : "ký thay (KT.) người đứng đầu";
    routes.push({ kind: "personal", certificate: c, signer: p, labelVi: `${p.name} (${p.title ?? "lãnh đạo"}) ${how} bằng chứng thư số cá nhân${onToken(c)}` });
  }
  routes.push({
    kind: "paper-scan",
    labelVi: usable.length
      ? "Hoặc: ký tay, đóng dấu văn bản giấy, quét thành tệp PDF, gửi dưới dạng bản quét có ký số bằng một chứng thư số còn dùng được"
      : "Ký tay, đóng dấu văn bản giấy, quét thành tệp PDF và gửi dưới dạng bản quét; gửi kèm bản giấy đến Sở Khoa học và Công nghệ (không còn chứng thư số nào dùng được)",
  });
  const list = (xs: CertificateInventoryEntry[]) => xs.map((c) => `${c.holder}${onToken(c)}`).join("; ");
  const summaryVi = [
    usable.length ? `Chứng thư số còn dùng được: ${list(usable)}.` : "Không còn chứng thư số nào dùng được.",
    ...(unusable.length ? [`Không dùng được: ${unusable.map((u) => `${u.certificate.holder}${onToken(u.certificate)} — ${u.reasonVi}`).join("; ")}.`] : []),
    `Cách ký văn bản đề nghị: ${routes[0]!.labelVi}.`,
  ];
  return { usable, unusable, routes, summaryVi };
}
