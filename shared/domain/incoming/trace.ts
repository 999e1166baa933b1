import type { IncomingHandling } from "./handling.ts";

/**
 * The handling as edXML trace entries (QCVN 102:2016, TraceHeaderList; status codes as the
 * status package uses them: 03 đã tiếp nhận, 04 phân công, 05 đang xử lý, 06 hoàn thành), each
 * with the QLVB time, who acted and what they wrote. The document package carries them as
 * TraceHeader entries; the sending system is told of each by a status package.
 */
export interface HandlingTraceEntry {
  organId: string;
  timestamp: string;
  statusCode: "03" | "04" | "05" | "06";
  description: string;
  staff: { name: string; title?: string };
}

export function handlingTrace(h: IncomingHandling, organId: string): HandlingTraceEntry[] {
  const out: HandlingTraceEntry[] = [];
  const staff = (p: { name: string; title?: string }) => ({ name: p.name, ...(p.title ? { title: p.title } : {}) });
  for (const e of h.history) {
    switch (e.type) {
      case "present":
        out.push({ organId, timestamp: e.at, statusCode: "03", description: `Trình ${e.to.name}`, staff: staff(e.by) });
        break;
      case "assign": {
        const who = e.assignees.map((a) => `${a.name} (${a.part === "main" ? "chủ trì" : "phối hợp"})`).join("; ");
        out.push({
          organId,
          timestamp: e.at,
          statusCode: "04",
          description: `${e.opinion} — Giao: ${who}; hạn ${h.assignment?.dueDay ?? ""}`.trim(),
          staff: staff(e.by),
        });
        break;
      }
      case "acknowledge":
        out.push({ organId, timestamp: e.at, statusCode: "05", description: "Đã nhận văn bản để xử lý", staff: staff(e.by) });
        break;
      case "progress":
        out.push({ organId, timestamp: e.at, statusCode: "05", description: e.note, staff: staff(e.by) });
        break;
      case "complete":
        out.push({ organId, timestamp: e.at, statusCode: "06", description: e.note, staff: staff(e.by) });
        break;
    }
  }
  return out;
}
