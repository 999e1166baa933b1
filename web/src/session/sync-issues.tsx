import { For, Show } from "solid-js";
import type { SyncIssue } from "../db/schema.ts";
import { enqueue } from "../db/outbox.ts";
import { useLive } from "../live.ts";
import { db, messageOf, notify } from "../state.ts";
import { QlvbTime } from "../ui/common.tsx";

/** Sends the person's change again, now based on the server's current version (they chose theirs). */
async function resendMine(issue: SyncIssue): Promise<void> {
  const { id: _id, clientTime: _t, ...body } = issue.mutation as Record<string, unknown>;
  const current = issue.current;
  if (!current) return;
  // A draft's steps are based on the draft's own version; a record's on the record's version.
  const base =
    typeof (current.data as { version?: unknown } | null)?.version === "number" && String(body.type).startsWith("draft.")
      ? (current.data as { version: number }).version
      : current.version;
  await db.transaction("rw", [db.outbox, db.syncIssues], async () => {
    await enqueue(db, "resend", issue.entityId, { mutation: { ...body, baseVersion: base } });
    await db.syncIssues.delete(issue.id);
  });
}

/**
 * What the server did not take: a refusal says why, plainly, and is acknowledged; a conflict
 * shows that someone else changed the record first and lets the person choose which stands.
 */
export function SyncIssues(props: { entityId?: string }) {
  const issues = useLive(
    () => props.entityId,
    (id) => (id ? db.syncIssues.where("entityId").equals(id).toArray() : db.syncIssues.orderBy("at").toArray()),
  );
  return (
    <Show when={(issues()?.length ?? 0) > 0}>
      <div data-testid="sync-issues">
        <For each={issues()}>
          {(i) => (
            <div class={`alert ${i.kind === "refused" ? "bad" : "warn"}`} data-testid={i.kind === "refused" ? "sync-refused" : "sync-conflict"}>
              <b>{i.kind === "refused" ? "Máy chủ từ chối: " : "Xung đột: "}</b>
              {i.messageVi}{" "}
              <span class="muted">
                (<QlvbTime iso={i.at} />)
              </span>
              <Show when={i.current}>
                {(c) => (
                  <div class="muted">
                    Bản trên máy chủ: phiên bản {c().version}, cập nhật <QlvbTime iso={c().updatedAt} />.
                  </div>
                )}
              </Show>
              <div class="row" style={{ "margin-top": "6px" }}>
                <Show
                  when={i.kind === "conflict"}
                  fallback={
                    <button class="secondary" onClick={() => void db.syncIssues.delete(i.id)}>
                      Đã hiểu
                    </button>
                  }
                >
                  <button
                    class="secondary"
                    data-testid="conflict-keep-server"
                    onClick={() => void db.syncIssues.delete(i.id).then(() => notify("ok", "Giữ bản trên máy chủ; thay đổi của bạn đã bỏ."))}
                  >
                    Giữ bản trên máy chủ
                  </button>
                  <button
                    data-testid="conflict-resend"
                    onClick={() =>
                      void resendMine(i)
                        .then(() => notify("ok", "Thay đổi của bạn sẽ được gửi lại trên bản mới nhất."))
                        .catch((e) => notify("error", messageOf(e)))
                    }
                  >
                    Gửi lại thay đổi của tôi
                  </button>
                </Show>
              </div>
            </div>
          )}
        </For>
      </div>
    </Show>
  );
}
