import { createSignal } from "solid-js";

/** The visible state of sync, apart from the client so the header shows it without loading the protocol code. */
export type SyncPhase = "signed-out" | "offline" | "idle" | "syncing" | "error";
export interface SyncState {
  phase: SyncPhase;
  progress?: { done: number; total: number; what: string };
  lastSyncAt?: string;
  errorVi?: string;
  /** What the person can do about the error. */
  adviceVi?: string;
}

const [syncState, setSyncState] = createSignal<SyncState>({ phase: "idle" });
export { syncState, setSyncState };
