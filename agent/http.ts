import type { Context } from "hono";
import type { AgentError } from "../shared/agent-protocol/index.ts";

/** A paired origin as the agent remembers it: the token is kept only as its SHA-256. */
export interface Pairing {
  id: string;
  origin: string;
  appName: string;
  tokenHash: string;
  pairedAt: string;
}

export type AgentEnv = { Variables: { pairing: Pairing } };

export function errorResponse(
  c: Context,
  status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 421 | 422 | 423 | 429 | 500 | 503,
  error: AgentError,
): Response {
  return c.json({ error }, status, { "Cache-Control": "no-store" });
}

export function agentError(code: string, messageVi: string, messageEn: string): AgentError {
  return { code, messageVi, messageEn };
}

/** The agent's own origins: the only ones its pages accept form posts from. */
export function ownOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}
