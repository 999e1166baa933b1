import type { MiddlewareHandler } from "hono";
import { isClassified, SECRECY_REFUSAL_VI } from "../../../shared/domain/secrecy.ts";
import { agentError, errorResponse } from "../../http.ts";

/**
 * R9 (Quy định Điều 4.1): a sign request that marks any document Mật, Tối mật or Tuyệt mật
 * is refused before anything of it is kept or shown — even when the rest of the request is
 * malformed. `onRefused` lets the agent log the refusal (without the documents).
 */
export function refuseClassified(options: { onRefused?: (origin: string) => void } = {}): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== "POST") return next();
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return next(); // the route answers malformed JSON itself
    }
    const docs = (body as { documents?: unknown })?.documents;
    if (Array.isArray(docs) && docs.some((d) => isClassified((d as { secrecy?: string } | null)?.secrecy))) {
      options.onRefused?.(c.req.header("origin") ?? "");
      return errorResponse(c, 422, agentError("domain.classified", SECRECY_REFUSAL_VI, "classified document (Mật/Tối mật/Tuyệt mật) refused (R9)"));
    }
    await next();
  };
}
