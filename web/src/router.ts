import { createSignal } from "solid-js";

/** Hash routes (#/so-dang-ky/den): work offline from the precached index.html with no server rewrites. */
function current(): string[] {
  const h = typeof location === "undefined" ? "" : location.hash.replace(/^#\/?/, "");
  return h.split("/").filter(Boolean).map(decodeURIComponent);
}
const [route, setRoute] = createSignal<string[]>(current());
if (typeof window !== "undefined") window.addEventListener("hashchange", () => setRoute(current()));

export { route };
export function navigate(...parts: string[]): void {
  location.hash = "#/" + parts.map(encodeURIComponent).join("/");
}
export function href(...parts: string[]): string {
  return "#/" + parts.map(encodeURIComponent).join("/");
}
