import type { Hono, MiddlewareHandler } from "hono";
import { PairFormSchema, type AgentError } from "../../../shared/agent-protocol/index.ts";
import type { AgentEnv } from "../../http.ts";
import { agentError, ownOrigins } from "../../http.ts";
import type { AgentContext } from "../../context.ts";
import { isoVietnam } from "../../certificates/index.ts";
import { messagePage, pairPage } from "../../pages/html.ts";
import { mayAskToPair } from "../../services/pairing-origins.ts";
import { sameSecret } from "../../services/secrets.ts";

/**
 * Pairing: the app posts a top-level form to /pair (only an origin allowed at install may);
 * the person types, on the agent's own page, the code the app shows. DELETE /v1/pairing lets
 * the app unpair itself.
 */
export function pairingRoutes(app: Hono<AgentEnv>, ctx: AgentContext, ownForm: MiddlewareHandler): void {
  const { demo } = ctx;
  const gone = (c: Parameters<AgentContext["html"]>[0]) =>
    ctx.html(
      c,
      messagePage("Không ghép nối được", "Yêu cầu ghép nối không còn (đã hết hạn hoặc đã xử lý). Hãy bắt đầu lại từ ứng dụng.", demo, "error", "error"),
      410,
    );

  app.post("/pair", async (c) => {
    const origin = c.req.header("origin") ?? "";
    const refuse = (e: AgentError, status: 400 | 403 | 429 = 400) =>
      ctx.html(c, messagePage("Không ghép nối được", e.messageVi, demo, "error", "error"), status);
    if (!ctx.limiters.pair.take(origin) || !ctx.limiters.pairTotal.take("all"))
      return refuse(agentError("agent.rate-limited", "Quá nhiều yêu cầu ghép nối: hãy đợi một phút.", "pairing rate limit"), 429);
    if (ownOrigins(ctx.port()).includes(origin) || !mayAskToPair(origin, ctx.pairingOrigins)) {
      return refuse(
        agentError(
          "agent.origin-refused",
          `Trang web ${origin || "(không rõ địa chỉ)"} không được phép ghép nối: chương trình ký số chỉ ghép nối với địa chỉ máy chủ Văn thư số của cơ quan đã đặt khi cài đặt.`,
          `origin ${JSON.stringify(origin)} may not pair (allowed: ${ctx.pairingOrigins.join(", ") || "none"})`,
        ),
        403,
      );
    }
    const form = PairFormSchema.safeParse(await c.req.parseBody().catch(() => ({})));
    if (!form.success) return refuse(agentError("agent.invalid-request", "Yêu cầu ghép nối thiếu thông tin.", "invalid pairing form"));
    const p = ctx.pending.add(origin, form.data.appName, form.data.tokenHash);
    if (!p) return refuse(agentError("agent.rate-limited", "Quá nhiều yêu cầu ghép nối đang chờ.", "too many pending pairings"), 429);
    return c.redirect(`/pair/${p.id}`, 303);
  });

  app.get("/pair/:id", (c) => {
    const p = ctx.pending.get(c.req.param("id"));
    return p ? ctx.html(c, pairPage(p, demo)) : gone(c);
  });

  app.post("/pair/:id", ownForm, async (c) => {
    const p = ctx.pending.get(c.req.param("id"));
    if (!p) return gone(c);
    const form = await c.req.parseBody();
    if (!sameSecret(String(form.csrf ?? ""), p.csrf))
      return ctx.html(c, messagePage("Không ghép nối được", "Biểu mẫu không hợp lệ.", demo, "error", "error"), 403);
    if (form.action === "reject") {
      ctx.pending.delete(p.id);
      return ctx.html(c, messagePage("Đã từ chối ghép nối", `Đã từ chối: ${p.origin} không được dùng thiết bị ký số.`, demo, "ok", "rejected"));
    }
    if (!sameSecret(String(form.code ?? "").trim(), p.code)) {
      p.attempts++;
      if (p.attempts >= 3) {
        ctx.pending.delete(p.id);
        return ctx.html(
          c,
          messagePage("Không ghép nối được", "Nhập sai mã ghép nối quá 3 lần: yêu cầu đã bị hủy. Hãy bắt đầu lại từ ứng dụng.", demo, "error", "error"),
          403,
        );
      }
      return ctx.html(
        c,
        pairPage(
          p,
          demo,
          agentError("agent.pairing-code-wrong", "Mã ghép nối không đúng: hãy nhập đúng mã đang hiển thị trong ứng dụng.", "wrong pairing code"),
        ),
        400,
      );
    }
    ctx.pending.delete(p.id);
    ctx.deps.pairings.add({ origin: p.origin, appName: p.appName, tokenHash: p.tokenHash, pairedAt: isoVietnam(ctx.now()) });
    ctx.batch.logEntry({ event: "paired", origin: p.origin });
    return ctx.html(
      c,
      messagePage(
        "Đã ghép nối",
        `Đã ghép nối: ${p.origin} có thể gửi yêu cầu ký; mỗi lần ký bạn vẫn phải xác nhận và nhập mã PIN tại đây.`,
        demo,
        "ok",
        "paired",
      ),
    );
  });
}

/** DELETE /v1/pairing: the app unpairs itself (mounted behind the API guards). */
export function unpairRoute(app: Hono<AgentEnv>, ctx: AgentContext): void {
  app.delete("/v1/pairing", (c) => {
    const p = c.get("pairing");
    ctx.deps.pairings.remove(p.id);
    ctx.batch.logEntry({ event: "unpaired", origin: p.origin });
    return c.json({ unpaired: true });
  });
}
