import type { Context } from "hono";
import type { Where } from "../../shared/sync/rules.ts";
import type { AuthVariables } from "../auth/index.ts";

/** Where the request acts, seen from the account: its own office, or one it was given to manage. */
export function whereOf(c: Context<{ Variables: AuthVariables }>): Where {
  return c.get("user").officeId === c.get("actor").officeId ? "own" : "managed";
}
