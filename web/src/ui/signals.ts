import { createSignal } from "solid-js";
import { isVanthuError } from "../../../shared/errors.ts";

/** What every screen shares and the sign-in screen needs before any database code: the network state and the toast. */
const [online, setOnline] = createSignal(typeof navigator === "undefined" ? true : navigator.onLine);
if (typeof window !== "undefined") {
  window.addEventListener("online", () => setOnline(true));
  window.addEventListener("offline", () => setOnline(false));
}
export { online };

/** A message for people: the Vietnamese text of a VanthuError, or a generic one with the English detail kept for the console. */
export function messageOf(e: unknown): string {
  if (isVanthuError(e)) return e.messageVi;
  console.error(e);
  if (e instanceof Error && e.name === "ConstraintError") return "Dữ liệu trùng với bản ghi đã có (số trong sổ đã được dùng). Hãy thử lại.";
  if (e instanceof Error && e.name === "QuotaExceededError") return "Bộ nhớ của trình duyệt đã đầy: hãy giải phóng dung lượng (xem mục Lưu trữ).";
  return "Đã có lỗi không mong muốn. Dữ liệu đã lưu không bị mất; hãy thử lại.";
}

const [toast, setToast] = createSignal<{ kind: "ok" | "error"; text: string } | null>(null);
let toastTimer: ReturnType<typeof setTimeout> | undefined;
export function notify(kind: "ok" | "error", text: string): void {
  setToast({ kind, text });
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => setToast(null), kind === "error" ? 10_000 : 4000);
}
export { toast };

/** The end of work that did not finish: an error, or the person's own "Dừng" (said plainly, not in red). */
export function notifyFailure(e: unknown): void {
  notify(isVanthuError(e) && e.code === "web.cancelled" ? "ok" : "error", messageOf(e));
}
