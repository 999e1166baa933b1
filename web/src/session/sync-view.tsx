import { For, Show, createResource, createSignal, onCleanup, onMount } from "solid-js";
import { formatDateTimeVi } from "../../../shared/domain/index.ts";
import { useLive } from "../live.ts";
import { db, messageOf, notify, online } from "../state.ts";
import { loadSession, login, syncNow, type SyncOutcome } from "../sync/client.ts";
import { formatBytes } from "../settings/storage.ts";
import { signOut } from "./sign-out.ts";
import { pauseSync, resumeSync, syncPaused, syncState } from "../sync/state.ts";
import { SyncIssues } from "./sync-issues.tsx";
import { verifyReceived } from "../verify/run.ts";

const KIND_VI: Record<string, string> = {
  "outgoing.issue": "Phát hành văn bản đi",
  "incoming.register": "Vào sổ văn bản đến",
  "incoming.refuse": "Từ chối tiếp nhận",
  "draft.step": "Trình ký",
  resend: "Gửi lại sau xung đột",
  "cert.put": "Chứng thư số",
};

/** A round now; `whenBusy` "after" (a press, a change just made): once the running round ends, if one runs. */
export function runSync(whenBusy: "skip" | "after" = "after"): Promise<SyncOutcome> {
  return syncNow(db, { onNewReceived: (id) => void verifyReceived(db, id).catch(() => undefined), whenBusy });
}

export function SyncView() {
  const [session, { refetch }] = createResource(() => loadSession(db));
  const outbox = useLive(
    () => undefined,
    () => db.outbox.orderBy("id").toArray(),
  );
  const conflicts = useLive(
    () => undefined,
    async () =>
      ((await db.meta.get("registerConflicts"))?.value as
        | Array<{ entity: string; id: string; year: number; number: number; numberAndSymbol?: string }>
        | undefined) ?? [],
  );
  const lastSync = useLive(
    () => undefined,
    async () => (await db.meta.get("lastSyncAt"))?.value as string | undefined,
  );
  let stop: (() => void) | undefined;
  onMount(() => void refetch());
  onCleanup(() => stop?.());
  return (
    <section>
      <h1>Đồng bộ với máy chủ</h1>
      <div class="card">
        <p>
          Trạng thái:{" "}
          <b data-testid="sync-phase">
            {!online()
              ? "Không có mạng — mọi thay đổi được giữ trên máy này và gửi đi khi có mạng"
              : {
                  "signed-out": "Chưa đăng nhập",
                  offline: "Không có mạng — thay đổi được giữ trên máy này",
                  unreachable: "Không kết nối được máy chủ — thay đổi được giữ trên máy này, sẽ tự thử lại",
                  idle: "Đã cập nhật",
                  syncing: "Đang đồng bộ…",
                  paused: "Đã tạm dừng — thay đổi được giữ trên máy này; bấm “Tiếp tục đồng bộ” để gửi và nhận tiếp từ chỗ đã dừng",
                  error: "Có lỗi",
                }[syncState().phase]}
          </b>
        </p>
        <Show when={syncState().progress}>
          {(p) => (
            <div data-testid="sync-progress">
              {p().what}: {p().done}/{p().total} thay đổi
              <div class="bar" role="progressbar" aria-valuemin={0} aria-valuemax={p().total} aria-valuenow={p().done}>
                <div style={{ width: `${(100 * p().done) / Math.max(1, p().total)}%` }} />
              </div>
              <Show when={p().bytes}>
                {(b) => (
                  <div class="muted" data-testid="sync-bytes">
                    Văn bản: {formatBytes(b().done)} / {formatBytes(b().total)} — còn {formatBytes(Math.max(0, b().total - b().done))}
                  </div>
                )}
              </Show>
              {/* Stopping is always safe: what went up stays on the server, what came down is kept, the changes stay here. */}
              <button class="secondary" onClick={pauseSync} data-testid="sync-pause">
                Tạm dừng
              </button>
            </div>
          )}
        </Show>
        <Show when={syncState().errorVi}>
          {/* The network's failures are said plainly and need nothing from the person; only a server's refusal is an error. */}
          <div class={syncState().phase === "error" ? "alert bad" : "muted"} data-testid={syncState().phase === "error" ? "sync-error" : "sync-note"}>
            {syncState().errorVi} {syncState().adviceVi}
          </div>
        </Show>
        <p class="muted" data-testid="last-sync" data-at={lastSync() ?? ""}>
          Lần đồng bộ gần nhất: {lastSync() ? formatDateTimeVi(lastSync()!) : "chưa có"}
        </p>
        <Show when={session()}>
          <button
            onClick={() => {
              resumeSync();
              void runSync();
            }}
            disabled={!online() || syncState().phase === "syncing"}
            data-testid="sync-now"
          >
            {syncPaused() ? "Tiếp tục đồng bộ" : "Đồng bộ ngay"}
          </button>
        </Show>
      </div>
      <div class="card">
        <Show when={session()}>
          {(s) => (
            <div>
              Đã đăng nhập: <b>{s().user.fullName}</b> ({s().user.username}) — {s().office.name}
              {s().office.isDemo ? " [THỬ]" : ""}.{" "}
              <button
                class="secondary"
                onClick={async () => {
                  await signOut(db);
                  await refetch();
                }}
              >
                Đăng xuất
              </button>
            </div>
          )}
        </Show>
      </div>
      <SyncIssues />
      <Show when={(conflicts()?.length ?? 0) > 0}>
        <div class="alert warn" data-testid="register-conflicts">
          Có số trong sổ bị trùng giữa các máy của cơ quan (đã đánh số khi không có mạng):
          <ul>
            <For each={conflicts()}>
              {(c) => (
                <li>
                  Sổ văn bản {c.entity === "incoming" ? "đến" : "đi"} năm {c.year}, số {c.number}
                  {c.numberAndSymbol ? ` (${c.numberAndSymbol})` : ""}: bản ghi từ máy khác chưa được gộp. Hãy thống nhất số với văn thư kia.
                </li>
              )}
            </For>
          </ul>
        </div>
      </Show>
      <h2>Thay đổi chờ gửi ({outbox()?.length ?? 0})</h2>
      <ul class="list">
        <For each={outbox()}>
          {(m) => (
            <li>
              <div class="grow">
                {KIND_VI[m.kind] ?? "Thay đổi khác"}
                {(m.payload as { entry?: { numberAndSymbol?: string } } | null)?.entry?.numberAndSymbol
                  ? ` ${(m.payload as { entry: { numberAndSymbol: string } }).entry.numberAndSymbol}`
                  : ""}{" "}
                <span class="muted">· {formatDateTimeVi(m.createdAt)}</span>
                <Show when={m.lastError}>
                  <div class="tag bad">{m.lastError}</div>
                </Show>
              </div>
              <span class={`tag ${m.status === "error" ? "bad" : ""}`}>{m.status === "error" ? `lỗi (${m.attempts} lần)` : "chờ gửi"}</span>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}
