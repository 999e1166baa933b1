import type { Role } from "../../../shared/sync/schemas.ts";

/** The server's role names, as people in the office say them. */
export const ROLE_LABELS_VI: Record<Role, string> = {
  clerk: "Văn thư",
  leader: "Lãnh đạo (người có thẩm quyền ký)",
  signature_officer: "Phụ trách chữ ký số",
  district_it: "Cán bộ công nghệ thông tin (quản lý nhiều cơ quan)",
  admin: "Quản trị hệ thống",
  inspector: "Thanh tra, kiểm tra",
};

export function rolesVi(roles: readonly Role[]): string {
  return roles.length ? roles.map((r) => ROLE_LABELS_VI[r]).join(", ") : "chưa có vai trò";
}
