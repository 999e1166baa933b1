import { For, Show, createResource, createSignal } from "solid-js";
import { REQUEST_KINDS, REQUEST_STATE_LABELS_VI } from "../../../shared/domain/certificates/index.ts";
import { formatDateTimeVi, formatDateVi } from "../../../shared/domain/dates.ts";
import { db, messageOf, notify } from "../state.ts";
import { apiCall } from "../sync/api.ts";

interface InboxItem {
  deliveryId: string;
  status: string;
  sentAt: string;
  receivedAt: string | null;
  from: { officeId: string; name: string };
  request: import("../../../shared/domain/certificates/index.ts").CertificateRequest;
  deadline: import("../../../shared/domain/certificates/index.ts").RequestDeadlineStatus | null;
}

export function ScienceDepartmentTab() {
  type Inbox = { items: InboxItem[]; error?: string };
  const [inbox, { refetch }] = createResource(() => apiCall<Inbox>(db, "/api/certificates/inbox").catch((e: unknown): Inbox => ({ items: [], error: messageOf(e) })));
  const [reasons, setReasons] = createSignal("");
  async function answer(item: InboxItem, type: "complete" | "refuse" | "request-supplement") {
    try {
      const list = reasons().split("\n").map((s) => s.trim()).filter(Boolean);
      await apiCall(db, `/api/certificates/inbox/${item.deliveryId}/answer`, { method: "POST", body: JSON.stringify({ answer: type === "complete" ? { type, note: "Đã thực hiện" } : { type, reasons: list } }) });
      notify("ok", "Đã gửi trả lời cho cơ quan đề nghị.");
      void refetch();
    } catch (err) {
      notify("error", messageOf(err));
    }
  }
  return (
    <>
      <Show when={inbox()?.error}>
        <p class="alert bad">{inbox()!.error}</p>
      </Show>
      <label class="card">
        Lý do từ chối hoặc nội dung cần bổ sung (mỗi dòng một ý)
        <textarea value={reasons()} onInput={(e) => setReasons(e.currentTarget.value)} />
      </label>
      <table class="register" data-testid="so-inbox">
        <thead>
          <tr>
            <th>Cơ quan đề nghị</th>
            <th>Đề nghị</th>
            <th>Gửi</th>
            <th>Tiếp nhận</th>
            <th>Hạn</th>
            <th>Trạng thái</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          <For each={inbox()?.items ?? []}>
            {(i) => (
              <tr data-testid="so-row">
                <td>{i.from.name}</td>
                <td>{`${i.request.form} — ${REQUEST_KINDS[i.request.kind].labelVi} (${i.request.document?.number ?? ""})`}</td>
                <td>{formatDateTimeVi(i.sentAt)}</td>
                <td>{i.receivedAt ? formatDateTimeVi(i.receivedAt) : "Chưa tiếp nhận (văn thư tiếp nhận ở mục Văn bản đến)"}</td>
                <td>
                  <Show when={i.deadline}>
                    <span class={`tag ${i.deadline!.overdue ? "bad" : "ok"}`}>{`${formatDateVi(`${i.deadline!.dueDay}T12:00:00+07:00`)}${i.deadline!.confirmed ? "" : " (chưa xác nhận)"}`}</span>
                  </Show>
                </td>
                <td>{REQUEST_STATE_LABELS_VI[i.request.state]}</td>
                <td class="row">
                  <Show when={i.status === "accepted" && i.request.state !== "completed" && i.request.state !== "refused"}>
                    <button data-testid="answer-complete" onClick={() => void answer(i, "complete")}>
                      Đã giải quyết
                    </button>
                    <button class="secondary" data-testid="answer-refuse" onClick={() => void answer(i, "refuse")}>
                      Từ chối
                    </button>
                    <button class="secondary" onClick={() => void answer(i, "request-supplement")}>
                      Yêu cầu bổ sung
                    </button>
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </>
  );
}
