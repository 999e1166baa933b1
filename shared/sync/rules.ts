/**
 * Who may do what: the one table the server enforces on every push and the PWA reads to show
 * a person only what their role can do. Roles and office come from the account on the server
 * (never from the device's settings).
 *
 * `where` is the office the act touches, seen from the account: "own" is the account's own
 * office; "managed" an office that district IT (or an inspector) was given. Every grant names
 * where it holds; a role with no grant for an act cannot do it anywhere.
 */
import type { Role } from "./primitives.ts";

export type Where = "own" | "managed";
export interface Grant {
  role: Role;
  where: readonly Where[];
}
export type RecordOp = "create" | "update" | "delete";

export interface RecordRule {
  entity: string;
  labelVi: string;
  /** office: the office's own data; city: one for the whole city (written only by district IT). */
  scope: "office" | "city";
  /**
   * versioned: every change names the version it was based on; a stale one is a conflict.
   * append_only: records are added, never changed or deleted; distinct ids never conflict, so
   * concurrent appends from any number of devices merge without loss.
   */
  merge: "versioned" | "append_only";
  create: readonly Grant[];
  update: readonly Grant[];
  delete: readonly Grant[];
}

export const ROLE_LABELS_VI: Record<Role, string> = {
  clerk: "Văn thư",
  leader: "Lãnh đạo",
  signature_officer: "Phụ trách chữ ký số",
  district_it: "Cán bộ công nghệ thông tin khu vực",
  admin: "Quản trị hệ thống",
  inspector: "Thanh tra, kiểm tra",
};

const own = (...roles: Role[]): Grant[] => roles.map((role) => ({ role, where: ["own"] }));
const everywhere = (...roles: Role[]): Grant[] => roles.map((role) => ({ role, where: ["own", "managed"] }));
const none: readonly Grant[] = [];

/** Records replicated with record.put / record.delete. An entity not in this table is refused. */
export const RECORD_RULES: Readonly<Record<string, RecordRule>> = {
  outgoing: { entity: "outgoing", labelVi: "Sổ văn bản đi", scope: "office", merge: "versioned", create: own("clerk"), update: own("clerk"), delete: none },
  incoming: { entity: "incoming", labelVi: "Sổ văn bản đến", scope: "office", merge: "versioned", create: own("clerk"), update: own("clerk"), delete: none },
  refusal: { entity: "refusal", labelVi: "Từ chối tiếp nhận", scope: "office", merge: "append_only", create: own("clerk"), update: none, delete: none },
  cert_inventory: {
    entity: "cert_inventory",
    labelVi: "Danh mục chứng thư số",
    scope: "office",
    merge: "versioned",
    create: [...own("signature_officer", "clerk"), ...everywhere("district_it")],
    update: [...own("signature_officer", "clerk"), ...everywhere("district_it")],
    delete: none,
  },
  cert_person: {
    entity: "cert_person",
    labelVi: "Người được cấp chứng thư số",
    scope: "office",
    merge: "versioned",
    create: [...own("signature_officer", "clerk"), ...everywhere("district_it")],
    update: [...own("signature_officer", "clerk"), ...everywhere("district_it")],
    delete: [...own("signature_officer"), ...everywhere("district_it")],
  },
  cert_request: {
    entity: "cert_request",
    labelVi: "Đề nghị chứng thực",
    scope: "office",
    merge: "versioned",
    create: [...own("signature_officer", "clerk", "leader"), ...everywhere("district_it")],
    update: [...own("signature_officer", "clerk", "leader"), ...everywhere("district_it")],
    delete: none,
  },
  cert_incident: {
    entity: "cert_incident",
    labelVi: "Sự cố thiết bị lưu khóa bí mật",
    scope: "office",
    merge: "versioned",
    create: [...own("signature_officer", "clerk", "leader"), ...everywhere("district_it")],
    update: [...own("signature_officer", "clerk"), ...everywhere("district_it")],
    delete: none,
  },
  cert_custody: {
    entity: "cert_custody",
    labelVi: "Giao nhận thiết bị lưu khóa",
    scope: "office",
    merge: "append_only",
    create: [...own("signature_officer", "clerk"), ...everywhere("district_it")],
    update: none,
    delete: none,
  },
  audit_entry: {
    entity: "audit_entry",
    labelVi: "Nhật ký (bản của máy trạm)",
    scope: "office",
    merge: "append_only",
    create: [...own("clerk", "leader", "signature_officer"), ...everywhere("district_it")],
    update: none,
    delete: none,
  },
  // Written only by the server, with its QLVB times and its own role checks (sync-server/incoming,
  // sync-server/edxml): replicated to the office's devices, never pushed by one.
  incoming_handling: {
    entity: "incoming_handling",
    labelVi: "Xử lý văn bản đến (trình, giao, ký nhận)",
    scope: "office",
    merge: "versioned",
    create: none,
    update: none,
    delete: none,
  },
  edxml_recall: {
    entity: "edxml_recall",
    labelVi: "Đề nghị thu hồi, cập nhật văn bản đến (edXML)",
    scope: "office",
    merge: "versioned",
    create: none,
    update: none,
    delete: none,
  },
  holiday_calendar: {
    entity: "holiday_calendar",
    labelVi: "Lịch ngày nghỉ",
    scope: "city",
    merge: "versioned",
    create: [...everywhere("district_it"), ...own("admin")],
    update: [...everywhere("district_it"), ...own("admin")],
    delete: none,
  },
};

export interface ActionRule {
  labelVi: string;
  grants: readonly Grant[];
  /** A further condition the server checks on the record itself. */
  condition?: "named_official";
}

const MEMBERS: Role[] = ["clerk", "leader", "signature_officer"];

/** Typed mutations: the office's acts. */
export const ACTION_RULES = {
  "exchange.send": { labelVi: "Gửi văn bản", grants: own("clerk") },
  "exchange.accept": { labelVi: "Tiếp nhận văn bản đến", grants: own("clerk") },
  "exchange.refuse": { labelVi: "Từ chối tiếp nhận văn bản đến", grants: own("clerk") },
  "incoming.register": { labelVi: "Vào sổ văn bản đến (bản giấy, bản quét)", grants: own("clerk") },
  "draft.create": { labelVi: "Tạo dự thảo", grants: own(...MEMBERS) },
  "draft.revise": { labelVi: "Sửa dự thảo", grants: own(...MEMBERS) },
  "draft.submit": { labelVi: "Trình ký", grants: own(...MEMBERS) },
  "draft.comment": { labelVi: "Góp ý dự thảo", grants: own(...MEMBERS) },
  "draft.return": { labelVi: "Trả lại dự thảo", grants: own("leader"), condition: "named_official" },
  "draft.approve": { labelVi: "Duyệt dự thảo", grants: own("leader"), condition: "named_official" },
  "draft.sign": { labelVi: "Ký số văn bản", grants: own("leader"), condition: "named_official" },
  "draft.issue": { labelVi: "Phát hành văn bản (ký số của cơ quan)", grants: own("clerk") },
  "draft.cancel": { labelVi: "Hủy dự thảo", grants: own(...MEMBERS) },
  "number.reserve": { labelVi: "Giữ trước số văn bản đi", grants: own("clerk") },
  "number.cancel": { labelVi: "Hủy số văn bản đi", grants: own("clerk") },
  "audit.append": { labelVi: "Ghi nhật ký", grants: [...own(...MEMBERS), ...everywhere("district_it")] },
} as const satisfies Record<string, ActionRule>;
export type ActionType = keyof typeof ACTION_RULES;

/** Reading and exporting the audit trail (GET /api/audit/…): not a mutation, the same kind of rule. */
export const AUDIT_READ_GRANTS: readonly Grant[] = [...own("clerk", "leader", "signature_officer"), ...everywhere("district_it", "inspector", "admin")];
export const AUDIT_EXPORT_GRANTS: readonly Grant[] = [...everywhere("district_it", "inspector", "admin"), ...own("leader")];

export interface RuleRefusal {
  code: "rule.unknown_entity" | "rule.append_only" | "rule.role_forbidden";
  messageVi: string;
  messageEn: string;
}

export function granted(grants: readonly Grant[], roles: readonly Role[], where: Where): boolean {
  return grants.some((g) => roles.includes(g.role) && g.where.includes(where));
}

function rolesVi(grants: readonly Grant[], where: Where): string {
  const names = [...new Set(grants.filter((g) => g.where.includes(where)).map((g) => ROLE_LABELS_VI[g.role].toLocaleLowerCase("vi")))];
  return names.length === 0 ? "không ai" : names.join(", ");
}

const OP_VI: Record<RecordOp, string> = { create: "tạo", update: "sửa", delete: "xóa" };

/** Why a record change is refused, or null when the table allows it. */
export function recordRefusal(entity: string, op: RecordOp, roles: readonly Role[], where: Where): RuleRefusal | null {
  const rule = RECORD_RULES[entity];
  if (!rule || !Object.hasOwn(RECORD_RULES, entity)) {
    return { code: "rule.unknown_entity", messageVi: `Máy chủ không nhận loại dữ liệu "${entity}".`, messageEn: `Entity '${entity}' is not carried by sync` };
  }
  if (rule.merge === "append_only" && op !== "create") {
    return {
      code: "rule.append_only",
      messageVi: `${rule.labelVi} chỉ được ghi thêm; không ai được sửa hay xóa.`,
      messageEn: `${entity} is append-only: nobody may ${op} it`,
    };
  }
  if (granted(rule[op], roles, where)) return null;
  const place = where === "own" ? "của cơ quan mình" : "của cơ quan được giao quản lý";
  return {
    code: "rule.role_forbidden",
    messageVi: `Vai trò của bạn không được ${OP_VI[op]} ${rule.labelVi.toLocaleLowerCase("vi")} ${place} (chỉ ${rolesVi(rule[op], where)}).`,
    messageEn: `Roles [${roles.join(", ")}] may not ${op} ${entity} in ${where === "own" ? "their own" : "a managed"} office`,
  };
}

/** Why a typed act is refused by role, or null (the server checks `condition` on the record). */
export function actionRefusal(type: ActionType, roles: readonly Role[], where: Where): RuleRefusal | null {
  const rule: ActionRule = ACTION_RULES[type];
  if (granted(rule.grants, roles, where)) return null;
  return {
    code: "rule.role_forbidden",
    messageVi: `Vai trò của bạn không được ${rule.labelVi.toLocaleLowerCase("vi")} (chỉ ${rolesVi(rule.grants, where)}).`,
    messageEn: `Roles [${roles.join(", ")}] may not ${type} in ${where === "own" ? "their own" : "a managed"} office`,
  };
}

/** What a person may do where they act: for the PWA to show only those screens and buttons. */
export function capabilitiesOf(
  roles: readonly Role[],
  where: Where,
): { records: Record<string, Record<RecordOp, boolean>>; actions: Record<ActionType, boolean>; readAudit: boolean; exportAudit: boolean } {
  const records: Record<string, Record<RecordOp, boolean>> = {};
  for (const entity of Object.keys(RECORD_RULES)) {
    records[entity] = {
      create: !recordRefusal(entity, "create", roles, where),
      update: !recordRefusal(entity, "update", roles, where),
      delete: !recordRefusal(entity, "delete", roles, where),
    };
  }
  const actions = Object.fromEntries((Object.keys(ACTION_RULES) as ActionType[]).map((t) => [t, !actionRefusal(t, roles, where)])) as Record<
    ActionType,
    boolean
  >;
  return { records, actions, readAudit: granted(AUDIT_READ_GRANTS, roles, where), exportAudit: granted(AUDIT_EXPORT_GRANTS, roles, where) };
}
