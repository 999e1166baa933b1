/**
 * The PWA's checks before the PIN (web/src/agent/sign-with-agent.ts) on the office's own data
 * (IndexedDB through fake-indexeddb): the trust store and CRLs kept in Settings, a real demo
 * PKI, real PDFs. The shared policy refuses; an unknown revocation status goes through only
 * after the person says yes, and the audit trail records it.
 */
import "fake-indexeddb/auto";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PDFDocument } from "pdf-lib";
import fontkit from "@pdf-lib/fontkit";
import type { CertificateInfo } from "../../../shared/agent-protocol/index.ts";
import type { IssuedIdentity } from "../../../shared/pki/demo-ca.ts";
import { officialDocumentPdf, TINOS } from "../../../test/support/documents.ts";
import { testIdentities, type TestIdentities } from "../../../test/support/identities.ts";
import { openVanthuDb, type VanthuDb } from "../db/schema.ts";
import { checkBeforePin, type SigningTarget } from "./sign-with-agent.ts";
import { AgentClient } from "./client.ts";

let ids: TestIdentities;
let revoked: IssuedIdentity;
let crl: Uint8Array;
let db: VanthuDb;
let n = 0;

const b64 = (u: Uint8Array | ArrayBuffer) => Buffer.from(u instanceof Uint8Array ? u : new Uint8Array(u)).toString("base64");
const info = (id: IssuedIdentity) =>
  ({
    id: "0".repeat(64),
    certificate: b64(id.certificate.rawData),
    chain: id.chain.map(b64),
    serialNumber: id.certificate.serialNumber,
    commonName: id.certificate.subjectName.getField("CN")[0]!,
  }) as unknown as CertificateInfo;
const target = (bytes: Uint8Array): SigningTarget => ({ bytes, title: "Công văn", options: { type: "signer" } });
const check = (id: IssuedIdentity, bytes: Uint8Array, confirm: (m: string) => boolean = () => false) =>
  checkBeforePin({ db, agent: new AgentClient(), certificate: info(id), consentWindow: () => null, confirm }, [target(bytes)]);

async function markedPdf(mark: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.load(await officialDocumentPdf());
  pdf.registerFontkit(fontkit);
  pdf.getPage(0).drawText(mark, { x: 90, y: 718, size: 13, font: await pdf.embedFont(TINOS, { subset: true }) });
  return pdf.save({ useObjectStreams: false });
}

beforeAll(async () => {
  ids = await testIdentities();
  revoked = await ids.ca.issue({ commonName: "Nguyễn Văn An", title: "Phó Chủ tịch", notBefore: new Date("2025-01-01") });
  crl = new Uint8Array((await ids.ca.crl([{ serialNumber: revoked.certificate.serialNumber, revocationDate: new Date(Date.now() - 86400e3) }])).rawData);
}, 60_000);

beforeEach(async () => {
  db = openVanthuDb(`sign-policy-${n++}`);
  await db.open();
  // Settings: the office trusts its (demo) root and keeps the sub-CA's CRL.
  await db.meta.put({ key: "trustAnchors", value: [new Uint8Array(ids.root.certificate.rawData)] });
  await db.meta.put({ key: "crls", value: [{ der: crl }] });
  await db.meta.put({ key: "profile", value: { userName: "Nguyễn Văn An", userTitle: "Phó Chủ tịch" } });
});
afterEach(async () => {
  await db.delete();
});

describe("the PWA's checks before the PIN", () => {
  it("lets the official sign their own unmarked document", async () => {
    const [d] = await check(ids.official, await officialDocumentPdf());
    expect(d!.allowed).toBe(true);
    expect(d!.revocation.status).toBe("good");
  });

  it.each([
    ["a revoked certificate", async () => check(revoked, await officialDocumentPdf()), "policy.revoked"],
    [
      "a deputy's certificate on a plain CHỦ TỊCH block",
      async () => check(ids.official, await officialDocumentPdf({ title: ["CHỦ TỊCH"] })),
      "policy.r8-deputy-without-kt",
    ],
    ["a document marked MẬT", async () => check(ids.official, await markedPdf("MẬT")), "domain.classified"],
  ] as const)("refuses %s", async (_name, run, code) => {
    await expect(run()).rejects.toMatchObject({ code });
  });

  it("refuses a certificate of an untrusted root, and an expired one", async () => {
    const stranger = await testIdentities();
    await expect(check(stranger.official, await officialDocumentPdf())).rejects.toMatchObject({ code: "policy.untrusted-root" });
    const expired = await ids.ca.issue({
      commonName: "Nguyễn Văn An",
      title: "Phó Chủ tịch",
      notBefore: new Date("2020-01-01"),
      notAfter: new Date("2021-01-01"),
    });
    await expect(check(expired, await officialDocumentPdf())).rejects.toMatchObject({ code: "CERT_EXPIRED" });
  });

  it("asks before signing with an unknown revocation status, and records the yes in the audit trail", async () => {
    await db.meta.delete("crls");
    const asked: string[] = [];
    await expect(check(ids.official, await officialDocumentPdf(), (m) => (asked.push(m), false))).rejects.toMatchObject({ code: "policy.revocation-unknown" });
    expect(asked[0]).toMatch(/Không xác định được chứng thư số còn hiệu lực/);
    expect(await db.audit.count()).toBe(0);
    const [d] = await check(ids.official, await officialDocumentPdf(), () => true);
    expect(d!.unknownRevocationAccepted).toBe(true);
    const entries = await db.audit.toArray();
    expect(entries).toHaveLength(1);
    expect(entries[0]!.summary).toMatch(/chưa xác định được tình trạng thu hồi.*người ký đã xác nhận cảnh báo/);
  });
});
