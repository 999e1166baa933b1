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
  ) {}
  async req(path: string, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.base + path, { ...init, headers: { authorization: `Bearer ${this.token}`, ...(init.headers ?? {}) } });
    } catch (e) {
      throw new VanthuError("sync.offline", "Không kết nối được máy chủ. Dữ liệu vẫn được giữ trên máy này và sẽ gửi khi có mạng.", "Sync server unreachable", { cause: e });
    }
    if (!res.ok && res.status !== 409) await throwApi(res);
    return res;
  }
  async json<T>(path: string, schema: { parse(x: unknown): T }, init: RequestInit = {}): Promise<T> {
    const res = await this.req(path, { ...init, headers: { ...(init.body ? { "content-type": "application/json" } : {}), ...(init.headers ?? {}) } });
    if (!res.ok) await throwApi(res);
    return schema.parse(await res.json());
  }
  /** A JSON answer of the server's own API whose shape the caller knows (the certificate screens). */
  async send<T>(path: string, init: RequestInit = {}): Promise<T> {
    const res = await this.req(path, { ...init, headers: { ...(init.body ? { "content-type": "application/json" } : {}), ...(init.headers ?? {}) } });
    if (!res.ok) await throwApi(res);
    return (await res.json()) as T;
  }
}

export async function throwApi(res: Response): Promise<never> {
  const body = ApiErrorBody.safeParse(await res.json().catch(() => null));
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
