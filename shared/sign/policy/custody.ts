import { canSignAsOrganisation, canSignAsPerson } from "../../domain/certificates/signing-guard.ts";
import { holderKindOf } from "../../domain/roles.ts";
import { certificateFacts } from "./holder-kind.ts";
import { inventoryEntryOf } from "./inventory.ts";
import { refusal, type PolicyRule } from "./types.ts";

/**
 * R19–R22 with the office's data: an organisation certificate only by its assigned keeper,
 * and one nobody entered in the inventory not at all; a person's only by its holder; none
 * revoked, suspended or blocked by an open incident. Without the office data (`vanthu sign`
 * on a lone machine) this rule cannot decide and says so in the notes.
 */
export const custody: PolicyRule = async (ctx) => {
  const inv = ctx.input.inventory;
  if (!inv) {
    ctx.notes.push("custody (R22) not checked: no office inventory on this path");
    return [];
  }
  const entry = await inventoryEntryOf(ctx);
  const kind = entry?.holderKind ?? holderKindOf(certificateFacts(ctx));
  if (!entry) {
    if (kind === "organisation") {
      return [
        refusal(
          "custody",
          "policy.r22-uninventoried",
          "Chứng thư số của cơ quan này chưa được ghi vào sổ quản lý chứng thư số của cơ quan, chưa ai được giao quản lý: không được ký.",
          "organisation certificate not in the office inventory",
        ),
      ];
    }
    ctx.notes.push("person's certificate not in the inventory: holder judged by the signature block");
    return [];
  }
  const o = { now: ctx.at, incidents: inv.incidents ?? [] };
  const d = kind === "organisation" ? canSignAsOrganisation(inv.person, entry, inv.custody, o) : canSignAsPerson(inv.person, entry, o);
  return d.allowed ? [] : [refusal("custody", d.code, d.messageVi, d.messageEn)];
};
