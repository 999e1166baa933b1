import type { DocumentHeader, Role } from "../../shared/sync/schemas.ts";
import { SyncError, forbidden } from "../errors.ts";
import type { Actor } from "./context.ts";

export const CLERK_ROLES: Role[] = ["clerk", "admin"];

export function requireRole(actor: Actor, roles: Role[], whatVi: string, whatEn: string) {
  if (!actor.roles.some((r) => roles.includes(r))) {
    throw forbidden(`Chỉ văn thư mới được ${whatVi}.`, `Only a clerk may ${whatEn}`);
  }
}

/** R9: documents classified as state secrets are never sent or stored here. */
export function refuseClassified(h: DocumentHeader) {
  if (h.secrecy && h.secrecy !== "none") {
    throw new SyncError(
      422,
      "classified_document",
      "Văn bản mật (Mật, Tối mật, Tuyệt mật) không được gửi hay lưu trên hệ thống này (Điều 4.1 Quy định).",
      `Classified document (${h.secrecy}) refused (R9)`,
    );
  }
}
