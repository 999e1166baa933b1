import { createSignal } from "solid-js";

/** The visible state of sync, apart from the client so the header shows it without loading the protocol code. */
/** offline: the browser has no network; unreachable: it has, but the server does not answer (or the connection broke). */
export type SyncPhase = "signed-out" | "offline" | "unreachable" | "idle" | "syncing" | "error";
export interface SyncState {
  phase: SyncPhase;
  /** Changes done of those in this round; bytes of the document going up or coming down, if one is. */
  progress?: { done: number; total: number; what: string; bytes?: { done: number; total: number } };
  lastSyncAt?: string;
  errorVi?: string;
  /** What the person can do about the error. */
  adviceVi?: string;
}

const [syncState, setSyncState] = createSignal<SyncState>({ phase: "idle" });
export { syncState, setSyncState };
