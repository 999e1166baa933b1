import { PdfDict, PdfName, PdfRef, PdfString, type PdfValue } from "./objects.ts";
import type { PdfFile, Revision, RevisionView } from "./document.ts";

/**
 * Finds the signatures of a document (signature fields with a value, walked from the
 * AcroForm of the last revision, as viewers do) and checks the structure around each:
 * the /ByteRange must cover the signed revision exactly, except the /Contents hex string
 * of the very signature dictionary the field points to. This is what defeats signature
 * wrapping (SWA) and most universal-signature-forgery variants (USF).
 */
export interface SignatureField {
  name: string;
  fieldRef?: PdfRef;
  /** The signature dictionary's object number (it must be indirect to have a byte position). */
  sigRef?: PdfRef;
  sigDict?: PdfDict;
  kind: "signature" | "document-timestamp";
  subFilter?: string;
  /** Raw /M, /Name, /Reason, /Location. */
  m?: string;
  name_?: string;
  reason?: string;
  location?: string;
  byteRange?: [number, number, number, number];
  /** DER of the CMS (padding removed by the caller), when the structure is sound. */
  contents?: Uint8Array;
  signedRevision?: Revision;
  coversWholeDocument: boolean;
  /** Structural defects (English): any of them makes the signature a FORMAT_FAILURE. */
  formatProblems: string[];
  /** Found in an earlier revision but no longer in the document. */
  removed?: boolean;
  /** DocMDP permission (1, 2, 3) when this is a certification signature. */
  docMdp?: number;
}

const MAX_FIELDS = 20_000;

function text(v: PdfValue | undefined): string | undefined {
  return v instanceof PdfString ? v.text() : undefined;
}

/**
 * A signature field has a value: a signature dictionary, or a reference to an object the
 * file has but that cannot be read (damaged /Contents, say) — that is a signature that cannot
 * be checked, never an unsigned field.
 */
function hasValue(view: RevisionView, d: PdfDict): boolean {
  const v = d.get("V");
  if (v === undefined) return false;
  if (view.resolve(v) !== null) return true;
  return v instanceof PdfRef && (view.entry(v.num)?.type ?? 0) !== 0;
}

/** Walks /Fields and /Kids (cycles and depth bounded) and yields terminal signature fields with a value. */
export function listSignatureFields(view: RevisionView): { name: string; ref?: PdfRef; dict: PdfDict }[] {
  const out: { name: string; ref?: PdfRef; dict: PdfDict }[] = [];
  const acro = view.dict(view.catalog()?.get("AcroForm"));
  const fields = view.array(acro?.get("Fields"));
  const seen = new Set<number>();
  let count = 0;
  const walk = (v: PdfValue, parentName: string, inheritedFT: string | undefined, depth: number) => {
    if (depth > 32 || ++count > MAX_FIELDS) return;
    const ref = v instanceof PdfRef ? v : undefined;
    if (ref) {
      if (seen.has(ref.num)) return;
      seen.add(ref.num);
    }
    const d = view.dict(v);
    if (!d) return;
    const partial = text(d.get("T"));
    const name = partial === undefined ? parentName : parentName ? `${parentName}.${partial}` : partial;
    const ft = d.name("FT") ?? inheritedFT;
    const kids = view.array(d.get("Kids"));
    const kidFields = kids?.filter((k) => {
      const kd = view.dict(k);
      return kd !== undefined && (kd.has("T") || kd.has("FT") || kd.has("Kids"));
    });
    if (kidFields && kidFields.length > 0) {
      for (const k of kidFields) walk(k, name, ft, depth + 1);
      return;
    }
    if (ft === "Sig" && hasValue(view, d)) out.push({ name: name || "(không tên)", ref, dict: d });
  };
  for (const f of fields ?? []) walk(f, "", undefined, 0);
  // Signature widgets on pages that the form does not list (poppler's pdfsig writes these):
  // readers that scan annotations show them, so they are judged too.
  for (const w of pageSignatureWidgets(view)) {
    if (w.ref && seen.has(w.ref.num)) continue;
    if (w.ref) seen.add(w.ref.num);
    out.push(w);
  }
  return out;
}

/** Page objects in tree order (bounded, cycle-safe). */
export function pages(view: RevisionView, limit = 100_000): { ref?: PdfRef; dict: PdfDict }[] {
  const out: { ref?: PdfRef; dict: PdfDict }[] = [];
  const seen = new Set<number>();
  const walk = (v: PdfValue | undefined, depth: number) => {
    if (depth > 64 || out.length >= limit) return;
    if (v instanceof PdfRef) {
      if (seen.has(v.num)) return;
      seen.add(v.num);
    }
    const d = view.dict(v);
    if (!d) return;
    if (d.name("Type") === "Pages" || d.has("Kids")) {
      for (const k of view.array(d.get("Kids")) ?? []) walk(k, depth + 1);
    } else out.push({ ref: v instanceof PdfRef ? v : undefined, dict: d });
  };
  walk(view.catalog()?.get("Pages"), 0);
  return out;
}

function pageSignatureWidgets(view: RevisionView): { name: string; ref?: PdfRef; dict: PdfDict }[] {
  const out: { name: string; ref?: PdfRef; dict: PdfDict }[] = [];
  for (const p of pages(view)) {
    for (const a of view.array(p.dict.get("Annots")) ?? []) {
      const d = view.dict(a);
      if (!d || d.name("Subtype") !== "Widget") continue;
      const parent = view.dict(d.get("Parent"));
      const ft = d.name("FT") ?? parent?.name("FT");
      const holder = d.has("V") ? d : parent?.has("V") ? parent : undefined;
      if (ft !== "Sig" || !holder || !hasValue(view, holder)) continue;
      const parentRef = d.get("Parent");
      const ref = holder === d ? (a instanceof PdfRef ? a : undefined) : parentRef instanceof PdfRef ? parentRef : undefined;
      out.push({ name: text(holder.get("T")) ?? "(không tên)", ref, dict: holder });
      if (out.length > MAX_FIELDS) return out;
    }
  }
  return out;
}

function docMdpOf(view: RevisionView, sig: PdfDict): number | undefined {
  const refs = view.array(sig.get("Reference"));
  for (const r of refs ?? []) {
    const rd = view.dict(r);
    if (rd?.name("TransformMethod") !== "DocMDP") continue;
    const params = view.dict(rd.get("TransformParams"));
    const p = params?.get("P");
    return typeof p === "number" && [1, 2, 3].includes(p) ? p : 2;
  }
  return undefined;
}

/** The signatures as the given revision (default: the last) shows them. */
export function locateSignatures(file: PdfFile, revisionIndex = file.revisions.length - 1): SignatureField[] {
  const view = file.view(revisionIndex);
  const lastRev = file.revisions[file.revisions.length - 1]!;
  const out: SignatureField[] = [];
  for (const f of listSignatureFields(view)) {
    const problems: string[] = [];
    const v = f.dict.get("V");
    const sigRef = v instanceof PdfRef ? v : undefined;
    const sigDict = view.dict(v);
    const sf: SignatureField = { name: f.name, fieldRef: f.ref, sigRef, sigDict, kind: "signature", coversWholeDocument: false, formatProblems: problems };
    out.push(sf);
    if (!sigDict) {
      const why = sigRef ? view.loadErrors.get(sigRef.num) : undefined;
      problems.push(
        why ? `the signature dictionary (object ${sigRef!.num}) is damaged and cannot be read: ${why}` : "the field's /V is not a signature dictionary",
      );
      continue;
    }
    if (!sigRef) problems.push("the signature dictionary is not an indirect object");
    if (sigDict.duplicateKeys) problems.push("the signature dictionary has duplicate keys");
    const type = sigDict.name("Type");
    if (type === "DocTimeStamp") sf.kind = "document-timestamp";
    else if (type !== undefined && type !== "Sig") problems.push(`signature dictionary has /Type /${type}`);
    sf.subFilter = sigDict.name("SubFilter");
    if (sf.subFilter === "ETSI.RFC3161") sf.kind = "document-timestamp";
    sf.m = text(sigDict.get("M"));
    sf.name_ = text(sigDict.get("Name"));
    sf.reason = text(sigDict.get("Reason"));
    sf.location = text(sigDict.get("Location"));
    sf.docMdp = docMdpOf(view, sigDict);

    const br = view.resolve(sigDict.get("ByteRange"));
    const contents = sigDict.get("Contents");
    if (!Array.isArray(br)) {
      problems.push("no /ByteRange array");
      continue;
    }
    if (br.length !== 4 || !br.every((x) => typeof x === "number" && Number.isInteger(x) && x >= 0)) {
      problems.push("/ByteRange is not four non-negative integers");
      continue;
    }
    const [a, b, c, d] = br as [number, number, number, number];
    sf.byteRange = [a, b, c, d];
    if (!(contents instanceof PdfString)) {
      problems.push(contents === undefined ? "no /Contents" : "/Contents is not a string");
      continue;
    }
    if (!contents.hex) problems.push("/Contents is not a hexadecimal string");
    if (contents.bytes.length === 0 || contents.bytes.every((x) => x === 0)) problems.push("/Contents is empty");
    if (a !== 0) problems.push("/ByteRange does not start at the beginning of the file");
    if (!(b > 0 && c > b)) problems.push("/ByteRange ranges are out of order");
    if (c + d > file.length) problems.push("/ByteRange reaches beyond the end of the file");
    // The gap must be exactly the /Contents string of this dictionary, as found by the reader.
    const loaded = sigRef ? view.load(sigRef.num) : undefined;
    if (loaded?.offset === undefined) problems.push("the signature dictionary is inside an object stream");
    else if (contents.start !== b || contents.end !== c)
      problems.push(`the /ByteRange gap [${b}, ${c}) is not the /Contents string at [${contents.start}, ${contents.end})`);
    if (sigDict.end > c + d) problems.push("the signature dictionary lies outside the signed bytes");
    const rev = file.revisionEndingAt(c + d);
    if (!rev) problems.push(`the signed bytes end at ${c + d}, which is not the end of a revision`);
    else {
      sf.signedRevision = rev;
      // The signed revision must itself resolve this signature dictionary at the same place.
      if (sigRef && loaded?.offset !== undefined) {
        const e = rev.entries.get(sigRef.num);
        if (!e || e.type !== 1 || e.offset !== loaded.offset) problems.push("the signature dictionary was replaced after signing");
      }
    }
    sf.coversWholeDocument = rev !== undefined && rev.index === lastRev.index && file.trailingBytes === 0 && c + d >= lastRev.eofAt + 5;
    if (problems.length === 0) sf.contents = contents.bytes;
  }
  return out;
}

export function isPdfName(v: PdfValue | undefined, n: string): boolean {
  return v instanceof PdfName && v.name === n;
}
