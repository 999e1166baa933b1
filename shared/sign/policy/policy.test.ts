/**
 * The signing policy over a real two-level demo PKI, real CRLs and real PDFs: each rule
 * refuses what it must, and the matching official's own unmarked document passes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { PDFDocument } from "pdf-lib";
import fontkit from "@pdf-lib/fontkit";
import { x509 } from "../../pki/x509.ts";
import { officialDocumentPdf, TINOS } from "../../../test/support/documents.ts";
import { testIdentities, type TestIdentities } from "../../../test/support/identities.ts";
import { checkSigningPolicy, type SigningPolicyInput, type TrustContext } from "./index.ts";
import type { IssuedIdentity } from "../../pki/demo-ca.ts";
import type { CertificateInventoryEntry } from "../../domain/certificates/inventory.ts";

let ids: TestIdentities;
let chairman: IssuedIdentity;
let revoked: IssuedIdentity;
let trust: TrustContext;
let doc: Uint8Array;
let chairDoc: Uint8Array;

const der = (c: x509.X509Certificate) => new Uint8Array(c.rawData);
const input = (id: IssuedIdentity, o: Partial<SigningPolicyInput> = {}): SigningPolicyInput => ({
  kind: "signer",
  document: doc,
  certificate: der(id.certificate),
  chain: id.chain,
  trust,
  ...o,
});
const codes = async (i: SigningPolicyInput) => (await checkSigningPolicy(i)).refusals.map((r) => r.code);

async function markedPdf(mark: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.load(await officialDocumentPdf());
  pdf.registerFontkit(fontkit);
  const font = await pdf.embedFont(TINOS, { subset: true });
  pdf.getPage(0).drawText(mark, { x: 90, y: 718, size: 13, font });
  return pdf.save({ useObjectStreams: false });
}

beforeAll(async () => {
  ids = await testIdentities();
  const validity = { notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date(Date.now() + 365 * 86400e3) };
  chairman = await ids.ca.issue({ commonName: "Trần Thị Bình", title: "Chủ tịch", organization: "UBND phường Hồng Bàng", ...validity });
  revoked = await ids.ca.issue({ commonName: "Nguyễn Văn An", title: "Phó Chủ tịch", organization: "UBND phường Hồng Bàng", ...validity });
  const crl = await ids.ca.crl([{ serialNumber: revoked.certificate.serialNumber, revocationDate: new Date(Date.now() - 86400e3) }]);
  trust = { anchors: [ids.root.certificate], crls: [new Uint8Array(crl.rawData)] };
  doc = await officialDocumentPdf();
  chairDoc = await officialDocumentPdf({ title: ["CHỦ TỊCH"], name: "Trần Thị Bình" });
}, 60_000);

describe("the signing policy", () => {
  it("lets the matching official sign their own unmarked document, offline with a fresh CRL", async () => {
    const d = await checkSigningPolicy(input(ids.official));
    expect(d.refusals).toEqual([]);
    expect(d.revocation).toMatchObject({ status: "good", source: "given-crl", fresh: true });
    expect((await checkSigningPolicy(input(chairman, { document: chairDoc }))).allowed).toBe(true);
  });

  it("refuses a revoked certificate", async () => {
    expect(await codes(input(revoked))).toEqual(["policy.revoked"]);
  });

  it("refuses a certificate that chains to no trusted root", async () => {
    const other = await testIdentities();
    expect(await codes(input(other.official))).toEqual(["policy.untrusted-root"]);
  });

  it("refuses an expired certificate", async () => {
    const expired = await ids.ca.issue({
      commonName: "Nguyễn Văn An",
      title: "Phó Chủ tịch",
      notBefore: new Date("2020-01-01"),
      notAfter: new Date("2021-01-01"),
    });
    expect(await codes(input(expired))).toContain("CERT_EXPIRED");
  });

  it("refuses when the status cannot be known, unless the signer accepts it", async () => {
    const offline = { anchors: trust.anchors };
    expect(await codes(input(ids.official, { trust: offline }))).toEqual(["policy.revocation-unknown"]);
    const accepted = await checkSigningPolicy(input(ids.official, { trust: offline, acceptUnknownRevocation: true }));
    expect(accepted.allowed).toBe(true);
    expect(accepted.unknownRevocationAccepted).toBe(true);
  });

  it.each(["MẬT", "TỐI MẬT - KHẨN", "Độ mật: Mật", "tuyệt mật"])("refuses a document marked %s (R9)", async (mark) => {
    expect(await codes(input(ids.official, { document: await markedPdf(mark) }))).toEqual(["domain.classified"]);
  });

  it("refuses a deputy's certificate on a plain CHỦ TỊCH block, and someone else's name (R8)", async () => {
    expect(await codes(input(ids.official, { document: await officialDocumentPdf({ title: ["CHỦ TỊCH"] }) }))).toEqual(["policy.r8-deputy-without-kt"]);
    expect(await codes(input(chairman))).toEqual(["policy.r8-other-person", "policy.r8-other-title"]);
  });

  it("refuses the organisation's certificate as a person's signature and a person's as the seal (R8)", async () => {
    expect(await codes(input(ids.organisation))).toContain("policy.r8-org-cert-for-person");
    expect(await codes(input(ids.official, { kind: "issuer" }))).toEqual(["policy.r8-person-cert-for-org"]);
    expect(await codes(input(ids.organisation, { kind: "issuer" }))).toEqual([]);
  });

  it("with the office inventory: an uninventoried organisation certificate is refused, an unassigned keeper too (R22)", async () => {
    const person = { id: "p-clerk", name: "Lê Thị Văn Thư", duties: ["clerk" as const] };
    expect(await codes(input(ids.organisation, { kind: "issuer", inventory: { entries: [], custody: [], person } }))).toEqual(["policy.r22-uninventoried"]);
    const hex = [...new Uint8Array(await crypto.subtle.digest("SHA-256", ids.organisation.certificate.rawData))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    const entry = {
      id: hex,
      officeId: "o1",
      holderKind: "organisation",
      holder: "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG",
      serialNumber: ids.organisation.certificate.serialNumber.toUpperCase(),
      issuer: ids.organisation.certificate.issuer,
      notBefore: ids.organisation.certificate.notBefore.toISOString(),
      notAfter: ids.organisation.certificate.notAfter.toISOString(),
      source: "file",
      certificateBase64: "",
      addedAt: "2026-01-01T00:00:00+07:00",
    } as unknown as CertificateInventoryEntry;
    expect(await codes(input(ids.organisation, { kind: "issuer", inventory: { entries: [entry], custody: [], person } }))).toEqual(["signing.no-custodian"]);
  });
});
