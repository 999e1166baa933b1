import { Hono } from "hono";
import type { AuthVariables } from "../auth/index.ts";

/** A root the offices' devices are to trust besides the bundled government roots (G2, G1). */
export interface PublishedTrustAnchor {
  pem: string;
  /** For people: where it comes from (e.g. "CA thử của thiết bị ký thử — CHỈ DÙNG THỬ"). */
  labelVi: string;
}

/**
 * GET /: the trust anchors district IT publishes through this server (`vanthu server
 * --trust-anchor FILE`), so that every office device verifies and signs against one list
 * instead of each browser's own imports. The demo (`npm start`) publishes its demo CA here.
 */
export function trustRoutes(anchors: () => Promise<PublishedTrustAnchor[]>) {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.get("/anchors", async (c) => c.json({ anchors: await anchors() }));
  return app;
}
