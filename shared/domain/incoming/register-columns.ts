import type { IncomingHandling } from "./handling.ts";

/**
 * The incoming register's columns that handling fills (Nghị định 30/2020 Phụ lục IV.VI):
 * "Đơn vị hoặc người nhận" — the assignees (the lead first), or the person it was presented to
 * while no one is assigned; "Ngày chuyển" — the QLVB time it was handed over (assignment, else
 * presentation); "Ký nhận" — the electronic acknowledgement of each assignee, with its time.
 */
export interface HandlingRegisterColumns {
  handler: string;
  handedOverAt?: string;
  receipt?: string;
}

function hhmmDay(iso: string): string {
  const t = new Date(Date.parse(iso) + 7 * 3600_000).toISOString();
  return `${t.slice(11, 16)} ${t.slice(8, 10)}/${t.slice(5, 7)}/${t.slice(0, 4)}`;
}

export function registerColumnsFromHandling(h: IncomingHandling): HandlingRegisterColumns {
  if (h.assignment) {
    const names = h.assignment.assignees.map((a) => (a.part === "main" ? `${a.name} (chủ trì)` : `${a.name} (phối hợp)`));
    const receipt = h.acknowledgements.map((a) => `${a.by.name} đã nhận điện tử lúc ${hhmmDay(a.at)}`).join("; ");
    return { handler: names.join("; "), handedOverAt: h.assignment.at, ...(receipt ? { receipt } : {}) };
  }
  if (h.presentation) return { handler: h.presentation.to.name, handedOverAt: h.presentation.at };
  return { handler: "" };
}
