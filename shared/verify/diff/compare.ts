import { PdfDict, PdfRef, PdfStream, PdfString, bytesEqual, sameNumber, type PdfValue } from "../pdf/objects.ts";
import type { RevisionView } from "../pdf/document.ts";

/**
 * Whether two values show the same thing, each read in its own revision: references are
 * followed (a writer may turn a direct value into an object or back), numbers compare as
 * numbers. Bounded in depth and in objects visited.
 */
export function samePdfContent(
  va: RevisionView,
  a: PdfValue | undefined,
  vb: RevisionView,
  b: PdfValue | undefined,
  budget = { left: 10_000 },
  depth = 0,
): boolean {
  if (depth > 64 || --budget.left < 0) return false;
  if (a instanceof PdfRef && b instanceof PdfRef && a.num === b.num && a.gen === b.gen) {
    const ea = va.entry(a.num);
    const eb = vb.entry(b.num);
    if (JSON.stringify(ea) === JSON.stringify(eb)) return true;
  }
  const x = a instanceof PdfRef ? va.resolve(a) : (a ?? null);
  const y = b instanceof PdfRef ? vb.resolve(b) : (b ?? null);
  if (typeof x === "number" && typeof y === "number") return sameNumber(x, y);
  if (x === null || y === null || typeof x !== "object" || typeof y !== "object") return x === y;
  if (Array.isArray(x)) return Array.isArray(y) && x.length === y.length && x.every((e, i) => samePdfContent(va, e, vb, y[i], budget, depth + 1));
  if (x instanceof PdfString) return y instanceof PdfString && bytesEqual(x.bytes, y.bytes);
  if (x instanceof PdfStream)
    return (
      y instanceof PdfStream &&
      x.length === y.length &&
      samePdfContent(va, x.dict, vb, y.dict, budget, depth + 1) &&
      (x.sameSpan(y) || bytesEqual(x.data, y.data))
    );
  if (x instanceof PdfDict) {
    if (!(y instanceof PdfDict) || x.map.size !== y.map.size) return false;
    for (const [k, v] of x.map) if (!y.map.has(k) || !samePdfContent(va, v, vb, y.map.get(k), budget, depth + 1)) return false;
    return true;
  }
  return "name" in x && "name" in y ? (x as { name: string }).name === (y as { name: string }).name : false;
}
