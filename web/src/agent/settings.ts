import type { VanthuDb } from "../db/schema.ts";
import { agentClientFor, DEFAULT_AGENT_URL, type AgentClient, type AgentSettings } from "./client.ts";

export async function loadAgentSettings(db: VanthuDb): Promise<AgentSettings> {
  const row = await db.meta.get("agent");
  return { url: DEFAULT_AGENT_URL, ...((row?.value as Partial<AgentSettings>) ?? {}) };
}

export async function saveAgentSettings(db: VanthuDb, s: AgentSettings): Promise<void> {
  await db.meta.put({ key: "agent", value: s });
}

export async function agentClient(db: VanthuDb): Promise<AgentClient> {
  return agentClientFor(await loadAgentSettings(db));
}

export async function loadImage(db: VanthuDb, key: "signatureImage" | "sealImage"): Promise<Uint8Array | undefined> {
  const row = await db.meta.get(key);
  return row?.value instanceof Uint8Array ? row.value : undefined;
}
