/**
 * The test corpus, built by the tests themselves: demo CAs and certificates (good,
 * expired, not yet valid, revoked, untrusted, wrong key usage), PDFs signed by
 * @libpdf/core, by poppler's `pdfsig -add-signature` (through an NSS database), and by the
 * lead's signing engine when it is present.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import { PDF, CryptoKeySigner, type TimestampAuthority } from "@libpdf/core";
import { DemoCertificationAuthority, type IssuedIdentity, type IssueOptions } from "../../shared/pki/demo-ca.ts";
import { x509 } from "../../shared/pki/x509.ts";
import { signPdf } from "../../shared/sign/index.ts";
import { WebCryptoSigner } from "../../shared/sign/webcrypto-signer.ts";
import { TINOS } from "../support/documents.ts";

export interface Identity {
  certificate: x509.X509Certificate;
  privateKey: CryptoKey;
  chain: Uint8Array[];
  algorithm: "RSASSA-PKCS1-v1_5" | "RSA-PSS" | "ECDSA";
}

export function der(c: x509.X509Certificate): Uint8Array {
  return new Uint8Array(c.rawData);
}

export function fromIssued(i: IssuedIdentity): Identity {
  return { certificate: i.certificate, privateKey: i.keys.privateKey, chain: i.chain, algorithm: "RSASSA-PKCS1-v1_5" };
}

export async function issue(ca: DemoCertificationAuthority, o: IssueOptions): Promise<Identity> {
  return fromIssued(await ca.issue(o));
}

/** An identity with a key of another algorithm (ECDSA P-256, RSA-PSS). */
export async function issueWithKey(
  ca: DemoCertificationAuthority,
  alg: "ECDSA" | "RSA-PSS" | "RSASSA-PKCS1-v1_5",
  o: IssueOptions,
  hash = "SHA-256",
): Promise<Identity> {
  const params: EcKeyGenParams | RsaHashedKeyGenParams =
    alg === "ECDSA"
      ? { name: "ECDSA", namedCurve: hash === "SHA-384" ? "P-384" : "P-256" }
      : { name: alg, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash };
  const keys = (await crypto.subtle.generateKey(params, true, ["sign", "verify"])) as CryptoKeyPair;
  const certificate = await ca.issueFor(keys.publicKey, o);
  return { certificate, privateKey: keys.privateKey, chain: ca.chain, algorithm: alg };
}

/** A small one-page official letter. */
export async function makePdf(options: { pages?: number; text?: string; objectStreams?: boolean; padBytes?: number } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  for (let p = 0; p < (options.pages ?? 1); p++) {
    const page = doc.addPage([595, 842]);
    page.drawText(options.text ?? "UBND XA AN LAO - So: 125/UBND-VP - Ve viec to chuc hop", { x: 60, y: 760, size: 12, font, color: rgb(0, 0, 0) });
    page.drawText(`Trang ${p + 1}`, { x: 280, y: 40, size: 10, font });
  }
  if (options.padBytes) {
    // Bulk for the benchmark: an incompressible stream attached to the document.
    const chunk = new Uint8Array(options.padBytes);
    for (let i = 0; i < chunk.length; i += 65536) crypto.getRandomValues(chunk.subarray(i, Math.min(i + 65536, chunk.length)));
    const ref = doc.context.register(doc.context.stream(chunk, {}));
    doc.catalog.set(doc.context.obj("VanthuPadding") as never, ref);
  }
  return doc.save({ useObjectStreams: options.objectStreams ?? false });
}

export interface SignOptions {
  signingTime?: Date;
  fieldName?: string;
  subFilter?: "adbe.pkcs7.detached" | "ETSI.CAdES.detached";
  digest?: "SHA-256" | "SHA-384" | "SHA-512";
  timestampAuthority?: TimestampAuthority;
}

/** Signs with our engine (shared/sign, PAdES B-B) as an invisible attachment signature. */
export async function signOurs(pdf: Uint8Array, id: Identity, digest: "SHA-256" | "SHA-384" | "SHA-512" = "SHA-256"): Promise<Uint8Array> {
  const signer = new WebCryptoSigner(id.privateKey, { certificate: der(id.certificate), chain: id.chain }, "khóa thử", true, digest);
  return (await signPdf(pdf, { type: "attachment", docNumber: "12/UBND-VP", font: TINOS, signer })).bytes;
}

/** Signs with @libpdf/core (incremental update). */
export async function signLibpdf(pdf: Uint8Array, id: Identity, o: SignOptions = {}): Promise<Uint8Array> {
  const doc = await PDF.load(pdf);
  const signer = new CryptoKeySigner(id.privateKey, der(id.certificate), id.algorithm === "ECDSA" ? "EC" : "RSA", id.algorithm, id.chain);
  const { bytes } = await doc.sign({
    signer,
    signingTime: o.signingTime,
    fieldName: o.fieldName,
    subFilter: o.subFilter,
    digestAlgorithm: o.digest,
    timestampAuthority: o.timestampAuthority,
    level: o.timestampAuthority ? "B-T" : undefined,
  });
  return bytes;
}

function pem(label: string, bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** An NSS database holding `id`, for `pdfsig -add-signature`. */
export async function nssDatabase(id: Identity, nick = "vanthu-test"): Promise<{ dir: string; nick: string }> {
  const dir = mkdtempSync(join(tmpdir(), "vanthu-nss-"));
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", id.privateKey));
  writeFileSync(join(dir, "key.pem"), pem("PRIVATE KEY", pkcs8));
  writeFileSync(join(dir, "cert.pem"), pem("CERTIFICATE", der(id.certificate)) + id.chain.map((c) => pem("CERTIFICATE", c)).join(""));
  execFileSync("openssl", [
    "pkcs12",
    "-export",
    "-inkey",
    join(dir, "key.pem"),
    "-in",
    join(dir, "cert.pem"),
    "-name",
    nick,
    "-passout",
    "pass:test",
    "-out",
    join(dir, "id.p12"),
  ]);
  execFileSync("certutil", ["-N", "-d", `sql:${dir}`, "--empty-password"]);
  execFileSync("pk12util", ["-i", join(dir, "id.p12"), "-d", `sql:${dir}`, "-W", "test"], { stdio: "pipe" });
  return { dir, nick };
}

/** Signs with poppler's pdfsig (adbe.pkcs7.detached, or ETSI.CAdES.detached with etsi). */
export function signPdfsig(pdf: Uint8Array, nss: { dir: string; nick: string }, o: { etsi?: boolean; field?: string; digest?: string } = {}): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "vanthu-pdfsig-"));
  writeFileSync(join(dir, "in.pdf"), pdf);
  const args = [
    "-nssdir",
    `sql:${nss.dir}`,
    "-add-signature",
    "-nick",
    nss.nick,
    "-new-signature-field-name",
    o.field ?? "PdfsigSignature",
    "-digest",
    o.digest ?? "SHA256",
  ];
  if (o.etsi) args.push("-etsi");
  args.push(join(dir, "in.pdf"), join(dir, "out.pdf"));
  execFileSync("pdfsig", args, { stdio: "pipe" });
  return new Uint8Array(readFileSync(join(dir, "out.pdf")));
}

/** pdfsig's own verdict on a file (for interop checks). */
export function pdfsigReport(pdf: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), "vanthu-pdfsig-"));
  writeFileSync(join(dir, "in.pdf"), pdf);
  try {
    return execFileSync("pdfsig", ["-nocert", "-no-ocsp", join(dir, "in.pdf")], { stdio: "pipe" }).toString();
  } catch (e) {
    return String((e as { stdout?: Buffer }).stdout ?? e);
  }
}

/** The lead's signing engine, when it has landed (shared/sign/index.ts). */
export async function leadSignPdf(): Promise<undefined | ((pdf: Uint8Array, options: Record<string, unknown>) => Promise<Uint8Array>)> {
  const path = join(import.meta.dirname, "../../shared/sign/index.ts");
  if (!existsSync(path)) return undefined;
  try {
    const mod = (await import(path)) as { signPdf?: (pdf: Uint8Array, options: Record<string, unknown>) => Promise<Uint8Array> };
    return mod.signPdf;
  } catch {
    return undefined;
  }
}

/**
 * Appends an incremental update after the last revision: new object bodies, or entries
 * that point at bodies already in the file (`offset`, an xref-only update), or freed numbers.
 */
export function appendUpdate(
  pdf: Uint8Array,
  objects: { num: number; body?: string; offset?: number; free?: boolean }[],
  trailerExtra: Record<string, string> = {},
  options: { root?: string } = {},
): Uint8Array {
  const text = Buffer.from(pdf).toString("latin1");
  const sx = text.lastIndexOf("startxref");
  const prev = Number(/startxref\s+(\d+)/.exec(text.slice(sx))![1]);
  const trailerInfo = lastTrailer(pdf);
  let out = text.endsWith("\n") ? text : text + "\n";
  const entries: { num: number; line: string }[] = [];
  for (const o of objects) {
    if (o.free) entries.push({ num: o.num, line: "0000000000 00001 f \n" });
    else if (o.offset !== undefined) entries.push({ num: o.num, line: `${String(o.offset).padStart(10, "0")} 00000 n \n` });
    else {
      entries.push({ num: o.num, line: `${String(Buffer.byteLength(out, "latin1")).padStart(10, "0")} 00000 n \n` });
      out += `${o.num} 0 obj\n${o.body}\nendobj\n`;
    }
  }
  const xrefAt = Buffer.byteLength(out, "latin1");
  out += "xref\n";
  for (const e of entries.sort((a, b) => a.num - b.num)) out += `${e.num} 1\n${e.line}`;
  const size = Math.max(trailerInfo.size, ...objects.map((o) => o.num + 1));
  const extra = Object.entries(trailerExtra)
    .map(([k, v]) => `/${k} ${v}`)
    .join(" ");
  out += `trailer\n<< /Size ${size} /Root ${options.root ?? trailerInfo.root} /Prev ${prev} ${extra} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, "latin1"));
}

/** /Root and /Size of the last trailer, whether a table trailer or a cross-reference stream. */
export function lastTrailer(pdf: Uint8Array): { root: string; size: number } {
  const text = Buffer.from(pdf).toString("latin1");
  const sx = text.lastIndexOf("startxref");
  const at = Number(/startxref\s+(\d+)/.exec(text.slice(sx))![1]);
  const head = text.slice(at, at + 4000);
  const root = /\/Root\s+(\d+\s+\d+\s+R)/.exec(head)![1]!;
  const size = Number(/\/Size\s+(\d+)/.exec(head)![1]);
  return { root, size };
}

/** Replaces the first occurrence of `from` by `to` (same length) in the bytes: a byte-level edit. */
export function editBytes(pdf: Uint8Array, from: string, to: string, startAt = 0): Uint8Array {
  if (from.length !== to.length) throw new Error("edit must keep the length");
  const text = Buffer.from(pdf).toString("latin1");
  const i = text.indexOf(from, startAt);
  if (i < 0) throw new Error(`'${from}' not found`);
  const out = new Uint8Array(pdf);
  out.set(Buffer.from(to, "latin1"), i);
  return out;
}

export { DemoCertificationAuthority };

/**
 * A hand-written PDF with a classic cross-reference table: `objects` are in the table;
 * `shadows` are bodies written into the file but not referenced by it (the raw material of
 * shadow attacks). Returns the bytes and each body's offset.
 */
export function buildPdf(
  objects: { num: number; body: string }[],
  shadows: { num: number; body: string }[] = [],
  root = 1,
): { bytes: Uint8Array; offsets: Map<string, number> } {
  let out = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
  const offsets = new Map<string, number>();
  const put = (o: { num: number; body: string }, key: string) => {
    offsets.set(key, out.length);
    out += `${o.num} 0 obj\n${o.body}\nendobj\n`;
  };
  for (const o of objects) put(o, String(o.num));
  shadows.forEach((o, i) => put(o, `shadow${i}:${o.num}`));
  const size = Math.max(...objects.map((o) => o.num)) + 1;
  const xref = out.length;
  out += `xref\n0 ${size}\n0000000000 65535 f \n`;
  for (let n = 1; n < size; n++) {
    const off = offsets.get(String(n));
    out += off === undefined ? "0000000000 65535 f \n" : `${String(off).padStart(10, "0")} 00000 n \n`;
  }
  out += `trailer\n<< /Size ${size} /Root ${root} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return { bytes: new Uint8Array(Buffer.from(out, "latin1")), offsets };
}

/** A stream object body with a correct /Length. */
export function stream(content: string, dict = ""): string {
  return `<< ${dict} /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}\nendstream`;
}

/** Offset of the first occurrence of `needle` at or after `from`. */
export function offsetOf(pdf: Uint8Array, needle: string, from = 0): number {
  return Buffer.from(pdf).toString("latin1").indexOf(needle, from);
}

/**
 * A certification signature (DocMDP, ISO 32000 §12.8.2.2) over a hand-written PDF from
 * `buildPdf` whose catalog is object 1 and first page object 3: @libpdf/core cannot make
 * one, so the update is written here and signed with the lead's CMS builder.
 */
export async function certifyPdf(
  pdf: Uint8Array,
  id: Identity,
  p: 1 | 2 | 3,
  catalogBody = "<< /Type /Catalog /Pages 2 0 R",
  existingFields = "",
): Promise<Uint8Array> {
  return signWithCms(
    pdf,
    catalogBody,
    `/Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P ${p} /V /1.2 >> >>]`,
    "Certify",
    async (signed) => {
      const { prepareSignerInfo, assembleSignedData } = await import("../../shared/pki/cms-build.ts");
      const documentDigest = new Uint8Array(await crypto.subtle.digest("SHA-256", signed as BufferSource));
      const prepared = await prepareSignerInfo({
        documentDigest,
        certificate: der(id.certificate),
        digestAlgorithm: "SHA-256",
        signatureAlgorithm: "RSASSA-PKCS1-v1_5",
      });
      const signature = new Uint8Array(await crypto.subtle.sign({ name: "RSASSA-PKCS1-v1_5" }, id.privateKey, prepared.signedAttributesDer as BufferSource));
      return assembleSignedData({ prepared, signature, certificates: [der(id.certificate), ...id.chain], digestAlgorithm: "SHA-256" });
    },
    p,
    existingFields,
  );
}

/** An approval signature whose CMS pkijs builds with any digest (SHA-1 included), for old-style signatures. */
export async function signPkijs(pdf: Uint8Array, id: Identity, hash: "SHA-1" | "SHA-256", catalogBody = "<< /Type /Catalog /Pages 2 0 R"): Promise<Uint8Array> {
  return signWithCms(pdf, catalogBody, "", "Pkijs", async (signed) => {
    const pkijs = await import("pkijs");
    const asn1js = await import("asn1js");
    const cert = pkijs.Certificate.fromBER(id.certificate.rawData);
    const digest = new Uint8Array(await crypto.subtle.digest(hash, signed as BufferSource));
    const sd = new pkijs.SignedData({
      version: 1,
      encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: "1.2.840.113549.1.7.1" }),
      signerInfos: [
        new pkijs.SignerInfo({
          version: 1,
          sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
          signedAttrs: new pkijs.SignedAndUnsignedAttributes({
            type: 0,
            attributes: [
              new pkijs.Attribute({ type: "1.2.840.113549.1.9.3", values: [new asn1js.ObjectIdentifier({ value: "1.2.840.113549.1.7.1" })] }),
              new pkijs.Attribute({ type: "1.2.840.113549.1.9.4", values: [new asn1js.OctetString({ valueHex: digest.slice().buffer })] }),
            ],
          }),
        }),
      ],
      certificates: [cert],
    });
    await sd.sign(id.privateKey, 0, hash);
    return new Uint8Array(new pkijs.ContentInfo({ contentType: "1.2.840.113549.1.7.2", content: sd.toSchema(true) }).toSchema().toBER(false));
  });
}

/** Appends a signature field and dictionary (with `extra` keys) to a `buildPdf` document, and fills /Contents with `makeCms(signedBytes)`. */
async function signWithCms(
  pdf: Uint8Array,
  catalogBody: string,
  extra: string,
  field: string,
  makeCms: (signed: Uint8Array) => Promise<Uint8Array>,
  docMdp?: number,
  existingFields = "",
): Promise<Uint8Array> {
  const { size } = lastTrailer(pdf);
  const S = size,
    F = size + 1;
  const placeholder = "0".repeat(16384);
  const perms = docMdp ? ` /Perms << /DocMDP ${S} 0 R >>` : "";
  const withPlaceholder = appendUpdate(pdf, [
    { num: 1, body: `${catalogBody} /AcroForm << /Fields [${existingFields} ${F} 0 R] /SigFlags 3 >>${perms} >>` },
    {
      num: S,
      body: `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached ${extra} /M (D:${new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z) /ByteRange [0 0000000000 0000000000 0000000000] /Contents <${placeholder}> >>`,
    },
    { num: F, body: `<< /FT /Sig /T (${field}) /V ${S} 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>` },
  ]);
  const text = Buffer.from(withPlaceholder).toString("latin1");
  const b = text.lastIndexOf(`<${placeholder}>`);
  const c = b + placeholder.length + 2;
  const d = text.length - c;
  const br = `/ByteRange [0 ${String(b).padStart(10, "0")} ${String(c).padStart(10, "0")} ${String(d).padStart(10, "0")}]`;
  const bytes = new Uint8Array(Buffer.from(text.replace("/ByteRange [0 0000000000 0000000000 0000000000]", br), "latin1"));
  const signed = new Uint8Array(b + (bytes.length - c));
  signed.set(bytes.subarray(0, b));
  signed.set(bytes.subarray(c), b);
  const cms = await makeCms(signed);
  const hex = Buffer.from(cms).toString("hex").toUpperCase().padEnd(placeholder.length, "0");
  bytes.set(Buffer.from(hex, "latin1"), b + 1);
  return bytes;
}
