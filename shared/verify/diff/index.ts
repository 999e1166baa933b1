import { PdfStream, dictOf } from "../pdf/objects.ts";
import type { RevisionView } from "../pdf/document.ts";
import { DiffContext, maxLevel, type ClearedChange, type DiffRule, type DisallowedChange, type ModificationLevel } from "./context.ts";
import { unchangedObjectsRule } from "./rules/unchanged-objects.ts";
import { trailerRule } from "./rules/trailer.ts";
import { catalogRule } from "./rules/catalog.ts";
import { acroFormRule } from "./rules/acroform.ts";
import { signatureFieldRule } from "./rules/signature-fields.ts";
import { pageAnnotsRule } from "./rules/page-annots.ts";
import { annotationsRule } from "./rules/annotations.ts";
import { annotationsOverImagesRule } from "./rules/annotations-over-images.ts";
import { formFillRule } from "./rules/form-fill.ts";
import { structureTreeRule } from "./rules/structure-tree.ts";
import { dssRule } from "./rules/dss.ts";
import { metadataRule } from "./rules/metadata.ts";
import { fileStructureRule } from "./rules/file-structure.ts";
import { freedObjectsRule } from "./rules/freed-objects.ts";

export * from "./context.ts";
export {
  unchangedObjectsRule,
  trailerRule,
  catalogRule,
  acroFormRule,
  signatureFieldRule,
  pageAnnotsRule,
  annotationsRule,
  annotationsOverImagesRule,
  formFillRule,
  structureTreeRule,
  dssRule,
  metadataRule,
  fileStructureRule,
  freedObjectsRule,
};

/** Every rule; their order does not matter (each reads the context, none reads another's state). */
export const DEFAULT_RULES: readonly DiffRule[] = [
  unchangedObjectsRule,
  trailerRule,
  catalogRule,
  acroFormRule,
  signatureFieldRule,
  pageAnnotsRule,
  annotationsRule,
  annotationsOverImagesRule,
  formFillRule,
  structureTreeRule,
  dssRule,
  metadataRule,
  fileStructureRule,
  freedObjectsRule,
];

function describe(ctx: DiffContext, n: number): string {
  const v = ctx.cur.get(n);
  const before = ctx.old.get(n);
  const d = dictOf(v);
  const t = d?.name("Type") ?? d?.name("Subtype");
  const kind = t ? `/${t} ` : v instanceof PdfStream ? "stream " : "";
  return before === undefined ? `new ${kind}object ${n} used by the document` : `${kind}object ${n} was replaced`;
}

export interface UpdateAnalysis {
  fromRevision: number;
  toRevision: number;
  level: ModificationLevel;
  cleared: ClearedChange[];
  disallowed: DisallowedChange[];
}

export function analyseUpdate(old: RevisionView, cur: RevisionView, rules: readonly DiffRule[] = DEFAULT_RULES): UpdateAnalysis {
  const ctx = new DiffContext(old, cur);
  for (const r of rules) r.apply(ctx);
  const { cleared, disallowed, pending } = ctx.verdicts();
  for (const n of pending) disallowed.push({ num: n, rule: "not-cleared", what: describe(ctx, n) });
  let level: ModificationLevel = "NONE";
  for (const c of cleared) level = maxLevel(level, c.level);
  if (disallowed.length > 0) level = "OTHER";
  return { fromRevision: old.revision.index, toRevision: cur.revision.index, level, cleared, disallowed };
}
