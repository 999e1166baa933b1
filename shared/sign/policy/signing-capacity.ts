import { checkBlockAgainstCertificate } from "../../domain/signing-capacity.ts";
import { findSignatureBlock } from "../layout.ts";
import { certificateFacts } from "./holder-kind.ts";
import { inventoryEntryOf } from "./inventory.ts";
import { refusal, type PolicyRule } from "./types.ts";

/**
 * R8 on the page: the title lines and the name printed in the signature block (found where
 * the engine places the signature) against the certificate's holder and title — KT., TL.,
 * TM., Q., TUQ. (shared/domain/signing-capacity.ts). The title comes from the certificate's
 * title attribute, else from the inventory.
 */
export const signingCapacity: PolicyRule = async (ctx) => {
  if (ctx.input.kind !== "signer") return [];
  const pages = await ctx.pageCount();
  const pageIndex = (ctx.input.page ?? pages) - 1;
  const block = findSignatureBlock(await ctx.pageSegments(pageIndex));
  if (!block) {
    ctx.notes.push(`R8: no signature block readable on page ${pageIndex + 1}; title and name not compared`);
    return [];
  }
  const facts = certificateFacts(ctx);
  const title = facts.title ?? (await inventoryEntryOf(ctx))?.title;
  return checkBlockAgainstCertificate({ titleLines: block.title.map((t) => t.text), name: block.name.text }, { commonName: facts.commonName, title }).map((p) =>
    refusal("signing-capacity", p.code, p.messageVi, p.messageEn),
  );
};
