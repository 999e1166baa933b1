import { Show, createResource, onCleanup } from "solid-js";
import { formatBytes, readStorage, storageLevel } from "./storage.ts";

/**
 * The banner above every screen when the browser's storage runs low. Its own module: the
 * shell imports it on the first screen, while the Lưu trữ view (storage-view.tsx) loads when opened.
 */
export function StorageWarning() {
  const [fig, { refetch }] = createResource(readStorage);
  const t = setInterval(() => void refetch(), 60_000);
  onCleanup(() => clearInterval(t));
  const level = () => (fig() ? storageLevel(fig()!) : "ok");
  return (
    <Show when={level() !== "ok"}>
      <div class={`alert ${level() === "critical" ? "bad" : "warn"}`} role="alert">
        {level() === "critical" ? "Bộ nhớ trình duyệt sắp hết" : "Bộ nhớ trình duyệt còn ít"}: còn {formatBytes(fig()!.quota - fig()!.usage)}. Hãy đồng bộ và
        giải phóng dung lượng trước khi nhận thêm văn bản. <a href="#/luu-tru">Xem chi tiết</a>
      </div>
    </Show>
  );
}
