import { Hono } from "hono";
import { DraftState } from "../../shared/sync/drafts.ts";
import type { AuthVariables } from "../auth/index.ts";
import { notFound } from "../errors.ts";
import { parseWith } from "../http/errors.ts";
import type { SyncStorage } from "../storage/storage.ts";

/**
 * Read views of the office's drafts (trình ký). The steps themselves are mutations pushed
 * through /api/sync/push (draft.*), so that they work offline and are judged in order.
 */
export function draftRoutes(storage: SyncStorage) {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.get("/", async (c) => {
    const state = c.req.query("state");
    return c.json({ drafts: await storage.drafts.list(c.get("actor").officeId, state === undefined ? undefined : parseWith(DraftState, state)) });
  });
  app.get("/officials", async (c) => c.json({ officials: await storage.drafts.officials(c.get("actor").officeId) }));
  app.get("/:id", async (c) => {
    const found = await storage.drafts.get(storage.db, c.get("actor").officeId, c.req.param("id"));
    if (!found) throw notFound(`Draft ${c.req.param("id")}`, "dự thảo này");
    return c.json(found.draft);
  });
  return app;
}
