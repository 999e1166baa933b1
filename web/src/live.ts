import { liveQuery } from "dexie";
import { createSignal, createEffect, on, onCleanup, type Accessor } from "solid-js";

/**
 * A Dexie live query as a Solid accessor: the view re-renders when the tables it read change,
 * whoever changed them (this tab, another tab, the sync). `deps` are the reactive inputs.
 */
export function useLive<T, D = undefined>(deps: () => D, query: (d: D) => Promise<T> | T, onError?: (e: unknown) => void): Accessor<T | undefined> {
  const [value, setValue] = createSignal<T | undefined>(undefined);
  createEffect(
    on(deps, (d) => {
      const sub = liveQuery(() => query(d)).subscribe({
        next: (v) => setValue(() => v),
        error: (e) => (onError ? onError(e) : console.error("liveQuery failed", e)),
      });
      onCleanup(() => sub.unsubscribe());
    }),
  );
  return value;
}
