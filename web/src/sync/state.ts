import { createSignal } from "solid-js";

/** The visible state of sync, apart from the client so the header shows it without loading the protocol code. */
/**
 * offline: the browser has no network; unreachable: it has, but the server does not answer (or
 * the connection broke); paused: the person stopped the transfers until they start them again.
 */
export type SyncPhase = "signed-out" | "offline" | "unreachable" | "idle" | "syncing" | "paused" | "error";
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

/**
 * Stopping the transfers (a large document going up or coming down on a slow line that the
 * office needs for something else). Always safe: an upload's bytes stay on the server and the
 * next round goes on from there, a download goes on with a Range request, and the changes stay
 * in the outbox (the server applies each change once, however often it is sent). The pause
 * holds until the person starts the sync again, or opens the app anew: nothing stays unsent
 * for good because a button was pressed once.
 */
const [syncPaused, setSyncPaused] = createSignal(false);
export { syncPaused };
let round: AbortController | undefined;

/** A round starts: its requests end when the person stops it. */
export function beginRound(): AbortSignal {
  round = new AbortController();
  return round.signal;
}

export function endRound(signal: AbortSignal): void {
  if (round?.signal === signal) round = undefined;
}

export function pauseSync(): void {
  setSyncPaused(true);
  round?.abort();
  setSyncState((s) => ({ ...s, phase: "paused", progress: undefined, errorVi: undefined, adviceVi: undefined }));
}

export function resumeSync(): void {
  setSyncPaused(false);
  setSyncState((s) => (s.phase === "paused" ? { ...s, phase: "idle" } : s));
}
