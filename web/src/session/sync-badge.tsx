import { useLive } from "../live.ts";
import { db, online } from "../state.ts";
import { scheduleSync } from "../sync/retry.ts";
import { syncState } from "../sync/state.ts";

/**
 * Background sync: soon after start, when the network returns, every 30 s, and after a failed
 * round with growing pauses (sync/retry.ts). The sync code loads after the first screen.
 */
export function startAutoSync(): () => void {
  // The first round waits until the first screen is drawn: the protocol code is not needed to show it.
  // Nobody signed in: nothing to sync, and the sync code is not loaded at all.
  const round = async () => ((await db.meta.get("session")) ? (await import("./sync-view.tsx")).runSync("skip") : ("skipped" as const));
  const s = scheduleSync(round, { firstDelayMs: 1500 });
  return () => s.stop();
}

export function SyncBadge() {
  const pending = useLive(
    () => undefined,
    () => db.outbox.count(),
  );
  const text = () => {
    const s = syncState();
    if (!online() || s.phase === "offline" || s.phase === "unreachable") return `${pending() ?? 0} thay đổi chờ gửi`;
    if (s.phase === "signed-out") return "Chưa đăng nhập máy chủ";
    if (s.phase === "syncing") return s.progress ? `Đang đồng bộ (${s.progress.done}/${s.progress.total})` : "Đang đồng bộ…";
    if (s.phase === "error") return "Lỗi đồng bộ";
    if (s.phase === "paused") return `Đã tạm dừng đồng bộ (${pending() ?? 0} thay đổi chờ gửi)`;
    return (pending() ?? 0) > 0 ? `${pending()} thay đổi chờ gửi` : "Đã đồng bộ";
  };
  return (
    <a
      href="#/dong-bo"
      class={`sync-badge ${syncState().phase === "error" ? "error" : ""}`}
      style={{ color: "inherit", "text-decoration": "none" }}
      data-testid="sync-badge"
    >
      {text()}
    </a>
  );
}
