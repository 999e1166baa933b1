import { AGENT_DEFAULT_PORT, hashPairingToken, newPairingToken, pairingCodeFromHash } from "../../../shared/agent-protocol/index.ts";
import { AgentClient } from "../../../shared/agent-protocol/client.ts";

/**
 * The PWA's side of the token agent (127.0.0.1): its address and token as Settings keep them,
 * and pairing, which needs the DOM (a top-level form). The PIN is typed on the agent's own
 * page, never here.
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

/** The HTTP client is the one in shared/agent-protocol (also used by the CLI tests). */
export { AgentClient };

/** A client for the agent the office configured in Settings. */
export function agentClientFor(settings: AgentSettings): AgentClient {
  return new AgentClient({ baseUrl: settings.url, ...(settings.token ? { token: settings.token } : {}) });
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
  // The agent pairs the Origin this POST carries. The server sends Referrer-Policy:
  // no-referrer, under which a cross-origin form POST carries `Origin: null` (Fetch: "append a
  // request Origin header"); so for this one submission the page's policy is "origin", set by
  // a meta element, and put back once the navigation has started.
  const policy = document.createElement("meta");
  policy.name = "referrer";
  policy.content = "origin";
  document.head.appendChild(policy);
  form.submit();
  form.remove();
  setTimeout(() => {
    policy.content = "no-referrer";
    policy.remove();
    document.head.appendChild(policy);
  }, 3000);
  return { token, code: pairingCodeFromHash(tokenHash) };
}
