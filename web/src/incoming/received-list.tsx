import { For, Show, createSignal } from "solid-js";
import { createStore } from "solid-js/store";
import { dayToVi, documentTypeByCode, parseDateVi, refuseClassified, typeCodeFromNumberAndSymbol, type Urgency } from "../../../shared/domain/index.ts";
import { receiveDocument, type Declared } from "../db/received.ts";
import { useLive } from "../live.ts";
import { href, navigate } from "../router.ts";
import { db, messageOf, notify } from "../state.ts";
import { verifyReceived } from "../verify/run.ts";
import { QlvbTime, TypeSelect, UrgencySelect, readFile } from "../ui/common.tsx";

export const RECEIVED_STATUS_VI = {
  pending: ["Chờ kiểm tra", ""],
  verifying: ["Đang kiểm tra…", "warn"],
  verified: ["Đã kiểm tra", "ok"],
  registered: ["Đã vào sổ", "ok"],
  refused: ["Đã từ chối", "bad"],
} as const;

export function ReceivedView() {
  const list = useLive(() => undefined, () => db.received.orderBy("receivedAt").reverse().toArray());
  const reports = useLive(() => undefined, async () => new Map((await db.reports.toArray()).map((r) => [r.id, r])));
  const [decl, setDecl] = createStore<Declared>({ issuer: "", numberAndSymbol: "", documentDate: "", typeCode: "CV", summary: "", urgency: "none" });
  const [dateText, setDateText] = createSignal("");
  const [fileName, setFileName] = createSignal("");
  let fileInput!: HTMLInputElement;

  async function submit(e: Event) {
    e.preventDefault();
    const f = fileInput.files?.[0];
    if (!f) return notify("error", "Hãy chọn tệp PDF của văn bản đến.");
    const day = parseDateVi(dateText());
    if (!day) return notify("error", "Ngày tháng văn bản phải có dạng dd/mm/yyyy.");
    if (!decl.issuer.trim() || !decl.summary.trim()) return notify("error", "Hãy nhập cơ quan ban hành và trích yếu.");
    try {
      const file = await readFile(f);
      const { firstPageSecrecy } = await import("../documents/pdf-text.ts");
      // R9: a document marked secret is not kept, not even as received.
      refuseClassified(await firstPageSecrecy(file.bytes));
      const r = await receiveDocument(db, file, { ...decl, documentDate: day }, "file");
      fileInput.value = "";
      setFileName("");
      // Verified at once, in the worker.
      void verifyReceived(db, r.id).catch((err) => notify("error", messageOf(err)));
      navigate("van-ban-den", r.id);
    } catch (err) {
      notify("error", messageOf(err));
    }
  }

  return (
    <section>
      <h1>Văn bản đến</h1>
      <details class="card">
        <summary>Nhập văn bản đến từ tệp PDF</summary>
        <form class="grid" onSubmit={submit} style={{ "margin-top": "10px" }}>
          <label class="wide">
            Tệp PDF
            <input ref={fileInput} type="file" accept="application/pdf,.pdf" data-testid="import-received" onChange={(e) => setFileName(e.currentTarget.files?.[0]?.name ?? "")} />
            <span class="button secondary file-btn">{fileName() || "Chọn tệp…"}</span>
          </label>
          <label>
            Cơ quan ban hành (tác giả)
            <input id="r-issuer" value={decl.issuer} onInput={(e) => setDecl("issuer", e.currentTarget.value)} />
          </label>
          <label>
            Số, ký hiệu
            <input id="r-number" value={decl.numberAndSymbol} onInput={(e) => {
                setDecl("numberAndSymbol", e.currentTarget.value);
                // The symbol names the type (15/QĐ-UBND is a Quyết định): fill it in, the clerk can still change it.
                const t = typeCodeFromNumberAndSymbol(e.currentTarget.value);
                if (t) setDecl("typeCode", t);
              }} placeholder="15/QĐ-UBND" />
          </label>
          <label>
            Ngày tháng văn bản (dd/mm/yyyy)
            <input id="r-date" value={dateText()} onInput={(e) => setDateText(e.currentTarget.value)} />
          </label>
          <label>
            Loại văn bản
            <TypeSelect value={decl.typeCode} onChange={(v) => setDecl("typeCode", v)} />
          </label>
          <label>
            Mức độ khẩn
            <UrgencySelect value={decl.urgency} onChange={(v: Urgency) => setDecl("urgency", v)} />
          </label>
          <label class="wide">
            Trích yếu nội dung
            <textarea id="r-summary" value={decl.summary} onInput={(e) => setDecl("summary", e.currentTarget.value)} />
          </label>
          <div>
            <button type="submit">Nhận và kiểm tra chữ ký</button>
          </div>
        </form>
      </details>
      <Show when={list()?.length === 0}>
        <p class="muted">Chưa có văn bản đến.</p>
      </Show>
      <ul class="list" data-testid="received-list">
        <For each={list()}>
          {(r) => {
            const rep = () => (r.reportId ? reports()?.get(r.reportId) : undefined);
            return (
              <li>
                <div class="grow">
                  <a href={href("van-ban-den", r.id)}>
                    <b>{r.declared.numberAndSymbol || "(chưa có số)"}</b> — {documentTypeByCode(r.declared.typeCode)?.name}: {r.declared.summary}
                  </a>
                  <div class="muted">
                    {r.declared.issuer} · ngày {dayToVi(r.declared.documentDate)} · nhận lúc <QlvbTime iso={r.receivedAt} provisional={r.receivedAtProvisional} />
                  </div>
                </div>
                <Show when={rep()}>{(x) => <span class={`tag ${x().verdict === "valid" ? "ok" : "bad"}`}>{x().verdict === "valid" ? "Chữ ký hợp lệ" : x().verdict === "invalid" ? "Chữ ký không hợp lệ" : "Chưa kết luận được"}</span>}</Show>
                <span class={`tag ${RECEIVED_STATUS_VI[r.status][1]}`}>{RECEIVED_STATUS_VI[r.status][0]}</span>
              </li>
            );
          }}
        </For>
      </ul>
    </section>
  );
}
