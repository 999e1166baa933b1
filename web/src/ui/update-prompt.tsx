import { Show } from "solid-js";
import { useRegisterSW } from "virtual:pwa-register/solid";

/**
 * A new version is announced and applied only when the person agrees, never in the middle of work.
 * The notices float over the bottom of the screen: appearing once the service worker is ready,
 * they must not push the screen's content down under the person's finger (layout shift).
 */
export function UpdatePrompt() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW({
    // Registered once the page has loaded (workbox-window waits for `load`, or goes at once if it
    // is past): on a slow line the service worker's precache, megabytes, must not compete with the
    // first screen's own files for the bandwidth (issue 17).
    immediate: false,
  });
  return (
    <div class="notices">
      <Show when={needRefresh()}>
        <div class="alert info row" role="status" data-testid="update-prompt" style={{ "align-items": "center" }}>
          <span style={{ flex: 1 }}>Có phiên bản mới của Văn thư số. Hãy lưu công việc đang làm rồi cập nhật.</span>
          <button onClick={() => void updateServiceWorker(true)}>Cập nhật ngay</button>
          <button class="secondary" onClick={() => setNeedRefresh(false)}>
            Để sau
          </button>
        </div>
      </Show>
      <Show when={offlineReady()}>
        <div class="alert info row" role="status" data-testid="offline-ready" style={{ "align-items": "center" }}>
          <span style={{ flex: 1 }}>Ứng dụng đã sẵn sàng dùng khi không có mạng.</span>
          <button class="secondary" onClick={() => setOfflineReady(false)}>
            Đóng
          </button>
        </div>
      </Show>
    </div>
  );
}
