import { For, type JSX } from "solid-js";
import { DOCUMENT_TYPES, URGENCY_LEVELS, formatDateTimeVi, type Urgency } from "../../../shared/domain/index.ts";
import { VanthuError } from "../../../shared/errors.ts";

export function TypeSelect(p: { value: string; onChange: (v: string) => void; withAll?: boolean; id?: string }): JSX.Element {
  return (
    <select id={p.id} value={p.value} onChange={(e) => p.onChange(e.currentTarget.value)}>
      {p.withAll && <option value="">Tất cả loại</option>}
      <For each={DOCUMENT_TYPES}>{(t) => <option value={t.code}>{t.name}</option>}</For>
    </select>
  );
}

export const URGENCY_LABEL: Record<Urgency, string> = { none: "Thường", Khẩn: "Khẩn", "Thượng khẩn": "Thượng khẩn", "Hỏa tốc": "Hỏa tốc" };

export function UrgencySelect(p: { value: Urgency; onChange: (v: Urgency) => void }): JSX.Element {
  return (
    <select value={p.value} onChange={(e) => p.onChange(e.currentTarget.value as Urgency)}>
      <For each={URGENCY_LEVELS}>{(u) => <option value={u}>{URGENCY_LABEL[u]}</option>}</For>
    </select>
  );
}

/** A QLVB time, or a provisional local one marked as such (R7). */
export function QlvbTime(p: { iso?: string; provisional?: boolean }): JSX.Element {
  return (
    <span
      class={p.provisional ? "provisional" : ""}
      title={p.provisional ? "Giờ tạm tính theo máy này, chờ thời gian của hệ thống QLVB" : "Thời gian của hệ thống QLVB"}
    >
      {p.iso ? formatDateTimeVi(p.iso) : "—"}
      {p.provisional ? " (tạm tính)" : ""}
    </span>
  );
}

/**
 * Reads a file the person chose. With `onBytes`, in pieces, telling how far it got (a 10 MB
 * scan from a slow card reader takes seconds); `signal` stops the reading — nothing is kept.
 */
export async function readFile(f: File, onBytes?: (done: number, total: number) => void, signal?: AbortSignal): Promise<{ bytes: Uint8Array; name: string }> {
  if (!onBytes && !signal) return { bytes: new Uint8Array(await f.arrayBuffer()), name: f.name };
  const bytes = new Uint8Array(f.size);
  const reader = f.stream().getReader();
  let at = 0;
  for (;;) {
    if (signal?.aborted) {
      await reader.cancel();
      throw new VanthuError("web.cancelled", "Đã dừng: chưa có gì được lưu.", "Reading cancelled by the person");
    }
    const { done, value } = await reader.read();
    if (done) break;
    bytes.set(value, at);
    at += value.byteLength;
    onBytes?.(at, f.size);
  }
  return { bytes: at === f.size ? bytes : bytes.subarray(0, at), name: f.name };
}
