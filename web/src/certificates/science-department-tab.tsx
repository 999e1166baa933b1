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
  const [inbox, { refetch }] = createResource(() =>
    apiCall<Inbox>(db, "/api/certificates/inbox").catch((e: unknown): Inbox => ({ items: [], error: messageOf(e) })),
  );
  const [reasons, setReasons] = createSignal("");
  // What a completed renewal or new issue carries back (Nghị định 68/2024 Điều 9): the new expiry, the new certificates.
  const [newExpiry, setNewExpiry] = createSignal("");
  const [newCerts, setNewCerts] = createSignal<string[]>([]);
  async function readCerts(files: FileList | null) {
    const out: string[] = [];
    for (const f of Array.from(files ?? [])) {
      const bytes = new Uint8Array(await f.arrayBuffer());
      const text = new TextDecoder().decode(bytes);
      const pem = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(text);
      out.push(pem ? pem[1]!.replace(/\s+/g, "") : btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join("")));
    }
    setNewCerts(out);
  }
  function result(item: InboxItem) {
    if (item.request.kind === "renewal" && newExpiry()) return { newNotAfter: `${newExpiry()}T23:59:59+07:00` };
    if (item.request.kind.startsWith("issue-") && newCerts().length) return { certificates: newCerts() };
    return undefined;
  }
  async function answer(item: InboxItem, type: "complete" | "refuse" | "request-supplement") {
    try {
      const list = reasons()
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean);
      await apiCall(db, `/api/certificates/inbox/${item.deliveryId}/answer`, {
        method: "POST",
        body: JSON.stringify({ answer: type === "complete" ? { type, note: "Đã thực hiện", result: result(item) } : { type, reasons: list } }),
      });
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
      <div class="card row">
        <label>
          Gia hạn: ngày hết hạn mới
          <input type="date" value={newExpiry()} onInput={(e) => setNewExpiry(e.currentTarget.value)} data-testid="answer-new-expiry" />
        </label>
        <label>
          Cấp mới: tệp chứng thư số đã cấp (.cer, .pem)
          <input type="file" multiple accept=".cer,.crt,.pem,.der" onChange={(e) => void readCerts(e.currentTarget.files)} data-testid="answer-certificates" />
        </label>
      </div>
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
                    <span
                      class={`tag ${i.deadline!.overdue ? "bad" : "ok"}`}
                    >{`${formatDateVi(`${i.deadline!.dueDay}T12:00:00+07:00`)}${i.deadline!.confirmed ? "" : " (chưa xác nhận)"}`}</span>
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
