import { Hono } from "hono";
import { DeliveryStatus } from "../../shared/sync/schemas.ts";
import { parseWith } from "../http/errors.ts";
import type { AuthVariables } from "../auth/index.ts";
import type { SyncStorage } from "../storage/storage.ts";

/**
 * Read views of the exchange (the same data pull delivers): the incoming queue (văn bản đến)
 * and the outgoing documents with each recipient's outcome. Sending, accepting and refusing
 * are mutations pushed through /api/sync/push, so that they work offline.
 */
export function exchangeRoutes(storage: SyncStorage) {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.get("/incoming", async (c) => {
    const status = c.req.query("status");
    return c.json({ incoming: await storage.listIncoming(c.get("actor"), status === undefined ? undefined : parseWith(DeliveryStatus, status)) });
  });
  app.get("/incoming/:id", async (c) => c.json(await storage.getIncoming(c.get("actor"), c.req.param("id"))));
  app.get("/outgoing", async (c) => c.json({ outgoing: await storage.listOutgoing(c.get("actor")) }));
  app.get("/outgoing/:id", async (c) => c.json(await storage.getOutgoing(c.get("actor"), c.req.param("id"))));
  return app;
}

/** The directory of offices a sender can address. */
export function officeRoutes(storage: SyncStorage) {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.get("/", async (c) => c.json({ offices: await storage.listOffices() }));
  return app;
}
