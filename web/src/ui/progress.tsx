import { For, Show, createSignal } from "solid-js";
import { formatBytes } from "../settings/storage.ts";

/**
 * Long work the person waits for (importing a large scan, signing a batch): what it is, how
 * much is done and what remains, and a way to stop it where stopping is safe. The sync's own
 * progress (changes, documents going up or down) is in the header and the sync screen.
 */
export interface Work {
  id: number;
  what: string;
  done: number;
  total: number;
  unit: "bytes" | "items";
  /** Present only while stopping loses nothing (before anything is written). */
  cancel?: () => void;
}

const [works, setWorks] = createSignal<Work[]>([]);
let next = 1;

export interface WorkHandle {
  advance(done: number, total?: number): void;
  /** Says what is being done now (e.g. which signature of several). */
  describe(what: string): void;
  /** From here on the work can no longer be stopped safely. */
  uncancellable(): void;
  end(): void;
}

export function startWork(what: string, total: number, unit: Work["unit"], cancel?: () => void): WorkHandle {
  const id = next++;
  setWorks((ws) => [...ws, { id, what, done: 0, total, unit, cancel }]);
  const update = (f: (w: Work) => Work) => setWorks((ws) => ws.map((w) => (w.id === id ? f(w) : w)));
  return {
    advance: (done, t) => update((w) => ({ ...w, done, total: t ?? w.total })),
    describe: (what) => update((w) => (w.what === what ? w : { ...w, what })),
    uncancellable: () => update((w) => ({ ...w, cancel: undefined })),
    end: () => setWorks((ws) => ws.filter((w) => w.id !== id)),
  };
}

const amount = (w: Work, n: number) => (w.unit === "bytes" ? formatBytes(n) : `${n}`);

/** The long work in progress, floating over the bottom of the screen (it moves nothing). */
export function WorkProgress() {
  return (
    <div class="notices works">
      <For each={works()}>
        {(w) => (
          <div class="alert info" role="status" data-testid="work-progress">
            <div class="row" style={{ "align-items": "center" }}>
              <span style={{ flex: 1 }}>
                {w.what}: {amount(w, w.done)} / {amount(w, w.total)}— còn {amount(w, Math.max(0, w.total - w.done))}
              </span>
              <Show when={w.cancel}>
                {(cancel) => (
                  <button class="secondary" onClick={() => cancel()()}>
                    Dừng
                  </button>
                )}
              </Show>
            </div>
            <div class="bar" role="progressbar" aria-valuemin={0} aria-valuemax={w.total} aria-valuenow={w.done}>
              <div style={{ width: `${(100 * w.done) / Math.max(1, w.total)}%` }} />
            </div>
          </div>
        )}
      </For>
    </div>
  );
}
