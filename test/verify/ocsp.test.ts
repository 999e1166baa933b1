/**
 * Revocation by OCSP (RFC 6960) when online: a real responder on 127.0.0.1 that answers
 * signed OCSP responses (built with pkijs, signed by the CA), for a certificate whose only
 * revocation pointer is its Authority Information Access OCSP URL.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as pkijs from "pkijs";
import * as asn1js from "asn1js";
import { x509 } from "../../shared/pki/x509.ts";
import { verifyPdf, type VerifyOptions } from "../../shared/verify/index.ts";
import { DemoCertificationAuthority, makePdf, signLibpdf, type Identity } from "./corpus.ts";

let root: DemoCertificationAuthority;
let server: Server;
let url: string;
const revoked = new Map<string, Date>();
let requests = 0;

async function issueWithOcsp(commonName: string): Promise<Identity> {
  const keys = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: "0a" + Date.now().toString(16) + Math.floor(Math.random() * 1e6).toString(16),
    subject: `C=VN, CN=${commonName}`,
    issuer: root.certificate.subject,
    notBefore: new Date(Date.now() - 3600e3),
    notAfter: new Date(Date.now() + 365 * 86400e3),
    publicKey: keys.publicKey,
    signingKey: root.keys.privateKey,
    signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
      new x509.AuthorityInfoAccessExtension({ ocsp: [new x509.GeneralName("url", url)] }),
      await x509.AuthorityKeyIdentifierExtension.create(root.keys.publicKey),
    ],
  });
  return { certificate, privateKey: keys.privateKey, chain: root.chain, algorithm: "RSASSA-PKCS1-v1_5" };
}

async function answer(body: Uint8Array): Promise<Uint8Array> {
  const req = pkijs.OCSPRequest.fromBER(body.slice().buffer);
  const certID = req.tbsRequest.requestList[0]!.reqCert;
  const serial = Buffer.from(certID.serialNumber.valueBlock.valueHexView).toString("hex").replace(/^0+/, "");
  const when = [...revoked.entries()].find(([s]) => s.replace(/^0+/, "") === serial)?.[1];
  const rootP = pkijs.Certificate.fromBER(root.certificate.rawData);
  const basic = new pkijs.BasicOCSPResponse();
  basic.tbsResponseData.responderID = rootP.subject;
  basic.tbsResponseData.producedAt = new Date();
  basic.tbsResponseData.responses.push(
    new pkijs.SingleResponse({
      certID,
      certStatus: when
        ? new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [new asn1js.GeneralizedTime({ valueDate: when })] })
        : new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } }),
      thisUpdate: new Date(),
      nextUpdate: new Date(Date.now() + 86400e3),
    }),
  );
  basic.certs = [rootP];
  await basic.sign(root.keys.privateKey, "SHA-256");
  const resp = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: 0 }),
    responseBytes: new pkijs.ResponseBytes({
      responseType: "1.3.6.1.5.5.7.48.1.1",
      response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }),
    }),
  });
  return new Uint8Array(resp.toSchema().toBER(false));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      requests++;
      try {
        const out = await answer(new Uint8Array(Buffer.concat(chunks)));
        res.writeHead(200, { "content-type": "application/ocsp-response" }).end(Buffer.from(out));
      } catch (e) {
        res.writeHead(500).end(String(e));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ocsp`;
  root = await DemoCertificationAuthority.create({ commonName: "Demo Root — OCSP" });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function online(): VerifyOptions {
  return { trustAnchors: [root.certificate], fetch: (u, i) => fetch(u, i) };
}

describe("OCSP", () => {
  it("good: TOTAL_PASSED, decided by OCSP, with its freshness", async () => {
    const id = await issueWithOcsp("Phạm Văn Dũng");
    const before = requests;
    const r = await verifyPdf(await signLibpdf(await makePdf(), id), online());
    expect(requests).toBeGreaterThan(before);
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_PASSED" });
    expect(r.signatures[0]!.revocation[0]).toMatchObject({ status: "good", source: "ocsp", url, fresh: true });
  });

  it("revoked before signing: TOTAL_FAILED / REVOKED", async () => {
    const id = await issueWithOcsp("Bị thu hồi OCSP");
    revoked.set(id.certificate.serialNumber, new Date(Date.now() - 60_000));
    const r = await verifyPdf(await signLibpdf(await makePdf(), id), online());
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_FAILED", subIndication: "REVOKED" });
    expect(r.signatures[0]!.revocation[0]).toMatchObject({ status: "revoked", source: "ocsp" });
  });

  it("offline: nothing asked, INDETERMINATE / TRY_LATER", async () => {
    const id = await issueWithOcsp("Ngoại tuyến");
    const before = requests;
    const r = await verifyPdf(await signLibpdf(await makePdf(), id), { trustAnchors: [root.certificate] });
    expect(requests).toBe(before);
    expect(r.signatures[0]).toMatchObject({ indication: "INDETERMINATE", subIndication: "TRY_LATER" });
  });
});
