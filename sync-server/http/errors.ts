import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodType } from "zod";
import { SyncError } from "../errors.ts";

/** `{error:{code,message,messageVi}}` with the error's status. */
export function errorResponse(c: Context, err: unknown): Response {
  if (err instanceof SyncError) {
    return c.json(
      { error: { code: err.code, message: err.message, messageVi: err.messageVi, ...(err.details !== undefined ? { details: err.details } : {}) } },
      err.status,
    );
  }
  if (err instanceof HTTPException) {
    if (err.status === 413) return errorResponse(c, tooLarge());
    return c.json({ error: { code: "http_error", message: err.message || "Request refused", messageVi: "Yêu cầu bị từ chối." } }, err.status);
  }
  // A malformed %-escape in a path or query (decodeURIComponent): the request's fault.
  if (err instanceof URIError) return errorResponse(c, malformedUrl());
  // PostgreSQL "data exception" (class 22): a NUL byte in text, an invalid character, a number
  // out of range… The input cannot be stored; nothing was written (the statement failed whole).
  const pgCode = (err as { code?: unknown } | null)?.code;
  if (typeof pgCode === "string" && /^22[0-9A-Z]{3}$/.test(pgCode)) {
    return errorResponse(
      c,
      new SyncError(
        400,
        "unstorable_value",
        "Dữ liệu gửi lên có ký tự hoặc giá trị không lưu được (ví dụ ký tự NUL).",
        `Value the database cannot store (SQLSTATE ${pgCode})`,
      ),
    );
  }
  // Lock conflicts between concurrent writers (PostgreSQL deadlock / serialization failure,
  // SQLite busy): the transaction was rolled back whole, the client just sends it again.
  const dbCode = (err as { code?: unknown } | null)?.code;
  if (dbCode === "40P01" || dbCode === "40001" || dbCode === "SQLITE_BUSY") {
    c.header("Retry-After", "1");
    return c.json(
      {
        error: {
          code: "busy",
          message: "Database busy; nothing was changed, send the request again",
          messageVi: "Máy chủ đang bận; không có gì bị thay đổi, hãy gửi lại.",
        },
      },
      503,
    );
  }
  // Unknown errors: log the English detail for the operator, tell the person nothing was changed.
  console.error(`[sync-server] ${c.req.method} ${new URL(c.req.url).pathname}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return c.json(
    {
      error: {
        code: "internal_error",
        message: "Internal server error; nothing was changed",
        messageVi: "Máy chủ gặp lỗi; không có gì bị thay đổi. Hãy thử lại sau.",
      },
    },
    500,
  );
}

export const malformedUrl = () =>
  new SyncError(400, "malformed_url", "Địa chỉ yêu cầu không hợp lệ (mã hóa % sai).", "Malformed percent-encoding in the request URL");

/** Deepest nesting accepted in a JSON body: far beyond any record the PWA writes, far below a stack overflow. */
export const MAX_JSON_DEPTH = 64;

/**
 * Refuses, before parsing, a body nested deeper than MAX_JSON_DEPTH (a linear scan that skips
 * strings): deep nesting would overflow the stack in JSON.parse, zod or JSON.stringify later.
 */
function tooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) return true;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return false;
}

/** A NUL character anywhere in a parsed JSON value's strings or keys (PostgreSQL text cannot hold it; SQLite would cut C strings at it). */
function hasNul(v: unknown): boolean {
  if (typeof v === "string") return v.includes("\u0000");
  if (Array.isArray(v)) return v.some(hasNul);
  if (v && typeof v === "object") return Object.entries(v).some(([k, x]) => k.includes("\u0000") || hasNul(x));
  return false;
}

export const tooLarge = () => new SyncError(413, "payload_too_large", "Dữ liệu gửi lên quá lớn.", "Request body too large");

/** Reads a JSON body and checks it against a schema: 400 with the zod issues when it does not fit. */
export async function readJson<T>(c: Context, schema: ZodType<T>): Promise<T> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new SyncError(415, "unsupported_media_type", "Dữ liệu phải ở dạng JSON (Content-Type: application/json).", "Expected Content-Type: application/json");
  }
  const text = await c.req.text();
  if (tooDeep(text)) throw new SyncError(400, "json_too_deep", "Dữ liệu gửi lên lồng nhau quá sâu.", `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    if (e instanceof HTTPException) throw e;
    throw new SyncError(400, "malformed_json", "Dữ liệu gửi lên không phải JSON hợp lệ.", "Malformed JSON body");
  }
  if (hasNul(raw)) throw new SyncError(400, "nul_character", "Dữ liệu gửi lên chứa ký tự NUL, không lưu được.", "NUL character in a JSON string");
  return parseWith(schema, raw);
}

export function parseWith<T>(schema: ZodType<T>, raw: unknown): T {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 20).map((i) => ({ path: i.path.join("."), message: i.message }));
    const first = issues[0];
    throw new SyncError(
      400,
      "invalid_request",
      `Dữ liệu gửi lên không đúng khuôn dạng${first ? ` (trường ${first.path || "gốc"})` : ""}.`,
      `Invalid request${first ? `: ${first.path || "(root)"}: ${first.message}` : ""}`,
      { issues },
    );
  }
  return r.data;
}
