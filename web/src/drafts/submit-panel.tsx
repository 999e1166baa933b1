import { For, Show, createResource, createSignal } from "solid-js";
import { DRAFT_STATE_LABELS_VI } from "../../../shared/sync/drafts.ts";
import type { Draft } from "../db/schema.ts";
import { useLive } from "../live.ts";
import { href } from "../router.ts";
import { db, loadProfile, messageOf, notify, online } from "../state.ts";
import { STATE_TAG } from "./workflow-list.tsx";
import { officialsOf, submitForSigning } from "./workflow.ts";

/** Trình ký from the draft editor: to a named leader of the office, with a note. */
export function SubmitPanel(props: { draft: Draft; beforeAction: () => Promise<void> }) {
  const w = useLive(
    () => props.draft.id,
    (id) => db.workflow.get(id),
  );
  const [officials] = createResource(() => officialsOf(db));
  const [official, setOfficial] = createSignal("");
  const [note, setNote] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const canSubmit = () => !w() || w()!.state === "drafting" || w()!.state === "returned";
  async function submit() {
    const o = officials()?.find((x) => x.id === (official() || officials()?.[0]?.id));
    if (!o) return notify("error", "Hãy chọn lãnh đạo để trình ký.");
    setBusy(true);
    try {
      await props.beforeAction();
      const p = await loadProfile();
      const s = (await db.meta.get("session"))?.value as { user: { id: string; fullName: string } };
      await submitForSigning(db, (await db.drafts.get(props.draft.id))!, {
        official: o,
        note: note(),
        issuerSymbol: p.symbol,
        by: { id: s.user.id, name: s.user.fullName },
        offline: !online(),
      });
      setNote("");
      const given = (await db.workflow.get(props.draft.id))?.number;
      notify(
        "ok",
        given?.source === "reserved"
          ? `Đã trình ${o.fullName} với số tạm ${given.numberAndSymbol} (số giữ trước của máy này), chờ máy chủ xác nhận khi có mạng.`
          : `Đã trình ${o.fullName}. Số văn bản do sổ đăng ký trên máy chủ cấp khi trình ký đến máy chủ.`,
      );
      void import("../session/sync-view.tsx").then((m) => m.runSync());
    } catch (e) {
      notify("error", messageOf(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div class="card" data-testid="submit-panel">
      <h2>Trình ký</h2>
      <Show when={w()}>
        {(x) => (
          <p>
            <span class={`tag ${STATE_TAG[x().state]}`} data-testid="submit-state">
              {DRAFT_STATE_LABELS_VI[x().state]}
            </span>{" "}
            {x().number ? `Số ${x().number!.numberAndSymbol}. ` : ""}
            <a href={href("trinh-ky", x().id)}>Xem các bước và góp ý</a>
          </p>
        )}
      </Show>
      <Show when={canSubmit()}>
        <div class="grid">
          <label>
            Trình lãnh đạo
            <select id="submit-official" value={official()} onChange={(e) => setOfficial(e.currentTarget.value)}>
              <For each={officials() ?? []}>{(o) => <option value={o.id}>{o.fullName}</option>}</For>
            </select>
          </label>
          <label class="wide">
            Ghi chú gửi lãnh đạo
            <textarea id="submit-note" value={note()} onInput={(e) => setNote(e.currentTarget.value)} />
          </label>
          <div>
            <button onClick={submit} disabled={busy() || !props.draft.documentSha256 || (officials()?.length ?? 0) === 0} data-testid="submit-button">
              {w()?.state === "returned" ? "Trình lại" : "Trình ký"}
            </button>
          </div>
        </div>
        <Show when={officials() && officials()!.length === 0}>
          <p class="muted">Chưa tải được danh sách lãnh đạo của cơ quan: cần có mạng lần đầu.</p>
        </Show>
      </Show>
    </div>
  );
}
