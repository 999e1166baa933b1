import { randomBytes } from "node:crypto";
import type { Context, Hono, MiddlewareHandler } from "hono";
import type { AgentEnv } from "../../http.ts";
import type { AgentContext } from "../../context.ts";
import { homePage, messagePage } from "../../pages/html.ts";
import { sameSecret } from "../../services/secrets.ts";

/** The agent's home page: what runs, which sites are paired; unpairing from the agent's side. */
export function homeRoutes(app: Hono<AgentEnv>, ctx: AgentContext, ownForm: MiddlewareHandler): void {
  const csrf = randomBytes(24).toString("base64url");
  const home = (c: Context) =>
    ctx.html(c, homePage({ origin: ctx.agentOrigin(), module: ctx.deps.tokens.module, pairings: [...ctx.deps.pairings.list()], csrf }));
  app.get("/", (c) => home(c));
  app.post("/pairings/:id/remove", ownForm, async (c) => {
    const form = await c.req.parseBody();
    if (!sameSecret(String(form.csrf ?? ""), csrf))
      return ctx.html(c, messagePage("Không thực hiện", "Biểu mẫu không hợp lệ.", ctx.demo, "error", "error"), 403);
    const p = ctx.deps.pairings.list().find((x) => x.id === c.req.param("id"));
    if (p) {
      ctx.deps.pairings.remove(p.id);
      ctx.batch.logEntry({ event: "unpaired", origin: p.origin });
    }
    return home(c);
  });
}
