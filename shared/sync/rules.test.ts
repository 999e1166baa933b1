import { describe, expect, it } from "vitest";
import { ACTION_RULES, actionRefusal, capabilitiesOf, RECORD_RULES, recordRefusal, ROLE_LABELS_VI } from "./rules.ts";
import { Role } from "./primitives.ts";

const ROLES = Role.options;

describe("the rule table", () => {
  it("names every role in Vietnamese", () => {
    for (const r of ROLES) expect(ROLE_LABELS_VI[r]).toMatch(/\p{L}/u);
  });

  it("keeps audit entries append-only for everyone, everywhere", () => {
    for (const role of ROLES) {
      for (const where of ["own", "managed"] as const) {
        expect(recordRefusal("audit_entry", "update", [role], where)?.code).toBe("rule.append_only");
        expect(recordRefusal("audit_entry", "delete", [role], where)?.code).toBe("rule.append_only");
      }
    }
  });

  it("lets no device write the handling of incoming documents or edXML recalls: the server writes them", () => {
    for (const entity of ["incoming_handling", "edxml_recall"]) {
      for (const role of ROLES) {
        for (const op of ["create", "update", "delete"] as const) {
          for (const where of ["own", "managed"] as const)
            expect(recordRefusal(entity, op, [role], where)?.code, `${entity} ${op} ${role} ${where}`).toBe("rule.role_forbidden");
        }
      }
    }
  });

  it("lets only district IT (and the administrator) write city-wide data", () => {
    for (const [entity, rule] of Object.entries(RECORD_RULES).filter(([, r]) => r.scope === "city")) {
      const writers = ROLES.filter((role) => !recordRefusal(entity, "update", [role], "own") || !recordRefusal(entity, "update", [role], "managed"));
      expect(writers.sort(), entity).toEqual(["admin", "district_it"]);
      expect(rule.delete).toEqual([]);
    }
  });

  it("gives an account only what one of its roles is granted, where it acts", () => {
    expect(recordRefusal("cert_inventory", "update", ["leader"], "own")?.code).toBe("rule.role_forbidden");
    expect(recordRefusal("cert_inventory", "update", ["leader", "signature_officer"], "own")).toBeNull();
    expect(recordRefusal("outgoing", "create", ["clerk"], "managed")?.code).toBe("rule.role_forbidden");
    expect(recordRefusal("nonexistent", "create", ["admin"], "own")?.code).toBe("rule.unknown_entity");
    expect(recordRefusal("constructor", "create", ["admin"], "own")?.code).toBe("rule.unknown_entity");
    expect(actionRefusal("draft.issue", ["leader"], "own")?.messageVi).toContain("văn thư");
    expect(ACTION_RULES["draft.sign"].condition).toBe("named_official");
  });

  it("gives the PWA the same answers as capabilities", () => {
    const caps = capabilitiesOf(["clerk"], "own");
    expect(caps.actions["exchange.send"]).toBe(true);
    expect(caps.actions["draft.approve"]).toBe(false);
    expect(caps.records["holiday_calendar"]).toEqual({ create: false, update: false, delete: false });
    expect(caps.exportAudit).toBe(false);
    expect(capabilitiesOf(["district_it"], "managed").exportAudit).toBe(true);
  });
});
