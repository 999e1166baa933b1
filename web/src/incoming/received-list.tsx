import { For, Show, createSignal } from "solid-js";
import { createStore } from "solid-js/store";
import {
  dayToVi,
  detectSecrecyMark,
  documentTypeByCode,
  parseDateVi,
  refuseClassified,
  typeCodeFromNumberAndSymbol,
  type Urgency,
} from "../../../shared/domain/index.ts";
import type { ReceivedDocument, StoredReport } from "../db/schema.ts";
import { proposeFields } from "./propose-fields.ts";
import { receiveDocument, type Declared } from "../db/received.ts";
import { useLive } from "../live.ts";
import { href, navigate } from "../router.ts";
import { db, messageOf, notify, notifyFailure } from "../state.ts";
import { verifyReceived } from "../verify/run.ts";
import { QlvbTime, TypeSelect, UrgencySelect, readFile } from "../ui/common.tsx";
import { startWork } from "../ui/progress.tsx";
import { isVanthuError } from "../../../shared/errors.ts";

/**
 * What a received document's state says, in the colour that is true: "Đã kiểm tra" is green only
 * when the signatures are valid; a paper document says it is paper, not "checked".
 */
export function receivedStatus(
  r: Pick<ReceivedDocument, "status" | "receiptForm">,
  report: Pick<StoredReport, "verdict"> | undefined,
): [string, "" | "ok" | "warn" | "bad"] {
  const paper = r.receiptForm === "paper" || r.receiptForm === "scan";
  switch (r.status) {
    case "pending":
      return paper ? [`${RECEIPT_FORM_VI[r.receiptForm!]}, chờ vào sổ`, ""] : ["Chờ kiểm tra", ""];
    case "verifying":
      return ["Đang kiểm tra…", "warn"];
    case "verified":
      if (report?.verdict === "valid") return ["Đã kiểm tra: chữ ký hợp lệ", "ok"];
      if (report?.verdict === "indeterminate") return ["Đã kiểm tra: chưa kết luận được", "warn"];
      if (report?.verdict === "error") return ["Không đọc được để kiểm tra", "bad"];
      return ["Đã kiểm tra: không hợp lệ", "bad"];
    case "registered":
      return [paper ? `Đã vào sổ (${RECEIPT_FORM_VI[r.receiptForm!].toLocaleLowerCase("vi")})` : "Đã vào sổ", "ok"];
    case "refused":
      return ["Đã từ chối", "bad"];
  }
}

export const RECEIPT_FORM_VI = { electronic: "Văn bản điện tử", paper: "Bản giấy", scan: "Bản quét không có chữ ký số" } as const;

export function ReceivedView() {
  const list = useLive(
    () => undefined,
    () => db.received.orderBy("receivedAt").reverse().toArray(),
  );
  const reports = useLive(
    () => undefined,
    async () => new Map((await db.reports.toArray()).map((r) => [r.id, r])),
  );
  const [decl, setDecl] = createStore<Declared>({ issuer: "", numberAndSymbol: "", documentDate: "", typeCode: "CV", summary: "", urgency: "none" });
  const [dateText, setDateText] = createSignal("");
  const [fileName, setFileName] = createSignal("");
  const [form, setForm] = createSignal<"electronic" | "paper" | "scan">("electronic");
  const [proposed, setProposed] = createSignal<string>("");
  /** What the last proposal put in each field: the clerk's own typing is told apart from it. */
  const lastProposed: { issuer?: string; numberAndSymbol?: string; summary?: string; date?: string } = {};

  /** Reads the first page's text and proposes the ND30 fields the clerk would otherwise type. */
  async function propose(f: File | undefined) {
    setFileName(f?.name ?? "");
    setProposed("");
    if (!f) return;
    try {
      const { bytes } = await readFile(f);
      const { firstPageText } = await import("../documents/pdf-text.ts");
      const text = (await firstPageText(bytes)) ?? "";
      if (detectSecrecyMark(text) !== "none") return;
      const offices = (((await db.meta.get("offices"))?.value as Array<{ name: string }> | undefined) ?? []).map((o) => o.name);
      const p = proposeFields(text, offices);
      // The text is read while the clerk may already be typing: a proposal fills a field only when
      // it is empty or still holds the previous proposal, never over what the person wrote.
      const fill = (key: keyof typeof lastProposed, value: string | undefined, current: string, set: (v: string) => void) => {
        if (!value) return;
        if (!current.trim() || current === lastProposed[key]) set(value);
        lastProposed[key] = value;
      };
      fill("issuer", p.issuer, decl.issuer, (v) => setDecl("issuer", v));
      fill("numberAndSymbol", p.numberAndSymbol, decl.numberAndSymbol, (v) => setDecl("numberAndSymbol", v));
      if (p.typeCode && (!decl.numberAndSymbol.trim() || decl.numberAndSymbol === p.numberAndSymbol)) setDecl("typeCode", p.typeCode);
      fill("summary", p.summary, decl.summary, (v) => setDecl("summary", v));
      fill("date", p.documentDate && dayToVi(p.documentDate), dateText(), setDateText);
      const n = [p.issuer, p.numberAndSymbol, p.documentDate, p.summary].filter(Boolean).length;
      setProposed(
        n > 0
          ? `Đã điền sẵn ${n}/4 trường đọc được từ văn bản: hãy kiểm tra lại.`
          : "Không đọc được chữ trên trang đầu (bản quét dạng ảnh): hãy nhập các trường.",
      );
    } catch (err) {
      notify("error", messageOf(err));
    }
  }
  let fileInput!: HTMLInputElement;

  async function submit(e: Event) {
    e.preventDefault();
    const f = fileInput.files?.[0];
    if (!f) return notify("error", "Hãy chọn tệp PDF của văn bản đến.");
    const day = parseDateVi(dateText());
    if (!day) return notify("error", "Ngày tháng văn bản phải có dạng dd/mm/yyyy.");
    if (!decl.issuer.trim() || !decl.summary.trim()) return notify("error", "Hãy nhập cơ quan ban hành và trích yếu.");
    const stop = new AbortController();
    const work = startWork(`Đang nhập tệp ${f.name}`, f.size, "bytes", () => stop.abort());
    try {
      const file = await readFile(f, (done, total) => work.advance(done, total), stop.signal);
      work.uncancellable();
      const { firstPageSecrecy } = await import("../documents/pdf-text.ts");
      // R9: a document marked secret is not kept, not even as received.
      refuseClassified(await firstPageSecrecy(file.bytes));
      const r = await receiveDocument(db, file, { ...decl, documentDate: day }, "file", { receiptForm: form() });
      fileInput.value = "";
      setFileName("");
      setProposed("");
      // An electronic document is verified at once, in the worker; a paper one has no digital signature to judge.
      if (form() === "electronic") void verifyReceived(db, r.id).catch(notifyFailure);
      navigate("van-ban-den", r.id);
    } catch (err) {
      notify(isVanthuError(err) && err.code === "web.cancelled" ? "ok" : "error", messageOf(err));
    } finally {
      work.end();
    }
  }

  return (
    <section>
      <h1>Văn bản đến</h1>
      <details class="card">
        <summary>Nhập văn bản đến từ tệp PDF hoặc bản quét văn bản giấy</summary>
        <form class="grid" onSubmit={submit} style={{ "margin-top": "10px" }}>
          <label>
            Hình thức nhận
            <select id="r-form" data-testid="receipt-form" value={form()} onChange={(e) => setForm(e.currentTarget.value as "electronic" | "paper" | "scan")}>
              <option value="electronic">Văn bản điện tử (có chữ ký số)</option>
              <option value="paper">Bản giấy (tệp là bản quét của bản giấy)</option>
              <option value="scan">Bản quét không có chữ ký số</option>
            </select>
          </label>
          <label class="wide">
            {form() === "electronic" ? "Tệp PDF" : "Bản quét (PDF)"}
            <input
              ref={fileInput}
              type="file"
              accept="application/pdf,.pdf"
              data-testid="import-received"
              onChange={(e) => void propose(e.currentTarget.files?.[0])}
            />
            <span class="button secondary file-btn">{fileName() || "Chọn tệp…"}</span>
          </label>
          <Show when={proposed()}>
            <p class="alert info wide" data-testid="fields-proposed">
              {proposed()}
            </p>
          </Show>
          <label>
            Cơ quan ban hành (tác giả)
            <input id="r-issuer" value={decl.issuer} onInput={(e) => setDecl("issuer", e.currentTarget.value)} />
          </label>
          <label>
            Số, ký hiệu
            <input
              id="r-number"
              value={decl.numberAndSymbol}
              onInput={(e) => {
                setDecl("numberAndSymbol", e.currentTarget.value);
                // The symbol names the type (15/QĐ-UBND is a Quyết định): fill it in, the clerk can still change it.
                const t = typeCodeFromNumberAndSymbol(e.currentTarget.value);
                if (t) setDecl("typeCode", t);
              }}
              placeholder="15/QĐ-UBND"
            />
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
            <button type="submit">{form() === "electronic" ? "Nhận và kiểm tra chữ ký" : "Nhận văn bản"}</button>
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
                    {r.declared.issuer} · ngày {dayToVi(r.declared.documentDate)} · nhận lúc{" "}
                    <QlvbTime iso={r.receivedAt} provisional={r.receivedAtProvisional} />
                  </div>
                </div>
                <span class={`tag ${receivedStatus(r, rep())[1]}`} data-testid="received-status">
                  {receivedStatus(r, rep())[0]}
                </span>
              </li>
            );
          }}
        </For>
      </ul>
    </section>
  );
}
