/**
 * The one place where the project reaches past @libpdf/core's public API. @libpdf/core is a 0.x
 * release, pinned exactly in package.json; libpdf-adapter.test.ts fails when an update moves
 * what these functions rely on, so an upgrade is a decision, not a surprise.
 */
import type { PDF, PdfArray, PdfDict } from "@libpdf/core";

/** The version these functions were written against (package.json pins the same). */
export const LIBPDF_VERSION = "0.4.2";

/**
 * @libpdf/core refuses an incremental save of a linearized file, although ISO 32000-1 allows
 * appending a revision to one (the linearization hints then simply stop being used). It keeps
 * that refusal in a private field, which this clears; throws if the field is no longer there.
 */
export function allowAppendToLinearized(pdf: PDF): void {
  const inner = pdf as unknown as { _isLinearized?: unknown };
  if (typeof inner._isLinearized !== "boolean") throw new Error("@libpdf/core changed: PDF._isLinearized is gone (see shared/pdf/libpdf-adapter.ts)");
  inner._isLinearized = false;
}

/**
 * Marks an object changed so the incremental save writes it again: needed for an indirect
 * array or dictionary changed through a path that does not set the flag itself.
 */
export function markForUpdate(obj: PdfDict | PdfArray): void {
  obj.dirty = true;
}

/**
 * Runs `save` with @libpdf/core believing the original file is `stand_in`. Its incremental
 * save copies the whole original into a buffer twice its size before appending: on a 100 MB
 * scan that alone is 100–200 MB. Given a one-byte stand-in (the file's last byte, which
 * decides whether an end of line is written first), it writes the appended section only,
 * with offsets counted from the stand-in; `appendedSection` (append.ts) moves them to the
 * file's. Throws if the private field is no longer there.
 */
export async function withOriginalBytes<T>(pdf: PDF, standIn: Uint8Array, save: () => Promise<T>): Promise<T> {
  const inner = pdf as unknown as { originalBytes?: unknown };
  if (!(inner.originalBytes instanceof Uint8Array)) throw new Error("@libpdf/core changed: PDF.originalBytes is gone (see shared/pdf/libpdf-adapter.ts)");
  const original = inner.originalBytes;
  inner.originalBytes = standIn;
  try {
    return await save();
  } finally {
    inner.originalBytes = original;
  }
}

/** Whether an object is marked to be written again by the incremental save. */
export function isMarkedForUpdate(obj: unknown): boolean {
  return Boolean((obj as { dirty?: unknown } | null)?.dirty);
}
