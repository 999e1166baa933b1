import { holderKindOf } from "../../domain/roles.ts";
import { refusal, type PolicyContext, type PolicyRule } from "./types.ts";
import { inventoryEntryOf } from "./inventory.ts";

export function certificateFacts(ctx: PolicyContext) {
  const f = (oid: string) => ctx.certificate.subjectName.getField(oid)[0];
  return { commonName: f("CN") ?? ctx.certificate.subject, title: f("2.5.4.12"), organization: f("O") };
}

/**
 * R8: the organisation's certificate makes the organisation's signatures (issuer, copy, and
 * the attachments and appendices it issues), a person's certificate only the signer's. The
 * inventory says which kind a certificate is; without it, the certificate's name does
 * (organisation certificates name the body in capitals and carry no title).
 */
export const holderKind: PolicyRule = async (ctx) => {
  const entry = await inventoryEntryOf(ctx);
  const kind = holderKindOf({ ...certificateFacts(ctx), holderKind: entry?.holderKind });
  if (!entry) ctx.notes.push(`holder kind "${kind}" judged from the certificate's name and title (no inventory entry)`);
  if (ctx.input.kind === "signer" && kind === "organisation") {
    return [
      refusal(
        "holder-kind",
        "policy.r8-org-cert-for-person",
        "Không được dùng chứng thư số của cơ quan, tổ chức để ký với tư cách người có thẩm quyền.",
        "an organisation certificate cannot make the signer's signature",
      ),
    ];
  }
  if (ctx.input.kind !== "signer" && kind === "person") {
    return [
      refusal(
        "holder-kind",
        "policy.r8-person-cert-for-org",
        "Không được dùng chứng thư số cá nhân để ký với tư cách cơ quan, tổ chức (đóng dấu, sao, phụ lục, văn bản kèm theo).",
        `a person's certificate cannot make the ${ctx.input.kind} signature`,
      ),
    ];
  }
  return [];
};
