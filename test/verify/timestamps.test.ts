/**
 * Document timestamps (ETSI.RFC3161, PAdES B-LTA's archive timestamp) from a real RFC 3161
 * authority (OpenSSL's, test/support/tsa.ts): verified as signatures of their own, with the
 * time taken from the token; and the signature before them stays "allowed".
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as pkijs from "pkijs";
import * as asn1js from "asn1js";
import { PDF, type TimestampAuthority } from "@libpdf/core";
import { verifyPdf, type VerifyOptions } from "../../shared/verify/index.ts";
import { startTestTsa } from "../support/tsa.ts";
import { DemoCertificationAuthority, issue, makePdf, signLibpdf, type Identity } from "./corpus.ts";

let root: DemoCertificationAuthority;
let signer: Identity;
let tsa: Awaited<ReturnType<typeof startTestTsa>>;
let opts: VerifyOptions;

const OIDS: Record<string, string> = { "SHA-256": "2.16.840.1.101.3.4.2.1", "SHA-384": "2.16.840.1.101.3.4.2.2", "SHA-512": "2.16.840.1.101.3.4.2.3" };

/** An RFC 3161 client over a digest, as @libpdf/core asks for one. */
function authority(url: string): TimestampAuthority {
  return {
    async timestamp(digest, algorithm) {
      const req = new pkijs.TimeStampReq({
        version: 1,
        messageImprint: new pkijs.MessageImprint({
          hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OIDS[algorithm]!, algorithmParams: new asn1js.Null() }),
          hashedMessage: new asn1js.OctetString({ valueHex: digest.slice().buffer }),
        }),
        certReq: true,
      });
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/timestamp-query" },
        body: new Uint8Array(req.toSchema().toBER(false)),
      });
      const resp = pkijs.TimeStampResp.fromBER(await res.arrayBuffer());
      if (!resp.timeStampToken) throw new Error("no token");
      return new Uint8Array(resp.timeStampToken.toSchema().toBER(false));
    },
  };
}

beforeAll(async () => {
  root = await DemoCertificationAuthority.create({ commonName: "Demo Root — dấu thời gian" });
  signer = await issue(root, { commonName: "Hoàng Văn Em" });
  tsa = await startTestTsa(root);
  opts = { trustAnchors: [root.certificate], crls: [new Uint8Array((await root.crl([])).rawData)] };
});
afterAll(() => tsa?.close());

describe("document timestamps", () => {
  it("a signature, then an archive timestamp over the whole file: both TOTAL_PASSED, the signature 'allowed'", async () => {
    const signed = await signLibpdf(await makePdf(), signer);
    const doc = await PDF.load(signed);
    const { bytes } = await doc.addTimestamp({ timestampAuthority: authority(tsa.url) });
    const r = await verifyPdf(bytes, opts);
    expect(r.signatures).toHaveLength(2);
    expect(r.signatures[0]).toMatchObject({ kind: "signature", indication: "TOTAL_PASSED", modifiedAfter: "allowed" });
    expect(r.signatures[1]).toMatchObject({
      kind: "document-timestamp",
      subFilter: "ETSI.RFC3161",
      indication: "TOTAL_PASSED",
      signingTimeSource: "timestamp",
      coversWholeDocument: true,
    });
    expect(r.signatures[1]!.signer?.commonName).toMatch(/TSA/);
    expect(r.status).toBe("valid");
  });

  it("a document timestamp whose token is for other bytes: TOTAL_FAILED / HASH_FAILURE", async () => {
    const doc = await PDF.load(await makePdf());
    const lying: TimestampAuthority = { timestamp: (_d, alg) => authority(tsa.url).timestamp(new Uint8Array(32).fill(7), alg) };
    const { bytes } = await doc.addTimestamp({ timestampAuthority: lying });
    const r = await verifyPdf(bytes, opts);
    expect(r.signatures[0]).toMatchObject({ kind: "document-timestamp", indication: "TOTAL_FAILED", subIndication: "HASH_FAILURE" });
  });

  it("a signature timestamp (B-T, @libpdf/core): the certificate is judged at the token's time", async () => {
    const bytes = await signLibpdf(await makePdf(), signer, { timestampAuthority: authority(tsa.url), signingTime: new Date(Date.now() - 3 * 86400e3) });
    const r = await verifyPdf(bytes, opts);
    expect(r.signatures[0]).toMatchObject({ indication: "TOTAL_PASSED", signingTimeSource: "timestamp" });
    expect(r.signatures[0]!.timestamp).toMatchObject({ trusted: true });
    expect(r.signatures[0]!.claimedSigningTime).not.toBe(r.signatures[0]!.signingTime);
  });
});
