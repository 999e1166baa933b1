import { Hono } from "hono";
import { ACTION_RULES, capabilitiesOf, RECORD_RULES, ROLE_LABELS_VI } from "../../shared/sync/rules.ts";
import type { AuthVariables } from "../auth/index.ts";
import { whereOf } from "./where.ts";

/**
 * GET /capabilities: what the signed-in account may do in the office it acts for, from the
 * rule table the server enforces (shared/sync/rules.ts) — the PWA shows only these.
 * GET /rules: the table itself.
 */
export function authorityRoutes() {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.get("/capabilities", (c) => {
    const user = c.get("user");
    const where = whereOf(c);
    return c.json({
      officeId: c.get("actor").officeId,
      where,
      roles: user.roles,
      roleLabels: user.roles.map((r) => ROLE_LABELS_VI[r]),
      ...capabilitiesOf(user.roles, where),
    });
  });
  app.get("/rules", (c) => c.json({ records: RECORD_RULES, actions: ACTION_RULES, roleLabels: ROLE_LABELS_VI }));
  return app;
}
