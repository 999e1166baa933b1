import { useLive } from "../live.ts";
import { db, online } from "../state.ts";
import { syncState } from "../sync/state.ts";

/** Background sync: now, when the network returns, and every 30 s. The sync code loads after the first screen. */
export function startAutoSync(): () => void {
  const run = () => void import("./sync-view.tsx").then((m) => m.runSync());
  // The first round waits until the first screen is drawn: the protocol code is not needed to show it.
  const first = setTimeout(run, 1500);
  window.addEventListener("online", run);
  const timer = setInterval(run, 30_000);
  return () => {
    window.removeEventListener("online", run);
    clearInterval(timer);
    clearTimeout(first);
  };
}

export function SyncBadge() {
  const pending = useLive(() => undefined, () => db.outbox.count());
  const text = () => {
    const s = syncState();
    if (!online() || s.phase === "offline") return `${pending() ?? 0} thay đổi chờ gửi`;
    if (s.phase === "signed-out") return "Chưa đăng nhập máy chủ";
    if (s.phase === "syncing") return s.progress ? `${s.progress.what} ${s.progress.done}/${s.progress.total}` : "Đang đồng bộ…";
    if (s.phase === "error") return "Lỗi đồng bộ";
    return (pending() ?? 0) > 0 ? `${pending()} thay đổi chờ gửi` : "Đã đồng bộ";
  };
  return (
    <a href="#/dong-bo" class={`sync-badge ${syncState().phase === "error" ? "error" : ""}`} style={{ color: "inherit", "text-decoration": "none" }} data-testid="sync-badge">
      {text()}
    </a>
  );
}
