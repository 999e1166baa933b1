/**
 * Helpers for driving the agent as a browser would: pairing through its own page, and
 * building CMS signed-attribute DER to sign.
 */
import * as asn1js from "asn1js";
import { createHash } from "node:crypto";
import { hashPairingToken, newPairingToken, pairingCodeFromHash } from "../../shared/agent-protocol/index.ts";
import { prepareSignature } from "../../shared/sign/index.ts";
import { officialDocumentPdf, TINOS } from "../support/documents.ts";
import { signaturePng } from "../support/png.ts";

export interface Requester {
  request(url: string, init?: RequestInit): Response | Promise<Response>;
}

export const AGENT = "http://127.0.0.1:47815";

/** Pairs `origin` the way a person does: the PWA posts the form, the person types the code on the agent's page. */
export async function pair(app: Requester, origin: string, agent = AGENT): Promise<string> {
  const token = newPairingToken();
  const tokenHash = await hashPairingToken(token);
  const start = await app.request(`${agent}/pair`, {
    method: "POST",
    headers: { Origin: origin, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ tokenHash, appName: "Văn thư số (thử)" }),
  });
  if (start.status !== 303) throw new Error(`pair start: ${start.status} ${await start.text()}`);
  const page = await app.request(`${agent}${start.headers.get("location")}`);
  const body = await page.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(body)![1]!;
  const done = await app.request(`${agent}${start.headers.get("location")}`, {
    method: "POST",
    headers: { Origin: agent, "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" },
    body: new URLSearchParams({ csrf, code: pairingCodeFromHash(tokenHash), action: "confirm" }),
  });
  const text = await done.text();
  if (!text.includes('id="paired"')) throw new Error(`pairing not confirmed: ${text}`);
  return token;
}

/** CMS signed attributes (content-type, message-digest) for document i, as the engine would make them. */
export function fakeSignedAttributes(i: number): Uint8Array {
  const attr = (oid: string, value: asn1js.AsnType) =>
    new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), new asn1js.Set({ value: [value] })] });
  const digest = createHash("sha256").update(`document ${i}`).digest();
  return new Uint8Array(
    new asn1js.Set({
      value: [
        attr("1.2.840.113549.1.9.3", new asn1js.ObjectIdentifier({ value: "1.2.840.113549.1.7.1" })),
        attr("1.2.840.113549.1.9.4", new asn1js.OctetString({ valueHex: new Uint8Array(digest).buffer })),
      ],
    }).toBER(),
  );
}

export function hex(n: number): string {
  return n.toString(16).padStart(2, "0").repeat(32);
}

export function csrfOf(html: string): string {
  return /name="csrf" value="([^"]+)"/.exec(html)![1]!;
}

/**
 * A prepared revision for the agent, as the PWA makes it: an official document whose block
 * fits the certificate, prepared by the signing engine (no key). Same inputs, same bytes.
 */
export async function preparedDocument(
  certificate: Uint8Array,
  chain: Uint8Array[],
  o: { title?: string[]; name: string; kind?: "signer" | "copy"; keyAlgorithm?: "RSA" | "EC" } = { name: "" },
) {
  const kind = o.kind ?? "signer";
  const pdf = await officialDocumentPdf({ title: o.title ?? ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], name: o.name });
  const prepared = await prepareSignature(pdf, {
    type: kind,
    certificates: { certificate, chain },
    digestAlgorithm: "SHA-256",
    signatureAlgorithm: o.keyAlgorithm === "EC" ? "ECDSA" : "RSASSA-PKCS1-v1_5",
    ...(kind === "signer" ? { image: signaturePng() } : { copyForm: "sao y", org: "UBND phường Hồng Bàng", font: TINOS }),
  });
  return { prepared, pdf: Buffer.from(prepared.bytes).toString("base64"), signedAttributes: Buffer.from(prepared.signedAttributes).toString("base64") };
}
