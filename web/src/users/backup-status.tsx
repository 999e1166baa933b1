import { Show, createResource } from "solid-js";
import { formatDateTimeVi } from "../../../shared/domain/dates.ts";
import { db, messageOf } from "../state.ts";
import { apiCall } from "../sync/api.ts";

interface BackupStatus {
  schedule: { dir: string; everyMs: number; keep: number } | null;
  lastGood: { finishedAt: string; directory: string; detail: string } | null;
  lastRun: { finishedAt: string; verified: boolean; detail: string } | null;
  stale: boolean;
}

const periodVi = (ms: number) =>
  ms % 86_400_000 === 0 ? `${ms / 86_400_000} ngày` : ms % 3_600_000 === 0 ? `${ms / 3_600_000} giờ` : `${Math.round(ms / 60_000)} phút`;

/**
 * When the server's last good backup was made (Quy định Điều 14.3), for district IT: a warning
 * when it is older than two periods, none was ever made, or the last run failed.
 */
export function BackupStatusCard() {
  const [status] = createResource(() => apiCall<BackupStatus>(db, "/api/admin/backups").catch((e: unknown) => ({ error: messageOf(e) })));
  return (
    <div class="card" data-testid="backup-status">
      <h2>Sao lưu dữ liệu máy chủ</h2>
      <Show when={status()} fallback={<p class="muted">Đang tải…</p>}>
        {(s) => (
          <Show when={!("error" in s())} fallback={<p class="alert bad">{(s() as { error: string }).error}</p>}>
            {(() => {
              const b = s() as BackupStatus;
              return (
                <>
                  <p data-testid="backup-last-good">
                    Bản sao lưu tốt gần nhất (đã khôi phục thử và so mã băm): <b>{b.lastGood ? formatDateTimeVi(b.lastGood.finishedAt) : "chưa có"}</b>
                  </p>
                  <p class="muted">
                    {b.schedule
                      ? `Sao lưu tự động mỗi ${periodVi(b.schedule.everyMs)}, giữ ${b.schedule.keep} bản gần nhất.`
                      : "Máy chủ này chưa bật sao lưu tự động (vanthu server --backup-dir …)."}
                  </p>
                  <Show when={b.lastRun && !b.lastRun.verified}>
                    <p class="alert bad">Lần sao lưu gần nhất ({formatDateTimeVi(b.lastRun!.finishedAt)}) không thành công. Hãy kiểm tra máy chủ.</p>
                  </Show>
                  <Show when={b.stale}>
                    <p class="alert warn" data-testid="backup-stale">
                      Đã quá hai chu kỳ mà không có bản sao lưu tốt nào. Văn bản đã ký phải được sao lưu định kỳ ra nơi lưu trữ riêng (Điều 14.3).
                    </p>
                  </Show>
                </>
              );
            })()}
          </Show>
        )}
      </Show>
    </div>
  );
}
