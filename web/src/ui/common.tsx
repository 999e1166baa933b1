import { For, type JSX } from "solid-js";
import { DOCUMENT_TYPES, URGENCY_LEVELS, formatDateTimeVi, type Urgency } from "../../../shared/domain/index.ts";

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
    <span class={p.provisional ? "provisional" : ""} title={p.provisional ? "Giờ tạm tính theo máy này, chờ thời gian của hệ thống QLVB" : "Thời gian của hệ thống QLVB"}>
      {p.iso ? formatDateTimeVi(p.iso) : "—"}
      {p.provisional ? " (tạm tính)" : ""}
    </span>
  );
}

export async function readFile(f: File): Promise<{ bytes: Uint8Array; name: string }> {
  return { bytes: new Uint8Array(await f.arrayBuffer()), name: f.name };
}
