/**
 * The PWA's side of the agent protocol, without DOM: an HTTP client over `fetch`. Batch
 * signing through it is batch.ts. Opening the pairing form and the consent window is the web
 * page's part (web/).
 */
import { VanthuError } from "../errors.ts";
import {
  AGENT_DEFAULT_PORT,
  AgentErrorResponseSchema,
  CertificateListResponseSchema,
  CreateSignRequestResponseSchema,
  SignRequestViewSchema,
  StatusResponseSchema,
  isFinalState,
  type CertificateInfo,
  type CreateSignRequest,
  type CreateSignRequestResponse,
  type SignRequestView,
  type StatusResponse,
} from "./index.ts";

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface AgentClientOptions {
  baseUrl?: string;
  /** The pairing token (absent before pairing: only status() works). */
  token?: string;
  fetch?: FetchLike;
  /** Extra headers on every request (tests outside a browser set Origin here). */
  headers?: Record<string, string>;
}

const agentUnreachable = (e: unknown) =>
  new VanthuError(
    "agent.unreachable",
    "Không kết nối được chương trình ký số trên máy. Hãy mở chương trình ký số (vanthu agent) rồi thử lại.",
    `agent unreachable: ${e instanceof Error ? e.message : String(e)}`,
    { cause: e },
  );

export class AgentClient {
  readonly baseUrl: string;
  private readonly fetchFn: FetchLike;

  constructor(private readonly options: AgentClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? `http://127.0.0.1:${AGENT_DEFAULT_PORT}`).replace(/\/$/, "");
    this.fetchFn = options.fetch ?? ((i, init) => fetch(i, init));
  }

  private async call(path: string, init: { method?: string; body?: unknown } = {}): Promise<unknown> {
    const headers: Record<string, string> = { ...this.options.headers };
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    if (init.body !== undefined) headers["Content-Type"] = "application/json";
    let res: Response;
    try {
      res = await this.fetchFn(`${this.baseUrl}${path}`, {
        method: init.method ?? "GET",
        headers,
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
    } catch (e) {
      throw agentUnreachable(e);
    }
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const parsed = AgentErrorResponseSchema.safeParse(json);
      if (parsed.success)
        throw Object.assign(new VanthuError(parsed.data.error.code, parsed.data.error.messageVi, parsed.data.error.messageEn), {
          pinTries: parsed.data.error.pinTries,
          status: res.status,
        });
      throw new VanthuError("agent.bad-answer", "Chương trình ký số trả lời không đúng giao thức.", `agent answered ${res.status} without an error body`);
    }
    return json;
  }

  /**
   * Whether the agent runs, for a page not paired yet: the agent answers an unpaired origin
   * without CORS headers, so only an opaque ("no-cors") request can tell, and it tells nothing else.
   */
  async reachable(): Promise<boolean> {
    try {
      await this.fetchFn(`${this.baseUrl}/v1/status`, { mode: "no-cors" });
      return true;
    } catch {
      return false;
    }
  }

  async status(): Promise<StatusResponse> {
    return StatusResponseSchema.parse(await this.call("/v1/status"));
  }

  async certificates(): Promise<CertificateInfo[]> {
    return CertificateListResponseSchema.parse(await this.call("/v1/certificates")).certificates;
  }

  async createSignRequest(req: CreateSignRequest): Promise<CreateSignRequestResponse> {
    return CreateSignRequestResponseSchema.parse(await this.call("/v1/sign-requests", { method: "POST", body: req }));
  }

  async signRequest(id: string): Promise<SignRequestView> {
    return SignRequestViewSchema.parse(await this.call(`/v1/sign-requests/${encodeURIComponent(id)}`));
  }

  /** Polls until the request is completed, failed, expired or cancelled. */
  async waitForSignRequest(
    id: string,
    options: { intervalMs?: number; signal?: AbortSignal; onProgress?: (view: SignRequestView) => void } = {},
  ): Promise<SignRequestView> {
    for (;;) {
      const view = await this.signRequest(id);
      options.onProgress?.(view);
      if (isFinalState(view.state)) return view;
      if (options.signal?.aborted) throw new VanthuError("agent.wait-aborted", "Đã dừng chờ kết quả ký.", "stopped waiting for the sign request");
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 500));
    }
  }

  async cancelSignRequest(id: string): Promise<SignRequestView> {
    return SignRequestViewSchema.parse(await this.call(`/v1/sign-requests/${encodeURIComponent(id)}`, { method: "DELETE", body: {} }));
  }

  async unpair(): Promise<void> {
    await this.call("/v1/pairing", { method: "DELETE", body: {} });
  }
}

export function base64ToBytes(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function bytesToBase64(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}
