import { ApiErrorBody, type SessionInfo } from "../../../shared/sync/schemas.ts";
import { VanthuError } from "../../../shared/errors.ts";
import type { VanthuDb } from "../db/schema.ts";

/**
 * The one client of the sync server's HTTP API: the session's bearer token on every request,
 * and the server's error body turned into a VanthuError with its Vietnamese message.
 */
export class ApiClient {
  constructor(
    private readonly base: string,
    private readonly token: string,
    /** Ends every request of a sync round the person stopped (sync/state.ts). */
    private readonly signal?: AbortSignal,
    private readonly answerDeadlineMs = ANSWER_DEADLINE_MS,
  ) {}
  async req(path: string, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    const deadline = answerDeadline(init.signal ?? this.signal, init.body, this.answerDeadlineMs);
    try {
      res = await fetch(this.base + path, {
        ...init,
        signal: deadline.signal,
        headers: { authorization: `Bearer ${this.token}`, ...(init.headers ?? {}) },
      });
    } catch (e) {
      throw unreachable(e);
    } finally {
      deadline.clear();
    }
    if (!res.ok && res.status !== 409) await throwApi(res);
    return res;
  }
  async json<T>(path: string, schema: { parse(x: unknown): T }, init: RequestInit = {}): Promise<T> {
    const res = await this.req(path, { ...init, headers: { ...(init.body ? { "content-type": "application/json" } : {}), ...(init.headers ?? {}) } });
    if (!res.ok) await throwApi(res);
    return schema.parse(await readJson(res));
  }
  /** A JSON answer of the server's own API whose shape the caller knows (the certificate screens). */
  async send<T>(path: string, init: RequestInit = {}): Promise<T> {
    const res = await this.req(path, { ...init, headers: { ...(init.body ? { "content-type": "application/json" } : {}), ...(init.headers ?? {}) } });
    if (!res.ok) await throwApi(res);
    return (await readJson(res)) as T;
  }
}

/** No answer this long after a request was sent (plus time for its body at a slow 2G rate): the line is dead, not slow. */
export const ANSWER_DEADLINE_MS = 60_000;
const SLOWEST_UPLOAD_BYTES_PER_S = 8 * 1024;

/** Reported when a request got no answer in time: the network's failure, tried again by the next round. */
export class NoAnswerError extends Error {
  override readonly name = "NoAnswerError";
}

/**
 * A request's signal that also ends it when no answer comes in time. A connection that silently
 * stops (a mobile line dropping every packet, a proxy that keeps the socket open) otherwise
 * leaves fetch waiting for minutes, and the round waiting with it holds the sync lock: no press
 * of "Đồng bộ ngay" could start another.
 */
function answerDeadline(outer: AbortSignal | null | undefined, body: BodyInit | null | undefined, ms: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const size = body instanceof Uint8Array ? body.byteLength : typeof body === "string" ? body.length : 0;
  const timer = setTimeout(
    () => controller.abort(new NoAnswerError("No answer from the sync server in time")),
    ms + (1000 * size) / SLOWEST_UPLOAD_BYTES_PER_S,
  );
  const fromOuter = () => controller.abort(outer!.reason);
  if (outer?.aborted) fromOuter();
  else outer?.addEventListener("abort", fromOuter, { once: true });
  return {
    signal: controller.signal,
    // Only the deadline ends here: a pause must still stop the answer's body as it comes down.
    clear: () => clearTimeout(timer),
  };
}

/**
 * The network failed: no answer, or an answer cut off part-way (a dropped connection). Nothing
 * the person must do — the work stays on this device and the next try sends it.
 */
export function unreachable(cause: unknown): VanthuError {
  // Not the network: the person stopped the transfer (sync/state.ts, pauseSync).
  if (cause instanceof DOMException && cause.name === "AbortError")
    return new VanthuError("sync.paused", "Đã tạm dừng đồng bộ. Dữ liệu vẫn được giữ trên máy này.", "Sync stopped by the person", { cause });
  const offline = typeof navigator !== "undefined" && navigator.onLine === false;
  return offline
    ? new VanthuError("sync.offline", "Không có mạng. Dữ liệu vẫn được giữ trên máy này và sẽ gửi khi có mạng.", "Browser is offline", { cause })
    : new VanthuError("sync.unreachable", "Không kết nối được máy chủ. Dữ liệu vẫn được giữ trên máy này và sẽ tự gửi lại.", "Sync server unreachable", {
        cause,
      });
}

/** Failures that a later try may not meet: the network, a busy or restarting server. */
export function isTransient(e: unknown): boolean {
  return e instanceof VanthuError && (e.code === "sync.offline" || e.code === "sync.unreachable" || e.code === "sync.busy");
}

/** The body of an answer; a connection cut while it arrives is the network's failure, not the server's. */
export async function readJson(res: Response): Promise<unknown> {
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    throw unreachable(e);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw unreachable(e);
  }
}

export async function throwApi(res: Response): Promise<never> {
  const body = ApiErrorBody.safeParse(await res.json().catch(() => null));
  if (res.status >= 500 || res.status === 408 || res.status === 429) {
    throw new VanthuError(
      "sync.busy",
      "Máy chủ đang bận hoặc khởi động lại; sẽ tự thử lại.",
      `HTTP ${res.status}${body.success ? `: ${body.data.error.message}` : ""}`,
    );
  }
  if (res.status === 401) throw new VanthuError("sync.unauthorized", "Phiên đăng nhập đã hết hạn: hãy đăng nhập lại (mục Đồng bộ).", "Session expired");
  if (body.success) throw new VanthuError("sync." + body.data.error.code, body.data.error.messageVi, body.data.error.message);
  throw new VanthuError("sync.http", `Máy chủ trả lời lỗi ${res.status}.`, `HTTP ${res.status}`);
}

/** The API client of the signed-in session; refuses plainly when nobody is signed in. */
export async function serverApi(db: VanthuDb, base = ""): Promise<ApiClient> {
  const s = (await db.meta.get("session"))?.value as SessionInfo | undefined;
  if (!s) throw new VanthuError("sync.signed-out", "Hãy đăng nhập (mục Đồng bộ).", "Not signed in");
  return new ApiClient(base, s.token);
}

/** One call of the server's JSON API as the signed-in session. */
export async function apiCall<T>(db: VanthuDb, path: string, init: RequestInit = {}): Promise<T> {
  return (await serverApi(db)).send<T>(path, init);
}
