import { For, Show } from "solid-js";
import { DRAFT_STATE_LABELS_VI, type DraftState } from "../../../shared/sync/drafts.ts";
import type { WorkflowDraft } from "../db/schema.ts";
import { useLive } from "../live.ts";
import { href } from "../router.ts";
import { db, loadProfile } from "../state.ts";
import { QlvbTime } from "../ui/common.tsx";

/** The colour of a state: what waits for someone is amber, what is done green, what was sent back red. */
export const STATE_TAG: Record<DraftState, "" | "ok" | "warn" | "bad"> = {
  drafting: "",
  submitted: "warn",
  returned: "bad",
  approved: "warn",
  signed: "ok",
  issued: "ok",
  sent: "ok",
  cancelled: "bad",
};

/**
 * Trình ký: what waits for this person. A leader sees the drafts submitted to them, and those
 * approved on a phone that wait to be signed where the token is ("Chờ ký tại máy tính"); the
 * drafter sees where each of theirs is.
 */
export function WorkflowList() {
  const data = useLive(
    () => undefined,
    async () => {
      const p = await loadProfile();
      const session = (await db.meta.get("session"))?.value as { user: { id: string } } | undefined;
      return { me: session?.user.id ?? "", leader: p.roles.includes("leader"), all: await db.workflow.orderBy("updatedAt").reverse().toArray() };
    },
  );
  const mine = (states: DraftState[]) => (data()?.all ?? []).filter((w) => states.includes(w.state) && w.official?.id === data()!.me);
  const sent = (states: DraftState[]) => (data()?.all ?? []).filter((w) => states.includes(w.state) && w.createdBy.id === data()!.me);
  return (
    <section>
      <h1>Trình ký</h1>
      <Show when={data()?.leader}>
        <Group title="Chờ tôi xem xét" testId="wf-to-review" list={mine(["submitted"])} empty="Không có dự thảo nào chờ xem xét." />
        <Group
          title="Chờ ký tại máy tính"
          testId="wf-to-sign"
          list={mine(["approved"])}
          empty="Không có văn bản nào đã duyệt chờ ký."
          note="Văn bản đã duyệt trên điện thoại: mở trên máy tính có thiết bị ký số để ký."
        />
      </Show>
      <Group title="Tôi đã trình" testId="wf-submitted" list={sent(["drafting", "submitted", "approved", "returned"])} empty="Chưa trình dự thảo nào." />
      <Group
        title="Đã ký, chờ văn thư phát hành"
        testId="wf-signed"
        list={(data()?.all ?? []).filter((w) => w.state === "signed")}
        empty="Không có văn bản nào chờ phát hành."
      />
      <Group title="Đã phát hành" testId="wf-done" list={(data()?.all ?? []).filter((w) => w.state === "issued" || w.state === "sent").slice(0, 20)} empty="" />
    </section>
  );
}

function Group(p: { title: string; testId: string; list: WorkflowDraft[]; empty: string; note?: string }) {
  return (
    <Show when={p.list.length > 0 || p.empty}>
      <h2>
        {p.title} ({p.list.length})
      </h2>
      <Show when={p.note && p.list.length > 0}>
        <p class="muted">{p.note}</p>
      </Show>
      <Show when={p.list.length > 0} fallback={<p class="muted">{p.empty}</p>}>
        <ul class="list" data-testid={p.testId}>
          <For each={p.list}>
            {(w) => (
              <li>
                <div class="grow">
                  <a href={href("trinh-ky", w.id)}>
                    <b>{w.number?.numberAndSymbol ?? "Chưa có số"}</b> — {w.subject}
                  </a>
                  <div class="muted">
                    {w.createdBy.name} trình {w.official ? `cho ${w.official.name}` : ""} · cập nhật{" "}
                    <QlvbTime iso={w.updatedAt} provisional={(w.pending?.length ?? 0) > 0} />
                  </div>
                </div>
                <span class={`tag ${STATE_TAG[w.state]}`}>
                  {DRAFT_STATE_LABELS_VI[w.state]}
                  {(w.pending?.length ?? 0) > 0 ? " (chờ gửi)" : ""}
                </span>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </Show>
  );
}
