import { VanthuError } from "../../../shared/errors.ts";
import type { StoredDocument, VanthuDb } from "./schema.ts";

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function looksLikePdf(bytes: Uint8Array): boolean {
  // "%PDF-" within the first 1024 bytes, as readers accept.
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 1024));
  return head.includes("%PDF-");
}

/** Keeps a PDF byte for byte under its SHA-256 (R15); storing the same bytes twice keeps one copy. */
export async function putDocument(db: VanthuDb, bytes: Uint8Array, name: string, now = new Date()): Promise<string> {
  if (!looksLikePdf(bytes)) {
    throw new VanthuError("web.not-pdf", `Tệp "${name}" không phải là tệp PDF.`, `File "${name}" is not a PDF`);
  }
  const sha256 = await sha256Hex(bytes);
  await db.transaction("rw", db.documents, async () => {
    if (await db.documents.get(sha256)) return;
    const doc: StoredDocument = { sha256, bytes: bytes.slice(), size: bytes.byteLength, name, createdAt: now.toISOString() };
    await db.documents.add(doc);
  });
  return sha256;
}

/** Reads a kept PDF and checks it against its SHA-256 before anyone sees it (R15). */
export async function getDocument(db: VanthuDb, sha256: string): Promise<StoredDocument> {
  const doc = await db.documents.get(sha256);
  if (!doc) {
    throw new VanthuError("web.document-missing", "Không tìm thấy tệp văn bản trong bộ nhớ của trình duyệt.", `Document ${sha256} not found`);
  }
  const actual = await sha256Hex(doc.bytes);
  if (actual !== sha256) {
    throw new VanthuError(
      "web.document-corrupt",
      "Tệp văn bản đã bị thay đổi so với bản gốc (SHA-256 không khớp). Hãy lấy lại bản gốc từ máy chủ.",
      `Stored document ${sha256} hashes to ${actual}`,
    );
  }
  return doc;
}
