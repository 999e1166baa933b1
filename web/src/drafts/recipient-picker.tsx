import { For, Show, createSignal } from "solid-js";
import { findOffices } from "../../../shared/domain/offices/units.ts";
import { useLive } from "../live.ts";
import { db } from "../state.ts";

/**
 * The offices of the exchange's directory as recipients, found by typing part of the name with
 * or without diacritics ("hong bang", "cat hai", "so khoa hoc"); a click adds the exact name.
 */
export function RecipientPicker(p: { onPick: (name: string) => void }) {
  const [q, setQ] = createSignal("");
  const offices = useLive(
    () => undefined,
    async () => ((await db.meta.get("offices"))?.value as Array<{ id: string; name: string }> | undefined) ?? [],
  );
  const found = () => (q().trim().length >= 2 ? findOffices(offices() ?? [], q()).slice(0, 8) : []);
  return (
    <div class="wide" data-testid="recipient-picker">
      <label>
        Tìm cơ quan nhận (gõ không dấu được)
        <input value={q()} onInput={(e) => setQ(e.currentTarget.value)} placeholder="ví dụ: hong bang, cat hai" data-testid="recipient-search" />
      </label>
      <Show when={found().length > 0}>
        <ul class="list">
          <For each={found()}>
            {(o) => (
              <li>
                <button
                  type="button"
                  class="secondary"
                  onClick={() => {
                    p.onPick(o.name);
                    setQ("");
                  }}
                >
                  + {o.name}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}
