import { Hono } from "hono";
import { z } from "zod";
import { RegisterId } from "../../shared/sync/registers.ts";
import { vietnamYear } from "../../shared/sync/time.ts";
import type { AuthVariables } from "../auth/index.ts";
import { parseWith } from "../http/errors.ts";
import type { SyncStorage } from "../storage/storage.ts";

const Year = z.coerce.number().int().min(2000).max(2100);

/** GET /:registerId/numbers?year=: every number of the register's year — reserved, assigned, cancelled (with reason). */
export function registerRoutes(storage: SyncStorage) {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.get("/:registerId/numbers", async (c) => {
    const registerId = parseWith(RegisterId, c.req.param("registerId"));
    const yearRaw = c.req.query("year");
    const year = yearRaw === undefined ? vietnamYear(storage.clock.now()) : parseWith(Year, yearRaw);
    return c.json({ registerId, year, numbers: await storage.registers.list(c.get("actor").officeId, registerId, year) });
  });
  return app;
}
