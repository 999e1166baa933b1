import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { VanthuError } from "../errors.ts";
import { compareBytes, digest, digestOid } from "./cms-build.ts";
import type { DigestAlgorithmName } from "../sign/signer.ts";

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

function ab(u: Uint8Array): ArrayBuffer {
  return u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
}

/**
 * Asks an RFC 3161 time-stamp authority for a token over `data` (for PAdES B-T: the
 * signature value). Checks that the answer is granted and that its imprint and nonce are
 * the ones asked for, so that a wrong or replayed token is never embedded.
 */
export async function requestTimestampToken(options: {
  url: string;
  data: Uint8Array;
  digestAlgorithm?: DigestAlgorithmName;
  fetch?: FetchLike;
  crypto?: Crypto;
}): Promise<Uint8Array> {
  const alg = options.digestAlgorithm ?? "SHA-256";
  const crypto = options.crypto ?? globalThis.crypto;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const imprint = await digest(alg, options.data, crypto);
  const nonce = crypto.getRandomValues(new Uint8Array(8));
  nonce[0] = nonce[0]! & 0x7f; // a positive INTEGER
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: digestOid(alg), algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: ab(imprint) }),
    }),
    nonce: new asn1js.Integer({ valueHex: ab(nonce) }),
    certReq: true,
  });
  const failed = (why: string, cause?: unknown) =>
    new VanthuError("TSA_FAILED", `Không lấy được dấu thời gian từ máy chủ ${options.url}`, `time-stamp authority ${options.url} failed: ${why}`, { cause });
  let res: Response;
  try {
    res = await doFetch(options.url, {
      method: "POST",
      headers: { "Content-Type": "application/timestamp-query", Accept: "application/timestamp-reply" },
      body: new Uint8Array(req.toSchema().toBER(false)),
    });
  } catch (e) {
    throw failed("network error", e);
  }
  if (!res.ok) throw failed(`HTTP ${res.status}`);
  const body = new Uint8Array(await res.arrayBuffer());
  let resp: pkijs.TimeStampResp;
  try {
    resp = pkijs.TimeStampResp.fromBER(ab(body));
  } catch (e) {
    throw failed("malformed response", e);
  }
  const status = resp.status.status;
  if ((status !== 0 && status !== 1) || !resp.timeStampToken) throw failed(`status ${status}`);
  const signed = new pkijs.SignedData({ schema: resp.timeStampToken.content });
  const eContent = signed.encapContentInfo.eContent;
  if (!eContent) throw failed("token has no TSTInfo");
  const tst = pkijs.TSTInfo.fromBER(eContent.getValue());
  const gotImprint = new Uint8Array(tst.messageImprint.hashedMessage.valueBlock.valueHexView);
  if (compareBytes(gotImprint, imprint) !== 0) throw failed("token imprint does not match");
  if (!tst.nonce || compareBytes(new Uint8Array(tst.nonce.valueBlock.valueHexView), nonce.subarray(firstNonZero(nonce))) !== 0) {
    // Integers are minimally encoded: compare without leading zero bytes.
    if (!tst.nonce || compareBytes(strip(new Uint8Array(tst.nonce.valueBlock.valueHexView)), strip(nonce)) !== 0) throw failed("token nonce does not match");
  }
  return new Uint8Array(resp.timeStampToken.toSchema().toBER(false));
}

function firstNonZero(u: Uint8Array): number {
  let i = 0;
  while (i < u.length - 1 && u[i] === 0) i++;
  return i;
}
function strip(u: Uint8Array): Uint8Array {
  return u.subarray(firstNonZero(u));
}
