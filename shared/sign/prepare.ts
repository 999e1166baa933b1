import { PdfArray, PdfDict, PdfName, PdfNumber, PdfRef, PdfStream, PdfString, rgb, type PDF, type PDFPage } from "@libpdf/core";
import * as pkijs from "pkijs";
import { VanthuError } from "../errors.ts";
import { openPdfForUpdate } from "../pdf/document.ts";
import { saveAppendedRevision } from "../pdf/append.ts";
import { fill, type OmittedData, type PdfSkeleton } from "../pdf/skeleton.ts";
import type { ByteSource } from "../pdf/source.ts";
import { nobleHashFactory, type IncrementalHash } from "../pki/incremental-hash.ts";
import { docMdpPermission } from "../pdf/docmdp.ts";
import { quietly } from "../pdf/quiet.ts";
import { findSignaturePlaceholder, patchByteRange, signedRanges, type SignaturePlaceholder } from "../pdf/byte-range.ts";
import { digest, prepareSignerInfo, type PreparedSignerInfo } from "../pki/cms-build.ts";
import { checkSigningCertificate } from "./certificate-check.ts";
import { AppearanceBuilder, textWidth } from "./appearance.ts";
import {
  findIssueBlanks,
  findSignatureBlock,
  formatIssueNumber,
  issueDateParts,
  POINTS_PER_MM,
  sealBox,
  signatureImageBox,
  topRightTextBox,
  type Box,
  type PageChar,
  type TextAnchor,
  type TextSegment,
} from "./layout.ts";
import { formatIsoVietnam, formatPdfDate } from "./time.ts";
import { pngSize } from "./png.ts";
import { COPY_FORMS, SIGNATURE_TYPES, type PrepareOptions, type SignatureType } from "./options.ts";
import { assertSignatureImage } from "./policy/signature-image.ts";
import { assertSealOnPage, DEFAULT_SEAL_MM } from "./policy/seal-on-page.ts";
import type { DigestAlgorithmName } from "./signer.ts";
import { isMarkedForUpdate, markForUpdate } from "../pdf/libpdf-adapter.ts";

/**
 * The first of signing's two steps: the new revision with its signature field, the
 * appearance and an empty /Contents, and the CMS signed attributes over its byte ranges —
 * the bytes the key must sign. Nothing here touches a key, so the PWA, the agent and the
 * CLI prepare the same way, and the agent can recompute the digest from the bytes it is
 * shown (`complete.ts` is the second step).
 */
export interface PreparedSignature {
  /** The prepared revision: the input plus the appended update, /Contents all zeros. */
  bytes: Uint8Array;
  byteRange: [number, number, number, number];
  placeholder: SignaturePlaceholder;
  digestAlgorithm: DigestAlgorithmName;
  /** Digest of the byte ranges (the message-digest signed attribute). */
  documentDigest: Uint8Array;
  /** DER of the signed attributes (SET OF, tag 0x31): what the key signs. */
  signedAttributes: Uint8Array;
  signerInfo: PreparedSignerInfo;
  fieldName: string;
  rect: Box;
  pageIndex: number;
  textBlock?: Box;
  signingTime: Date;
  /** Length of the input: the prepared revision starts there. */
  originalLength: number;
}

/** The first step for a file read by position: the appended section instead of the whole file. */
export interface PreparedAppend extends Omit<PreparedSignature, "bytes"> {
  /** The bytes that follow the original file: the new revision, /Contents all zeros. */
  section: Uint8Array;
}

const TEXT_SIZE = 10;

function reasonFor(o: PrepareOptions): string {
  switch (o.type) {
    case "signer":
      return "Người có thẩm quyền ký văn bản";
    case "issuer":
      return "Cơ quan, tổ chức ban hành văn bản";
    case "copy":
      return `Bản ${o.copyForm} điện tử`;
    case "attachment":
      return `Văn bản kèm theo văn bản số ${o.docNumber}`;
    case "appendix":
      return `Phụ lục kèm theo văn bản số ${o.docNumber}`;
  }
}

/** The options a signature type needs, checked before anything else (the CLI calls it before the policy). */
export function requireOptions(
  o: Pick<PrepareOptions, "type" | "image" | "copyForm" | "org" | "docNumber" | "font" | "issueNumber" | "issueDate" | "sealMm">,
): void {
  const missing = (flag: string, vi: string) => new VanthuError("MISSING_OPTION", `Thiếu ${vi} (${flag})`, `missing option ${flag} for --type ${o.type}`);
  if (!SIGNATURE_TYPES.includes(o.type)) throw new VanthuError("BAD_TYPE", `Loại chữ ký không hợp lệ: ${o.type}`, `unknown signature type ${o.type}`);
  if ((o.type === "signer" || o.type === "issuer") && !o.image) throw missing("--image", o.type === "signer" ? "ảnh chữ ký (PNG)" : "ảnh con dấu (PNG)");
  if (o.type === "copy") {
    if (!o.copyForm) throw missing("--copy-form", "hình thức sao (sao y, sao lục, trích sao)");
    if (!COPY_FORMS.includes(o.copyForm.normalize("NFC").toLocaleLowerCase("vi"))) {
      throw new VanthuError(
        "BAD_COPY_FORM",
        `Hình thức sao không hợp lệ: "${o.copyForm}" (chỉ: sao y, sao lục, trích sao)`,
        `copy form must be one of: sao y, sao lục, trích sao`,
      );
    }
    if (!o.org?.trim()) throw missing("--org", "tên cơ quan, tổ chức sao văn bản");
  }
  if ((o.type === "attachment" || o.type === "appendix") && !o.docNumber?.trim()) throw missing("--doc-number", "số và ký hiệu của văn bản chính");
  if (o.type !== "signer" && o.type !== "issuer" && !o.font) throw missing("font", "phông chữ để viết khối chữ");
  if (o.issueNumber !== undefined || o.issueDate !== undefined) {
    if (o.type !== "signer")
      throw new VanthuError(
        "ISSUE_NUMBER_TYPE",
        "Số và ngày ban hành chỉ được ghi khi người có thẩm quyền ký (--type signer)",
        "issue number and date go with --type signer",
      );
    if (!o.font) throw missing("font", "phông chữ để ghi số và ngày ban hành");
    if (o.issueNumber !== undefined && !/^\d{1,6}$/.test(o.issueNumber.trim())) {
      throw new VanthuError("BAD_ISSUE_NUMBER", `Số văn bản không hợp lệ: "${o.issueNumber}" (chỉ gồm chữ số)`, "issue number must be digits");
    }
  }
  if (o.sealMm !== undefined && !(o.sealMm >= 10 && o.sealMm <= 80))
    throw new VanthuError("BAD_SEAL_SIZE", "Kích thước con dấu phải từ 10 đến 80 mm", "--seal-mm must be between 10 and 80");
}

/** Text segments of a page: each line split where a wide gap separates columns. */
export function pageSegments(pdf: PDF, pageIndex: number): TextSegment[] {
  const page = pdf.getPage(pageIndex);
  if (!page) return [];
  const out: TextSegment[] = [];
  for (const line of quietly(() => page.extractText()).lines) {
    let cur: TextSegment | undefined;
    for (const span of line.spans) {
      const b = { x: span.bbox.x, y: span.bbox.y, width: span.bbox.width, height: span.bbox.height };
      if (cur && b.x - (cur.box.x + cur.box.width) < Math.max(cur.fontSize, span.fontSize) * 2) {
        const right = Math.max(cur.box.x + cur.box.width, b.x + b.width);
        const bottom = Math.min(cur.box.y, b.y);
        const top = Math.max(cur.box.y + cur.box.height, b.y + b.height);
        cur.text += (b.x - (cur.box.x + cur.box.width) > span.fontSize * 0.15 && !cur.text.endsWith(" ") && !span.text.startsWith(" ") ? " " : "") + span.text;
        cur.box = { x: cur.box.x, y: bottom, width: right - cur.box.x, height: top - bottom };
      } else {
        cur = { text: span.text, box: b, fontSize: span.fontSize };
        out.push(cur);
      }
    }
  }
  return out.map((s) => ({ ...s, text: s.text.trim() }));
}

export function pageChars(pdf: PDF, pageIndex: number): PageChar[] {
  const page = pdf.getPage(pageIndex);
  if (!page) return [];
  return quietly(() => page.extractText()).lines.flatMap((l) =>
    l.spans.flatMap((sp) =>
      sp.chars.map((c) => ({
        char: c.char,
        box: { x: c.bbox.x, y: c.bbox.y, width: c.bbox.width, height: c.bbox.height },
        fontSize: c.fontSize,
        baseline: c.baseline,
      })),
    ),
  );
}

/** Writes the number and date of issue into the draft's blanks on page 1 (page content). */
function writeIssueNumberAndDate(pdf: PDF, o: PrepareOptions, signingTime: Date): void {
  if (hasSignatures(pdf)) {
    throw new VanthuError(
      "ISSUE_AFTER_SIGNATURE",
      "Văn bản đã có chữ ký số: số và ngày ban hành phải được ghi trước chữ ký đầu tiên",
      "the document is already signed: the issue number and date must be written before the first signature",
    );
  }
  const page = pdf.getPage(0)!;
  const blanks = findIssueBlanks(pageChars(pdf, 0));
  const font = pdf.embedFont(o.font!);
  const write = (text: string, a: TextAnchor) => {
    const w = textWidth(font, text, a.fontSize);
    const x = a.x ?? (a.xRight !== undefined ? a.xRight - w : (a.xCentre ?? 0) - w / 2);
    page.drawText(text, { x, y: a.baseline, font, size: a.fontSize, color: rgb(0, 0, 0) });
  };
  if (o.issueNumber !== undefined) {
    if (!blanks.number)
      throw new VanthuError("NO_NUMBER_BLANK", 'Không tìm thấy chỗ trống để ghi số văn bản ("Số:      /…") ở trang 1', 'no "Số: /…" blank on page 1');
    write(formatIssueNumber(o.issueNumber), blanks.number);
  }
  if (blanks.day && blanks.month) {
    const d = issueDateParts(o.issueDate ?? signingTime);
    write(d.day, blanks.day);
    write(d.month, blanks.month);
    if (blanks.year) write(d.year, blanks.year);
  } else if (o.issueDate !== undefined) {
    throw new VanthuError("NO_DATE_BLANK", 'Không tìm thấy chỗ trống để ghi ngày ban hành ("ngày … tháng … năm …") ở trang 1', "no date blank on page 1");
  }
}

interface ExistingSignatureWidget {
  rect: Box;
  pageIndex: number;
}

/** Visible signature widgets already on the document (latest last), to place the seal by. */
function visibleSignatureWidgets(pdf: PDF): ExistingSignatureWidget[] {
  const out: ExistingSignatureWidget[] = [];
  const resolve = (o: unknown) => (o instanceof PdfRef ? pdf.getObject(o) : o);
  pdf.getPages().forEach((page, pageIndex) => {
    const annots = resolve(page.dict.get("Annots"));
    if (!(annots instanceof PdfArray)) return;
    for (let i = 0; i < annots.length; i++) {
      const a = resolve(annots.at(i));
      if (!(a instanceof PdfDict)) continue;
      const ft = a.get("FT") ?? (resolve(a.get("Parent")) as PdfDict | undefined)?.get?.("FT");
      if (!(ft instanceof PdfName) || ft.value !== "Sig") continue;
      const r = resolve(a.get("Rect"));
      if (!(r instanceof PdfArray) || r.length !== 4) continue;
      const [x1, y1, x2, y2] = [0, 1, 2, 3].map((k) => {
        const v = resolve(r.at(k));
        return v instanceof PdfNumber ? v.value : 0;
      }) as [number, number, number, number];
      const rect = { x: Math.min(x1, x2), y: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) };
      if (rect.width > 1 && rect.height > 1) out.push({ rect, pageIndex });
    }
  });
  return out;
}

function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * The preferred box, or the nearest free place to its left, then below it: a document
 * copied and then sent with an appendix must not get two text blocks on top of each other.
 */
function freeBoxNear(preferred: Box, page: { width: number; height: number }, taken: Box[], bandBottom: number): Box {
  for (let row = 0; row < 2; row++) {
    for (let col = 0; col < 4; col++) {
      const c = { ...preferred, x: preferred.x - col * (preferred.width + 8), y: preferred.y - row * (preferred.height + 2) };
      if (c.x < 0 || c.y < bandBottom - 2 || c.y + c.height > page.height) continue;
      if (!taken.some((t) => intersects(c, t))) return c;
    }
  }
  return preferred;
}

/** True when any signature field of the document holds a signature value. */
function hasSignatures(pdf: PDF): boolean {
  const resolve = (o: unknown) => (o instanceof PdfRef ? pdf.getObject(o) : o);
  const acro = resolve(pdf.getCatalog().get("AcroForm"));
  const fields = acro instanceof PdfDict ? resolve(acro.get("Fields")) : undefined;
  const stack: unknown[] = fields instanceof PdfArray ? Array.from({ length: fields.length }, (_, i) => fields.at(i)) : [];
  for (let guard = 0; stack.length > 0 && guard < 10_000; guard++) {
    const f = resolve(stack.pop());
    if (!(f instanceof PdfDict)) continue;
    const ft = f.get("FT");
    if (ft instanceof PdfName && ft.value === "Sig" && resolve(f.get("V")) instanceof PdfDict) return true;
    const kids = resolve(f.get("Kids"));
    if (kids instanceof PdfArray) for (let i = 0; i < kids.length; i++) stack.push(kids.at(i));
  }
  // Signatures outside the form (a widget on a page only) still count.
  return visibleSignatureWidgets(pdf).length > 0;
}

function uniqueFieldName(pdf: PDF, type: SignatureType): string {
  const names = new Set<string>();
  const acro = pdf.getCatalog().get("AcroForm");
  const acroDict = acro instanceof PdfRef ? pdf.getObject(acro) : acro;
  if (acroDict instanceof PdfDict) {
    const fieldsObj = acroDict.get("Fields");
    const fields = fieldsObj instanceof PdfRef ? pdf.getObject(fieldsObj) : fieldsObj;
    if (fields instanceof PdfArray) {
      for (let i = 0; i < fields.length; i++) {
        const f = fields.at(i);
        const d = f instanceof PdfRef ? pdf.getObject(f) : f;
        const t = d instanceof PdfDict ? d.get("T") : undefined;
        if (t instanceof PdfString) names.add(t.asString());
      }
    }
  }
  for (let i = 1; ; i++) {
    const name = `VanThuSo_${type}_${i}`;
    if (!names.has(name)) return name;
  }
}

/** Appends the widget to the page's /Annots and the field to the AcroForm's /Fields. */
function attachField(pdf: PDF, page: PDFPage, fieldRef: PdfRef): void {
  const catalog = pdf.getCatalog();
  let acro = catalog.get("AcroForm");
  let acroDict = acro instanceof PdfRef ? pdf.getObject(acro) : acro;
  if (!(acroDict instanceof PdfDict)) {
    acroDict = new PdfDict();
    acro = pdf.register(acroDict);
    catalog.set("AcroForm", acro);
  }
  const ad = acroDict as PdfDict;
  const fieldsObj = ad.get("Fields");
  const fields = fieldsObj instanceof PdfRef ? pdf.getObject(fieldsObj) : fieldsObj;
  if (fields instanceof PdfArray) {
    fields.push(fieldRef);
    if (fieldsObj instanceof PdfRef) {
      // Make sure the indirect array is written in the update.
      markForUpdate(fields);
    }
  } else {
    ad.set("Fields", new PdfArray([fieldRef]));
  }
  ad.set("SigFlags", PdfNumber.of(3));
  markForUpdate(ad);
  if (!(acro instanceof PdfRef)) markForUpdate(catalog);
  const annotsObj = page.dict.get("Annots");
  const annots = annotsObj instanceof PdfRef ? pdf.getObject(annotsObj) : annotsObj;
  if (annots instanceof PdfArray) {
    annots.push(fieldRef);
    if (annotsObj instanceof PdfRef) markForUpdate(annots);
    else markForUpdate(page.dict);
  } else {
    page.dict.set("Annots", new PdfArray([fieldRef]));
  }
}

/** Bytes reserved in /Contents: the real certificates and key size, plus room for a timestamp. */
function contentsSize(certs: Uint8Array[], keyBytes: number, withTimestamp: boolean): number {
  const certBytes = certs.reduce((s, c) => s + c.length + 8, 0);
  return certBytes + keyBytes + 1200 + (withTimestamp ? 12_000 : 0);
}

/** The public key's bit string bounds the signature's size (RSA 3072 tokens exist: never assume 2048). */
function keySizeBytes(certDer: Uint8Array): number {
  const cert = pkijs.Certificate.fromBER(certDer.slice().buffer);
  return cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView.length + 16;
}

/**
 * Signs a PDF with one of the five signatures of Điều 13, as a new revision appended to
 * the file (the original bytes are untouched, so earlier signatures stay valid):
 * PAdES baseline B-B (ETSI.CAdES.detached, SHA-256, signing-certificate-v2), or B-T when a
 * time-stamp authority is given.
 */

/**
 * Prepares one of the five signatures of Điều 13 as a new revision appended to the file
 * (the original bytes are untouched, so earlier signatures stay valid).
 */
export async function prepareSignature(input: Uint8Array, options: PrepareOptions): Promise<PreparedSignature> {
  const crypto = options.crypto ?? globalThis.crypto;
  const draft = await buildRevision(input, options);
  const bytes = new Uint8Array(input.length + draft.section.length);
  bytes.set(input, 0);
  bytes.set(draft.section, input.length);
  const [a, alen, b, blen] = draft.byteRange;
  const ranges = [bytes.subarray(a, a + alen), bytes.subarray(b, b + blen)];
  let documentDigest: Uint8Array;
  if (bytes.length < JOIN_BELOW) documentDigest = await digest(options.digestAlgorithm, ranges, crypto);
  else {
    // WebCrypto digests one buffer only: a large file is hashed in place rather than joined.
    const h = (options.hash ?? nobleHashFactory)(options.digestAlgorithm);
    for (const r of ranges) h.update(r);
    documentDigest = h.digest();
  }
  const { section: _, ...rest } = draft;
  return { ...rest, ...(await signerInfoFor(documentDigest, options, crypto)), bytes, documentDigest };
}

/**
 * The same first step for a file read by position (the CLI): `skeleton` is the file without
 * its large images (shared/pdf/skeleton.ts), `fileHash` has been given every byte of the file
 * in the pass that read it. Returns the appended section only; the file is never held.
 */
export async function prepareAppendedSignature(
  file: { skeleton: PdfSkeleton; source: ByteSource; fileHash: IncrementalHash },
  options: PrepareOptions,
): Promise<PreparedAppend> {
  const crypto = options.crypto ?? globalThis.crypto;
  const n = file.skeleton.bytes.length;
  const draft = await buildRevision(file.skeleton.bytes, options, file);
  const { contentsStart, contentsEnd } = draft.placeholder;
  file.fileHash.update(draft.section.subarray(0, contentsStart - n));
  file.fileHash.update(draft.section.subarray(contentsEnd + 1 - n));
  const documentDigest = file.fileHash.digest();
  return { ...draft, ...(await signerInfoFor(documentDigest, options, crypto)), documentDigest };
}

async function signerInfoFor(documentDigest: Uint8Array, options: PrepareOptions, crypto: Crypto) {
  const signerInfo = await prepareSignerInfo({
    documentDigest,
    certificate: options.certificates.certificate,
    digestAlgorithm: options.digestAlgorithm,
    signatureAlgorithm: options.signatureAlgorithm,
    crypto,
  });
  return { signerInfo, signedAttributes: signerInfo.signedAttributesDer, digestAlgorithm: options.digestAlgorithm };
}

/** Below this size the signed ranges are joined and hashed by WebCrypto (fast); above, hashed in place. */
const JOIN_BELOW = 32 << 20;

/** The new revision, before any digest: the appended section, /ByteRange filled in, /Contents all zeros. */
interface RevisionDraft {
  section: Uint8Array;
  byteRange: [number, number, number, number];
  placeholder: SignaturePlaceholder;
  fieldName: string;
  rect: Box;
  pageIndex: number;
  textBlock?: Box;
  signingTime: Date;
  originalLength: number;
}

/** Omitted image data must be exactly what the parser sees as those streams' data: anything else is read back in. */
function checkOmissions(pdf: PDF, file: { skeleton: PdfSkeleton; source: ByteSource }): OmittedData[] {
  const kept: OmittedData[] = [];
  for (const o of file.skeleton.omitted) {
    const obj = pdf.getObject(PdfRef.of(o.objectNumber, o.generation));
    const data = obj instanceof PdfStream ? obj.data : undefined;
    const same = data !== undefined && data.buffer === file.skeleton.bytes.buffer && data.byteOffset === o.start && data.length === o.end - o.start;
    if (same) kept.push(o);
    else fill(file.source, file.skeleton.bytes, o);
  }
  file.skeleton.omitted = kept;
  return kept;
}

async function buildRevision(input: Uint8Array, options: PrepareOptions, file?: { skeleton: PdfSkeleton; source: ByteSource }): Promise<RevisionDraft> {
  requireOptions(options);
  const signingTime = new Date(Math.floor((options.signingTime ?? new Date()).getTime() / 1000) * 1000);
  const certs = options.certificates;
  checkSigningCertificate(certs.certificate, signingTime);
  if (options.image) assertSignatureImage(options.image, options.type === "issuer" ? "seal" : "signature");

  const pdf = await openPdfForUpdate(input);
  const omitted = file ? checkOmissions(pdf, file) : [];
  if (docMdpPermission(pdf) === 1) {
    // A certification signature that allows no change: any new revision would break it.
    throw new VanthuError(
      "DOCMDP_LOCKED",
      "Văn bản đã được chứng thực và khóa mọi thay đổi; không thể ký thêm",
      "document is certified with DocMDP P=1 (no changes allowed)",
    );
  }
  const pageCount = pdf.getPageCount();
  const defaultPage = options.type === "signer" || options.type === "issuer" ? pageCount : 1;
  const pageNo = options.page ?? defaultPage;
  if (!Number.isInteger(pageNo) || pageNo < 1 || pageNo > pageCount) {
    throw new VanthuError("BAD_PAGE", `Trang ${pageNo} không có trong văn bản (${pageCount} trang)`, `page ${pageNo} out of range 1..${pageCount}`);
  }
  const pageIndex = pageNo - 1;
  const page = pdf.getPage(pageIndex)!;
  const pageBox = { width: page.width, height: page.height };

  if (options.issueNumber !== undefined || options.issueDate !== undefined) writeIssueNumberAndDate(pdf, options, signingTime);

  let rect: Box;
  let appearance: PdfRef | undefined;
  let textBlock: Box | undefined;
  if (options.type === "signer" || options.type === "issuer") {
    const image = embedPngChecked(pdf, options.image!);
    const aspect = image.width / image.height;
    if (options.rect) rect = options.rect;
    else if (options.type === "signer") {
      const block = findSignatureBlock(pageSegments(pdf, pageIndex));
      if (!block) {
        throw new VanthuError(
          "NO_SIGNATURE_BLOCK",
          `Không tìm thấy chức vụ và họ tên người ký ở trang ${pageNo}; hãy chỉ rõ vị trí bằng --page và --rect`,
          `could not locate the signer's title and name on page ${pageNo}; give --page and --rect`,
        );
      }
      rect = signatureImageBox(block, aspect);
    } else {
      const signerWidget = visibleSignatureWidgets(pdf)
        .filter((w) => w.pageIndex === pageIndex)
        .pop();
      if (!signerWidget) {
        throw new VanthuError(
          "NO_SIGNER_SIGNATURE",
          `Văn bản chưa có chữ ký của người có thẩm quyền ở trang ${pageNo}; cơ quan ký sau người có thẩm quyền (hoặc chỉ rõ --rect)`,
          `no visible signer signature on page ${pageNo} to place the seal against; sign as signer first or give --rect`,
        );
      }
      rect = sealBox(signerWidget.rect, options.sealMm ?? DEFAULT_SEAL_MM, aspect);
    }
    if (options.type === "issuer") assertSealOnPage(rect, pageBox, pageNo);
    appearance = new AppearanceBuilder(pdf, rect.width, rect.height).drawImage(image, { x: 0, y: 0, width: rect.width, height: rect.height }).build();
  } else {
    // Copies, attachments and appendices: no image; a text block at the top right of page 1.
    const font = pdf.embedFont(options.font!);
    const iso = formatIsoVietnam(signingTime);
    const lines =
      options.type === "copy"
        ? [options.copyForm!.normalize("NFC"), options.org!.normalize("NFC").trim(), iso]
        : [options.docNumber!.normalize("NFC").trim(), iso];
    const missing = lines.flatMap((l) => font.getUnencodableCharacters(l));
    if (missing.length > 0) {
      throw new VanthuError(
        "FONT_COVERAGE",
        `Phông chữ không có ký tự: ${[...new Set(missing)].join(" ")}`,
        `font lacks characters: ${[...new Set(missing)].join(" ")}`,
      );
    }
    const width = Math.max(...lines.map((l) => textWidth(font, l, TEXT_SIZE)));
    const preferred = topRightTextBox(pageBox, width, lines.length, TEXT_SIZE);
    // What the block must not cover: earlier signature widgets, and text that lies wholly in
    // the top margin (20 mm, Nghị định 30/2020 Phụ lục I) — earlier text blocks drawn there.
    const marginBottom = pageBox.height - 20 * POINTS_PER_MM;
    const taken = [
      ...pageSegments(pdf, pageIndex)
        .map((t) => t.box)
        .filter((b) => b.y >= marginBottom),
      ...visibleSignatureWidgets(pdf)
        .filter((w) => w.pageIndex === pageIndex)
        .map((w) => w.rect),
    ];
    const block = options.rect ?? freeBoxNear(preferred, pageBox, taken, marginBottom);
    textBlock = block;
    if (!hasSignatures(pdf)) {
      // On an unsigned file the block goes into page 1's content, in the revision this
      // signature covers: text search and pdftotext find it, and the signature is invisible.
      lines.forEach((line, i) => {
        page.drawText(line, {
          x: block.x + 2,
          y: block.y + block.height - 2 - TEXT_SIZE * 0.9 - i * TEXT_SIZE * 1.2,
          font,
          size: TEXT_SIZE,
          color: rgb(0, 0, 0),
        });
      });
      rect = { x: 0, y: 0, width: 0, height: 0 };
      appearance = undefined;
    } else {
      // On a file that is already signed (a copy of a signed original), changing page
      // content would be a change "after the signature" that every strict verifier refuses.
      // The block is then the appearance of this signature's widget: an allowed change.
      rect = block;
      appearance = new AppearanceBuilder(pdf, block.width, block.height).drawTextLines(font, lines, 2, block.height - 2 - TEXT_SIZE * 0.9, TEXT_SIZE).build();
    }
  }

  const withTimestamp = Boolean(options.withTimestamp);
  const reserve = contentsSize([certs.certificate, ...certs.chain], keySizeBytes(certs.certificate), withTimestamp);
  const sigDict = PdfDict.of({
    Type: PdfName.of("Sig"),
    Filter: PdfName.of("Adobe.PPKLite"),
    SubFilter: PdfName.of("ETSI.CAdES.detached"),
    ByteRange: new PdfArray([PdfNumber.of(0), PdfNumber.of(9_999_999_999), PdfNumber.of(9_999_999_999), PdfNumber.of(9_999_999_999)]),
    Contents: new PdfString(new Uint8Array(reserve), "hex"),
    M: PdfString.fromString(formatPdfDate(signingTime)),
    Reason: PdfString.fromString(reasonFor(options)),
    Location: PdfString.fromString(options.location ?? "Hải Phòng, Việt Nam"),
  });
  const sigRef = pdf.register(sigDict);
  const fieldName = uniqueFieldName(pdf, options.type);
  const widget = PdfDict.of({
    Type: PdfName.of("Annot"),
    Subtype: PdfName.of("Widget"),
    FT: PdfName.of("Sig"),
    T: PdfString.fromString(fieldName),
    V: sigRef,
    // Print, and Locked so that viewers do not move or delete it.
    F: PdfNumber.of(4 + 128),
    P: page.ref,
    Rect: new PdfArray([PdfNumber.of(rect.x), PdfNumber.of(rect.y), PdfNumber.of(rect.x + rect.width), PdfNumber.of(rect.y + rect.height)]),
  });
  if (appearance) widget.set("AP", PdfDict.of({ N: appearance }));
  const fieldRef = pdf.register(widget);
  attachField(pdf, page, fieldRef);

  for (const o of omitted) {
    // An omitted image rewritten in the update would be written with its data missing.
    if (isMarkedForUpdate(pdf.getObject(PdfRef.of(o.objectNumber, o.generation))))
      throw new Error(`object ${o.objectNumber} was left out of memory but is being rewritten`);
  }
  const section = await saveAppendedRevision(pdf, { length: input.length, lastByte: input[input.length - 1] ?? 0x0a });
  const n = input.length;
  const local = findSignaturePlaceholder(section, sigRef.objectNumber, 0);
  const placeholder = {
    byteRangeStart: local.byteRangeStart + n,
    byteRangeEnd: local.byteRangeEnd + n,
    contentsStart: local.contentsStart + n,
    contentsEnd: local.contentsEnd + n,
  };
  const byteRange = signedRanges(n + section.length, placeholder);
  patchByteRange(section, local, byteRange);
  return { section, byteRange, placeholder, fieldName, rect, pageIndex, textBlock, signingTime, originalLength: n };
}

function embedPngChecked(pdf: PDF, png: Uint8Array) {
  const size = pngSize(png);
  if (!size) throw new VanthuError("BAD_IMAGE", "Ảnh không phải là tệp PNG hợp lệ", "image is not a valid PNG file");
  try {
    return pdf.embedPng(png);
  } catch (e) {
    throw new VanthuError("BAD_IMAGE", "Ảnh PNG bị hỏng hoặc không được hỗ trợ", `PNG could not be embedded: ${(e as Error).message}`, { cause: e });
  }
}
