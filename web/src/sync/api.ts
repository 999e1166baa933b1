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
  ) {}
  async req(path: string, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        ...init,
        signal: init.signal ?? this.signal,
        headers: { authorization: `Bearer ${this.token}`, ...(init.headers ?? {}) },
      });
    } catch (e) {
      throw unreachable(e);
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
