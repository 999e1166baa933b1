import { For, Show, createSignal } from "solid-js";
import { DUPLICATE_REASON_VI, dayToVi, documentTypeByCode } from "../../../shared/domain/index.ts";
import { incomingDuplicates, refuseReceived, registerIncoming } from "../db/registers.ts";
import { useLive } from "../live.ts";
import { href } from "../router.ts";
import { db, messageOf, notify, notifyFailure } from "../state.ts";
import { verifyReceived } from "../verify/run.ts";
import { QlvbTime } from "../ui/common.tsx";
import { RECEIPT_FORM_VI, receivedStatus } from "./received-list.tsx";
import { ReportView, signaturesOf } from "../documents/report.tsx";
import { sealMismatchVi } from "./seal-check.ts";

export function ReceivedDetail(props: { id: string }) {
  const r = useLive(
    () => props.id,
    (id) => db.received.get(id),
  );
  const report = useLive(r, (x) => (x?.reportId ? db.reports.get(x.reportId) : undefined));
  const dups = useLive(r, (x) => (x ? incomingDuplicates(db, x.id) : []));
  const entry = useLive(r, (x) => (x?.incomingEntryId ? db.incoming.get(x.incomingEntryId) : undefined));
  const [handler, setHandler] = createSignal("");
  const [note, setNote] = createSignal("");
  const [reason, setReason] = createSignal("");
  const [acceptDup, setAcceptDup] = createSignal(false);

  async function register() {
    try {
      const e = await registerIncoming(db, props.id, { handler: handler(), note: note() || undefined, acceptDuplicate: acceptDup() });
      notify("ok", `Đã vào sổ văn bản đến, số đến ${e.number}.`);
    } catch (e) {
      notify("error", messageOf(e));
    }
  }
  async function refuse() {
    try {
      await refuseReceived(db, props.id, reason());
      notify("ok", "Đã từ chối tiếp nhận; lý do sẽ được gửi lại nơi gửi khi đồng bộ.");
    } catch (e) {
      notify("error", messageOf(e));
    }
  }
  return (
    <Show when={r()} fallback={<p class="muted">Đang mở…</p>}>
      {(x) => (
        <section>
          <p>
            <a href={href("van-ban-den")}>← Văn bản đến</a>
          </p>
          <h1>
            {documentTypeByCode(x().declared.typeCode)?.name} {x().declared.numberAndSymbol}
          </h1>
          <div class="card">
            <div>
              <b>Trích yếu:</b> {x().declared.summary}
            </div>
            <div>
              <b>Cơ quan ban hành:</b> {x().declared.issuer} · <b>Ngày văn bản:</b> {dayToVi(x().declared.documentDate)}
            </div>
            <div>
              <b>Nhận lúc:</b> <QlvbTime iso={x().receivedAt} provisional={x().receivedAtProvisional} /> · <b>Nguồn:</b>{" "}
              {x().source === "sync" ? `đồng bộ${x().senderOffice ? " từ " + x().senderOffice : ""}` : "nhập từ tệp"}
            </div>
            <div>
              <b>Hình thức nhận:</b> {RECEIPT_FORM_VI[x().receiptForm ?? "electronic"]} · <b>Trạng thái:</b>{" "}
              <span class={`tag ${receivedStatus(x(), report())[1]}`} data-testid="received-status">
                {receivedStatus(x(), report())[0]}
              </span>
            </div>
            <Show when={x().refusalReason}>
              <div data-testid="refusal-reason">
                <b>Lý do từ chối:</b> {x().refusalReason}
              </div>
            </Show>
            <p>
              <a class="button secondary" href={href("xem", x().documentSha256)}>
                Xem văn bản
              </a>
            </p>
          </div>
          <Show when={x().receiptForm === "paper" || x().receiptForm === "scan"}>
            <p class="alert info" data-testid="paper-note">
              {x().receiptForm === "paper" ? "Văn bản nhận bản giấy: chữ ký tay và con dấu được kiểm tra trên bản giấy;" : "Bản quét không có chữ ký số:"} văn
              bản được vào sổ theo hình thức nhận, không cần kết quả kiểm tra chữ ký số.
            </p>
          </Show>
          <div class="card" style={{ display: x().receiptForm === "paper" || x().receiptForm === "scan" ? "none" : undefined }}>
            <h2>Kết quả kiểm tra chữ ký số</h2>
            <Show when={report()} fallback={<p class="muted">{x().status === "verifying" ? "Đang kiểm tra chữ ký số…" : "Chưa kiểm tra."}</p>}>
              {(rep) => <ReportView report={rep()} />}
            </Show>
            <Show when={report() && sealMismatchVi(signaturesOf(report()), x().senderOffice ?? x().declared.issuer)}>
              {(w) => (
                <p class="alert warn" data-testid="seal-mismatch">
                  {w()}
                </p>
              )}
            </Show>
            <Show when={x().status === "pending" || x().status === "verified"}>
              <button class="secondary" onClick={() => void verifyReceived(db, props.id).catch(notifyFailure)}>
                Kiểm tra lại
              </button>
            </Show>
          </div>
          <Show when={(dups()?.length ?? 0) > 0 && x().status !== "registered"}>
            <div class="alert warn" data-testid="duplicate-warning">
              Có thể trùng với văn bản đã vào sổ:
              <ul>
                <For each={dups()}>
                  {(d) => (
                    <li>
                      Số đến {d.entry.number}/{d.entry.year} ({d.entry.numberAndSymbol}, {d.entry.issuer}) — {DUPLICATE_REASON_VI[d.reason]}
                      <Show when={d.explanation.length > 0}>
                        <ul data-testid="duplicate-why">
                          <For each={d.explanation}>{(w) => <li>{w}</li>}</For>
                        </ul>
                      </Show>
                    </li>
                  )}
                </For>
              </ul>
              <label style={{ "flex-direction": "row", "align-items": "center" }}>
                <input type="checkbox" checked={acceptDup()} onChange={(e) => setAcceptDup(e.currentTarget.checked)} /> Vẫn vào sổ (không phải bản trùng)
              </label>
            </div>
          </Show>
          <Show when={entry()}>
            {(e) => (
              <div class="card">
                Đã vào sổ văn bản đến: <b>số đến {e().number}</b> năm {e().year}, chuyển cho {e().handler}. <a href={href("so-dang-ky", "den")}>Xem sổ</a>
              </div>
            )}
          </Show>
          <Show when={x().status === "verified" || x().status === "pending"}>
            <div class="card grid">
              <h2 class="wide" style={{ "grid-column": "1 / -1" }}>
                Vào sổ văn bản đến
              </h2>
              <label>
                Đơn vị hoặc người nhận
                <input id="reg-handler" value={handler()} onInput={(e) => setHandler(e.currentTarget.value)} placeholder="Chủ tịch UBND" />
              </label>
              <label>
                Ghi chú
                <input value={note()} onInput={(e) => setNote(e.currentTarget.value)} />
              </label>
              <div>
                <button
                  onClick={register}
                  disabled={(x().receiptForm ?? "electronic") === "electronic" && report()?.verdict !== "valid"}
                  data-testid="register-button"
                >
                  Vào sổ
                </button>
              </div>
              <Show when={(x().receiptForm ?? "electronic") === "electronic" && report() && report()!.verdict !== "valid"}>
                <p class="muted wide" style={{ "grid-column": "1 / -1" }}>
                  Chỉ vào sổ được văn bản điện tử có chữ ký số hợp lệ. Văn bản này: {report()!.summaryVi} Hãy từ chối tiếp nhận và nêu lý do, hoặc đề nghị nơi
                  gửi gửi lại.
                </p>
              </Show>
            </div>
            <div class="card grid">
              <h2 style={{ "grid-column": "1 / -1" }}>Từ chối tiếp nhận</h2>
              <label class="wide">
                Lý do (gửi lại nơi gửi)
                <textarea
                  id="refuse-reason"
                  value={reason()}
                  onInput={(e) => setReason(e.currentTarget.value)}
                  placeholder={report() && report()!.verdict !== "valid" ? report()!.summaryVi : "Ví dụ: gửi nhầm nơi nhận"}
                />
              </label>
              <div>
                <button class="secondary" onClick={refuse} data-testid="refuse-button">
                  Từ chối
                </button>
              </div>
            </div>
          </Show>
        </section>
      )}
    </Show>
  );
}
