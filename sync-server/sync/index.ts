import { Hono } from "hono";
import { MAX_PULL_LIMIT, PushRequest, type PullResponse, type PushResponse } from "../../shared/sync/schemas.ts";
import { SyncError } from "../errors.ts";
import { admission } from "../http/admission.ts";
import { jsonAnswer } from "../http/compress.ts";
import { readJson } from "../http/errors.ts";
import type { AuthVariables } from "../auth/index.ts";
import type { PushOptions, SyncStorage } from "../storage/storage.ts";

export interface SyncRouteOptions {
  /** Test seam passed to every push (see PushOptions.beforeCommit). */
  beforeCommit?: PushOptions["beforeCommit"];
}

/** POST /push: the outbox in order, one transaction per batch. GET /pull?cursor=&limit=: the office's changes in pages. */
export function syncRoutes(storage: SyncStorage, options: SyncRouteOptions = {}) {
  const app = new Hono<{ Variables: AuthVariables }>();
  // PostgreSQL: at most VANTHU_SYNC_CONCURRENCY (64; 0: no bound) pushes and pulls worked on at once by this process,
  // so that a send's round trips do not each wait behind every other request (admission.ts). SQLite has no round trips.
  const concurrency = Number(process.env.VANTHU_SYNC_CONCURRENCY ?? 64);
  if (storage.dialect === "postgres" && concurrency > 0) app.use("*", admission(concurrency));

  app.post("/push", async (c) => {
    const body = await readJson(c, PushRequest);
    // What a client pushes is judged by the rule table and base versions (never trusted).
    const results = await storage.push.apply(c.get("actor"), body.mutations, {
      clientId: body.clientId,
      beforeCommit: options.beforeCommit,
      account: c.get("user"),
    });
    return jsonAnswer(c, { results } satisfies PushResponse);
  });

  app.get("/pull", async (c) => {
    const cursor = c.req.query("cursor") ?? "";
    const limitRaw = c.req.query("limit") ?? "200";
    const limit = Number(limitRaw);
    if (!/^\d{1,5}$/.test(limitRaw) || limit < 1 || limit > MAX_PULL_LIMIT) {
      throw new SyncError(400, "bad_limit", `Số thay đổi mỗi trang phải từ 1 đến ${MAX_PULL_LIMIT}.`, `limit must be 1..${MAX_PULL_LIMIT}`);
    }
    const page = await storage.feed.pull(c.get("actor").officeId, cursor, limit);
    return jsonAnswer(c, page satisfies PullResponse);
  });

  return app;
}
