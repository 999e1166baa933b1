import { For, Show } from "solid-js";
import { formatDateTimeVi } from "../../../shared/domain/index.ts";
import type { StoredReport } from "../db/schema.ts";
import type { SignatureSummary } from "../verify/protocol.ts";

const VERDICT_VI = { valid: "Hợp lệ", invalid: "Không hợp lệ", indeterminate: "Chưa kết luận được", error: "Không kiểm tra được" } as const;
/** Green only for valid; an inconclusive verdict is amber, never green nor red. */
export const VERDICT_TAG = { valid: "ok", invalid: "bad", indeterminate: "warn", error: "bad" } as const;

interface AttachmentResult {
  sha256: string;
  name: string;
  role: "attachment" | "appendix";
  verdict: keyof typeof VERDICT_VI;
  summaryVi: string;
}

export function signaturesOf(r: StoredReport | undefined): SignatureSummary[] {
  const s = (r?.report as { signatures?: SignatureSummary[] } | null)?.signatures;
  return Array.isArray(s) ? s : [];
}

/** The verification report as the clerk reads it: per signature, who, title, organisation, when, the verdict, revocation freshness. */
export function ReportView(props: { report: StoredReport }) {
  return (
    <div class="report" data-testid="report">
      <p>
        <span class={`tag ${VERDICT_TAG[props.report.verdict]}`} data-testid="report-verdict">
          {VERDICT_VI[props.report.verdict]}
        </span>{" "}
        {props.report.summaryVi}
      </p>
      <p class="muted">Kiểm tra lúc {formatDateTimeVi(props.report.createdAt)}</p>
      <For each={signaturesOf(props.report)}>
        {(s) => (
          <div class="sig-item">
            <div>
              <span class={`tag ${s.verdict === "valid" ? "ok" : s.verdict === "invalid" ? "bad" : "warn"}`}>{VERDICT_VI[s.verdict]}</span>{" "}
              <b>{s.signerName}</b>
              {s.title ? `, ${s.title}` : ""}
              {s.organisation ? ` — ${s.organisation}` : ""}
              <Show when={s.isDemo}>
                {" "}
                <span class="tag warn">Chứng thư thử</span>
              </Show>
            </div>
            <Show when={s.signingTime}>
              <div class="muted">
                Ký lúc {formatDateTimeVi(s.signingTime!)} ({s.signingTimeSource === "timestamp" ? "theo dấu thời gian" : "theo máy người ký khai"})
              </div>
            </Show>
            <Show when={s.messageVi}>
              <div>{s.messageVi}</div>
            </Show>
            <Show when={s.revocationVi}>
              <div class="muted">Tình trạng thu hồi: {s.revocationVi}</div>
            </Show>
          </div>
        )}
      </For>
      <For each={(props.report.report as { attachments?: AttachmentResult[] } | null)?.attachments ?? []}>
        {(a) => (
          <div class="sig-item" data-testid="attachment-result">
            <span class={`tag ${VERDICT_TAG[a.verdict]}`}>{VERDICT_VI[a.verdict]}</span> {a.role === "appendix" ? "Phụ lục" : "Văn bản kèm theo"}:{" "}
            <a href={`#/xem/${a.sha256}`}>{a.name}</a> — {a.summaryVi}
          </div>
        )}
      </For>
    </div>
  );
}
