import { Show, createResource, onCleanup, onMount } from "solid-js";
import { href } from "../router.ts";
import { online } from "../state.ts";

/**
 * Above every screen: the incoming documents overdue or due soon for the signed-in person (the
 * leader who assigned them, the assignee), and urgent ones waiting to be presented — as the
 * server counts them on its QLVB clock. Quiet when offline: nothing is claimed that is not known.
 * Part of every first screen, so it is small: the API client and the handling screen's code
 * load only when there is a line to ask the server on, after the screen is drawn (issue 17).
 */
export function HandlingAlerts() {
  const [data, { refetch }] = createResource(online, async (isOnline) => {
    if (!isOnline) return undefined;
    const { fetchHandling } = await import("./handling-view.tsx");
    return fetchHandling("mine").catch(() => undefined);
  });
  onMount(() => {
    const t = setInterval(() => void refetch(), 120_000);
    onCleanup(() => clearInterval(t));
  });
  const count = (k: string) => data()?.alerts.filter((a) => a.kind === k).length ?? 0;
  return (
    <Show when={(data()?.alerts.length ?? 0) > 0}>
      <div class={`alert ${count("overdue") || count("present-now") ? "bad" : "warn"}`} role="status" data-testid="handling-banner">
        {[
          count("overdue") && `${count("overdue")} văn bản đến quá hạn giải quyết`,
          count("due-soon") && `${count("due-soon")} văn bản sắp đến hạn`,
          count("present-now") && `${count("present-now")} văn bản khẩn chờ trình`,
          count("present-late") && `${count("present-late")} văn bản chưa trình đúng hạn`,
        ]
          .filter(Boolean)
          .join("; ")}
        . <a href={href("xu-ly")}>Xem danh sách xử lý</a>
      </div>
    </Show>
  );
}
