import type { Context, Hono } from "hono";
import { CreateSignRequestSchema, type CertificateInfo } from "../../../shared/agent-protocol/index.ts";
import type { AgentEnv } from "../../http.ts";
import { agentError, errorResponse } from "../../http.ts";
import type { AgentContext } from "../../context.ts";
import { rateLimit } from "../../guards/rate-limit/index.ts";
import { refuseClassified } from "../../guards/classified/index.ts";
import { isoVietnam, toAgentError } from "../../certificates/index.ts";
import { signedAttributesProblem } from "../../signing/signed-attributes.ts";
import { viewOf, type PendingDocument } from "../../signing/requests.ts";
import { inspectDocument } from "../../documents/inspect.ts";
import { TokenError } from "../../pkcs11/errors.ts";

const b64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));

async function chosenCertificate(ctx: AgentContext, c: Context, id: string): Promise<CertificateInfo | Response> {
  let list: CertificateInfo[];
  try {
    list = await ctx.certificates();
  } catch (e) {
    return errorResponse(c, 503, toAgentError(e));
  }
  const cert = list.find((x) => x.id === id);
  if (cert) return cert;
  return errorResponse(
    c,
    404,
    list.length === 0
      ? toAgentError(new TokenError("token.not-present", "Không thấy thiết bị ký số (USB token) nào. Hãy cắm token rồi thử lại.", "no token present"))
      : agentError("token.certificate-not-found", "Không tìm thấy chứng thư số đã chọn trên thiết bị ký số đang cắm.", `certificate ${id} not on any token`),
  );
}

/**
 * POST /v1/sign-requests: the caller sends each document's prepared revision and signed
 * attributes; the agent checks them (digest from the bytes, the document rules of the signing
 * policy), keeps them in memory and answers with the consent page's address. GET and DELETE
 * /v1/sign-requests/:id: the caller polls, or withdraws a request not yet consented to.
 */
export function signRequestRoutes(app: Hono<AgentEnv>, ctx: AgentContext): void {
  app.post(
    "/v1/sign-requests",
    rateLimit({ limiter: ctx.limiters.sign, key: (c) => (c as Context<AgentEnv>).get("pairing").origin, what: "yêu cầu ký" }),
    // R9 first, before anything of the request is kept.
    refuseClassified({
      onRefused: (origin) =>
        ctx.batch.logEntry({ event: "batch-refused", origin, error: { code: "domain.classified", messageEn: "classified document refused (R9)" } }),
    }),
    async (c) => {
      let raw: unknown;
      try {
        raw = await c.req.json();
      } catch {
        return errorResponse(c, 400, agentError("agent.bad-json", "Yêu cầu ký không đọc được (JSON hỏng).", "malformed JSON"));
      }
      const parsed = CreateSignRequestSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid";
        return errorResponse(c, 400, agentError("agent.invalid-request", `Yêu cầu ký không hợp lệ (${where}).`, `invalid sign request: ${where}`));
      }
      const req = parsed.data;
      const cert = await chosenCertificate(ctx, c, req.certificateId);
      if (cert instanceof Response) return cert;
      // R10: refuse an expired / not-yet-valid / wrong-usage certificate before any PIN.
      if (!cert.usable) return errorResponse(c, 422, cert.unusableReason!);
      const pairing = c.get("pairing");
      if (ctx.requests.awaitingFor(pairing.id) >= ctx.limits.awaitingPerPairing) {
        return errorResponse(
          c,
          429,
          agentError("agent.rate-limited", "Đã có quá nhiều yêu cầu ký đang chờ xác nhận: hãy xử lý chúng trước.", "too many sign requests awaiting consent"),
        );
      }
      const documents: PendingDocument[] = [];
      const pdfs: Uint8Array[] = [];
      for (const [i, d] of req.documents.entries()) {
        const der = b64(d.signedAttributes);
        const problem = signedAttributesProblem(der);
        if (problem) {
          return errorResponse(
            c,
            400,
            agentError(
              "agent.invalid-request",
              `Văn bản thứ ${i + 1}: dữ liệu cần ký không phải thuộc tính ký CMS.`,
              `documents.${i}.signedAttributes: ${problem}`,
            ),
          );
        }
        const pdf = b64(d.pdf);
        let seen;
        try {
          seen = await inspectDocument(pdf, der, d.signatureType, b64(cert.certificate), cert.chain.map(b64));
        } catch (e) {
          const err = toAgentError(e);
          ctx.batch.logEntry({ event: "batch-refused", origin: pairing.origin, error: { code: err.code, messageEn: `document ${i}: ${err.messageEn}` } });
          return errorResponse(c, 422, { ...err, messageVi: `Văn bản thứ ${i + 1} ("${d.title}"): ${err.messageVi}` });
        }
        documents.push({
          title: d.title,
          ...(d.number ? { number: d.number } : {}),
          ...(seen.number ? { pdfNumber: seen.number } : {}),
          ...(seen.title ? { pdfTitle: seen.title } : {}),
          sha256: seen.sha256,
          pageIndex: seen.pageIndex,
          signatureType: d.signatureType,
          signedAttributes: der,
        });
        pdfs.push(pdf);
      }
      const rec = ctx.requests.create({
        pairingId: pairing.id,
        origin: pairing.origin,
        certificate: cert,
        signatureAlgorithm: cert.keyAlgorithm === "EC" ? "ECDSA" : "RSASSA-PKCS1-v1_5",
        documents,
      });
      documents.forEach((d, i) => ctx.previews.start(`${rec.id}/${i}`, pdfs[i]!, d.pageIndex));
      return c.json({ id: rec.id, consentUrl: `${ctx.agentOrigin()}/consent/${rec.id}`, expiresAt: isoVietnam(rec.expiresAt) }, 201);
    },
  );

  const ownRequest = (c: Context<AgentEnv>) => {
    const r = ctx.requests.get(c.req.param("id") ?? "");
    return r && r.pairingId === c.get("pairing").id ? r : undefined;
  };
  const notFound = (c: Context) =>
    errorResponse(c, 404, agentError("agent.request-not-found", "Không có yêu cầu ký này (có thể đã hết hạn).", "sign request not found"));

  app.get("/v1/sign-requests/:id", (c) => {
    const r = ownRequest(c);
    return r ? c.json(viewOf(r)) : notFound(c);
  });

  app.delete("/v1/sign-requests/:id", (c) => {
    const r = ownRequest(c);
    if (!r) return notFound(c);
    if (r.state === "awaiting-consent")
      ctx.batch.cancel(r, agentError("agent.request-cancelled", "Ứng dụng đã hủy yêu cầu ký.", "cancelled by the application"));
    return c.json(viewOf(r));
  });
}
