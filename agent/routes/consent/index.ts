import type { Context, Hono, MiddlewareHandler } from "hono";
import type { AgentEnv } from "../../http.ts";
import { agentError } from "../../http.ts";
import type { AgentContext } from "../../context.ts";
import { checkSigningCertificate, toAgentError } from "../../certificates/index.ts";
import { consentPage, consentResultPage, messagePage } from "../../pages/html.ts";
import { certSummary, docSummary } from "../../services/batch.ts";
import { sameSecret } from "../../services/secrets.ts";
import type { SignRequestRecord } from "../../signing/requests.ts";

/**
 * The consent page, on the agent's own origin: per document the picture of the signed page,
 * the number and title read from the PDF, the kind, the certificate and the SHA-256 the agent
 * computed; the PIN is typed here only. Wrong PINs are limited per request, per origin across
 * requests (a growing wait), and for the whole agent.
 */
export function consentRoutes(app: Hono<AgentEnv>, ctx: AgentContext, ownForm: MiddlewareHandler): void {
  const { demo } = ctx;
  const gone = (c: Context) =>
    ctx.html(
      c,
      messagePage("Không có yêu cầu ký", "Yêu cầu ký không còn (đã hết hạn hoặc không tồn tại). Hãy gửi lại từ ứng dụng.", demo, "error", "error"),
      404,
    );
  const previewsOf = (r: SignRequestRecord) => Promise.all(r.documents.map((_, i) => ctx.previews.get(`${r.id}/${i}`)));
  const page = async (r: SignRequestRecord, error?: Parameters<typeof consentPage>[2]) => consentPage(r, demo, error, await previewsOf(r));

  app.get("/consent/:id", async (c) => {
    const r = ctx.requests.get(c.req.param("id"));
    if (!r) return gone(c);
    if (r.state !== "awaiting-consent") return ctx.html(c, consentResultPage(r, demo));
    return ctx.html(c, await page(r));
  });

  app.post("/consent/:id", ownForm, async (c) => {
    const r = ctx.requests.get(c.req.param("id"));
    if (!r) return gone(c);
    if (r.state !== "awaiting-consent") return ctx.html(c, consentResultPage(r, demo), 410);
    const form = await c.req.parseBody();
    if (!sameSecret(String(form.csrf ?? ""), r.csrf)) return ctx.html(c, messagePage("Không ký", "Biểu mẫu không hợp lệ.", demo, "error", "error"), 403);
    if (form.action === "reject") {
      ctx.batch.cancel(r, agentError("agent.request-refused", "Người dùng đã từ chối ký.", "the person refused to sign"));
      ctx.batch.logEntry({ event: "batch-refused", origin: r.origin, requestId: r.id, certificate: certSummary(r), documents: docSummary(r) });
      return ctx.html(c, consentResultPage(r, demo));
    }
    const pin = typeof form.pin === "string" ? form.pin : "";
    const wait = ctx.backoff.waitFor(r.origin);
    if (wait > 0) {
      return ctx.html(
        c,
        await page(
          r,
          agentError(
            "agent.pin-backoff",
            `Đã nhập sai mã PIN nhiều lần: hãy đợi ${Math.ceil(wait / 1000)} giây rồi thử lại (để thiết bị ký số không bị khóa).`,
            `PIN backoff for ${r.origin}: ${wait} ms`,
          ),
        ),
        429,
      );
    }
    if (!ctx.limiters.pin.take(r.origin) || !ctx.limiters.pinTotal.take("all")) {
      return ctx.html(
        c,
        await page(r, agentError("agent.rate-limited", "Nhập mã PIN quá nhiều lần trong một phút: hãy đợi rồi thử lại.", "PIN rate limit")),
        429,
      );
    }
    if (pin.length === 0) return ctx.html(c, await page(r, agentError("token.pin-invalid", "Hãy nhập mã PIN.", "empty PIN")), 400);
    const problem = checkSigningCertificate(new Uint8Array(Buffer.from(r.certificate.certificate, "base64")), ctx.now());
    if (problem) {
      ctx.batch.fail(r, toAgentError(problem));
      return ctx.html(c, consentResultPage(r, demo));
    }
    // One batch at a time; a double-submitted form finds the request taken.
    return ctx.lock.exclusive(async () => {
      if (r.state !== "awaiting-consent") return ctx.html(c, consentResultPage(r, demo), 410);
      return consentWithPin(c, r, pin);
    });
  });

  async function consentWithPin(c: Context, r: SignRequestRecord, pin: string): Promise<Response> {
    let signer;
    try {
      signer = await ctx.deps.tokens.openSigner(r.certificate.id, pin);
    } catch (e) {
      const err = toAgentError(e);
      ctx.batch.logEntry({
        event: "pin-refused",
        origin: r.origin,
        requestId: r.id,
        certificate: certSummary(r),
        error: { code: err.code, messageEn: err.messageEn },
      });
      if (err.code === "token.pin-incorrect") {
        r.wrongPins++;
        ctx.backoff.failed(r.origin);
        if (r.wrongPins >= ctx.limits.wrongPinsPerRequest) {
          ctx.batch.fail(
            r,
            agentError(
              "agent.too-many-wrong-pins",
              `Nhập sai mã PIN ${r.wrongPins} lần: yêu cầu ký đã bị hủy để thiết bị không bị khóa. Hãy kiểm tra mã PIN rồi gửi lại yêu cầu.`,
              "too many wrong PINs for this request",
            ),
          );
          return ctx.html(c, consentResultPage(r, demo));
        }
        return ctx.html(c, await page(r, err), 400);
      }
      if (err.code === "token.not-present" || err.code === "token.removed" || err.code === "token.certificate-not-found" || err.code === "token.pin-invalid") {
        return ctx.html(c, await page(r, err), 400);
      }
      ctx.batch.fail(r, err);
      return ctx.html(c, consentResultPage(r, demo));
    }
    ctx.backoff.succeeded(r.origin);
    await ctx.batch.sign(r, signer);
    return ctx.html(c, consentResultPage(r, demo));
  }
}
