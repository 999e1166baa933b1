import {
  AGENT_DEFAULT_PORT,
  AgentErrorResponseSchema,
  CertificateListResponseSchema,
  CreateSignRequestResponseSchema,
  SignRequestViewSchema,
  StatusResponseSchema,
  hashPairingToken,
  isFinalState,
  newPairingToken,
  pairingCodeFromHash,
  type CertificateInfo,
  type CreateSignRequest,
  type SignRequestView,
  type StatusResponse,
} from "../../../shared/agent-protocol/index.ts";
import { VanthuError } from "../../../shared/errors.ts";

/**
 * The PWA's side of the token agent (127.0.0.1): pairing, certificates, sign requests.
 * The PIN is typed on the agent's own page, never here.
 */
export const DEFAULT_AGENT_URL = `http://127.0.0.1:${AGENT_DEFAULT_PORT}`;

export interface AgentSettings {
  url: string;
  /** The bearer token once paired; kept in IndexedDB (meta) of this origin only. */
  token?: string;
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

export class AgentClient {
  constructor(
    readonly settings: AgentSettings,
    private readonly fetchFn: typeof fetch = (...a) => fetch(...a),
  ) {}

  private async call<T>(path: string, schema: { parse(x: unknown): T }, init: RequestInit = {}): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchFn(this.settings.url + path, {
        ...init,
        headers: {
          ...(init.body ? { "content-type": "application/json" } : {}),
          ...(this.settings.token ? { authorization: `Bearer ${this.settings.token}` } : {}),
          ...(init.headers ?? {}),
        },
      });
    } catch (e) {
      throw new VanthuError(
        "agent.unreachable",
        "Không kết nối được với phần mềm ký số trên máy (agent). Hãy kiểm tra agent đã chạy và thiết bị ký số đã cắm.",
        `Agent at ${this.settings.url} unreachable`,
        { cause: e },
      );
    }
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const err = AgentErrorResponseSchema.safeParse(body);
      if (err.success) throw new VanthuError(err.data.error.code, err.data.error.messageVi, err.data.error.messageEn);
      throw new VanthuError("agent.http", `Agent trả lời lỗi ${res.status}.`, `Agent answered HTTP ${res.status} for ${path}`);
    }
    return schema.parse(body);
  }

  status(): Promise<StatusResponse> {
    return this.call("/v1/status", StatusResponseSchema);
  }

  async certificates(): Promise<CertificateInfo[]> {
    return (await this.call("/v1/certificates", CertificateListResponseSchema)).certificates;
  }

  createSignRequest(req: CreateSignRequest) {
    return this.call("/v1/sign-requests", CreateSignRequestResponseSchema, { method: "POST", body: JSON.stringify(req) });
  }

  signRequest(id: string): Promise<SignRequestView> {
    return this.call(`/v1/sign-requests/${encodeURIComponent(id)}`, SignRequestViewSchema);
  }

  /** Polls a sign request until it will change no more. */
  async waitForRequest(id: string, opts: { intervalMs?: number; signal?: AbortSignal } = {}): Promise<SignRequestView> {
    for (;;) {
      const v = await this.signRequest(id);
      if (isFinalState(v.state)) return v;
      if (opts.signal?.aborted) throw new VanthuError("agent.cancelled", "Đã hủy ký.", "Signing cancelled");
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 700));
    }
  }
}

/** Starts pairing: a fresh token whose hash is posted (top-level form, new window) to the agent's /pair page. */
export async function startPairing(agentUrl: string, target: string): Promise<{ token: string; code: string }> {
  const token = newPairingToken();
  const tokenHash = await hashPairingToken(token);
  const form = document.createElement("form");
  form.method = "POST";
  form.action = `${agentUrl}/pair`;
  form.target = target;
  for (const [k, v] of Object.entries({ tokenHash, appName: "Văn thư số" })) {
    const i = document.createElement("input");
    i.type = "hidden";
    i.name = k;
    i.value = v;
    form.appendChild(i);
  }
  document.body.appendChild(form);
  form.submit();
  form.remove();
  return { token, code: pairingCodeFromHash(tokenHash) };
}
