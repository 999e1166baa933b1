import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodType } from "zod";
import { SyncError } from "../errors.ts";

/** `{error:{code,message,messageVi}}` with the error's status. */
export function errorResponse(c: Context, err: unknown): Response {
  if (err instanceof SyncError) {
    return c.json({ error: { code: err.code, message: err.message, messageVi: err.messageVi, ...(err.details !== undefined ? { details: err.details } : {}) } }, err.status);
  }
  if (err instanceof HTTPException) {
    if (err.status === 413) return errorResponse(c, tooLarge());
    return c.json({ error: { code: "http_error", message: err.message || "Request refused", messageVi: "Yêu cầu bị từ chối." } }, err.status);
  }
  // Lock conflicts between concurrent writers (PostgreSQL deadlock / serialization failure,
  // SQLite busy): the transaction was rolled back whole, the client just sends it again.
  const dbCode = (err as { code?: unknown } | null)?.code;
  if (dbCode === "40P01" || dbCode === "40001" || dbCode === "SQLITE_BUSY") {
    c.header("Retry-After", "1");
    return c.json({ error: { code: "busy", message: "Database busy; nothing was changed, send the request again", messageVi: "Máy chủ đang bận; không có gì bị thay đổi, hãy gửi lại." } }, 503);
  }
  // Unknown errors: log the English detail for the operator, tell the person nothing was changed.
  console.error(`[sync-server] ${c.req.method} ${new URL(c.req.url).pathname}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return c.json({ error: { code: "internal_error", message: "Internal server error; nothing was changed", messageVi: "Máy chủ gặp lỗi; không có gì bị thay đổi. Hãy thử lại sau." } }, 500);
}

export const tooLarge = () => new SyncError(413, "payload_too_large", "Dữ liệu gửi lên quá lớn.", "Request body too large");

/** Reads a JSON body and checks it against a schema: 400 with the zod issues when it does not fit. */
export async function readJson<T>(c: Context, schema: ZodType<T>): Promise<T> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new SyncError(415, "unsupported_media_type", "Dữ liệu phải ở dạng JSON (Content-Type: application/json).", "Expected Content-Type: application/json");
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch (e) {
    if (e instanceof HTTPException) throw e;
    throw new SyncError(400, "malformed_json", "Dữ liệu gửi lên không phải JSON hợp lệ.", "Malformed JSON body");
  }
  return parseWith(schema, raw);
}

export function parseWith<T>(schema: ZodType<T>, raw: unknown): T {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 20).map((i) => ({ path: i.path.join("."), message: i.message }));
    const first = issues[0];
    throw new SyncError(400, "invalid_request", `Dữ liệu gửi lên không đúng khuôn dạng${first ? ` (trường ${first.path || "gốc"})` : ""}.`, `Invalid request${first ? `: ${first.path || "(root)"}: ${first.message}` : ""}`, { issues });
  }
  return r.data;
}
