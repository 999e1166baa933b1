import { ROLE_LABELS_VI } from "../../../shared/sync/rules.ts";
import type { Role } from "../../../shared/sync/schemas.ts";

/** The account's roles as the office says them (the server's one table of labels). */
export function rolesVi(roles: readonly Role[]): string {
  return roles.length ? roles.map((r) => ROLE_LABELS_VI[r]).join(", ") : "chưa có vai trò";
}
