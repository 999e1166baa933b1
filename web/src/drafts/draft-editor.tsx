import { For, Show, createEffect, createSignal, on, onCleanup } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import {
  SECRECY_LEVELS,
  SECRECY_REFUSAL_VI,
  SIGNING_CAPACITIES,
  dayToVi,
  hasNoTypeAbbreviation,
  isClassified,
  parseDateVi,
  refuseClassified,
  type Secrecy,
  type SigningCapacity,
} from "../../../shared/domain/index.ts";
import { addAttachment, attachPdf, deleteDraft, removeAttachment, updateDraft, type DraftFields } from "../db/drafts.ts";
import type { Draft } from "../db/schema.ts";
import { useLive } from "../live.ts";
import { href, navigate } from "../router.ts";
import { db, messageOf, notify } from "../state.ts";
import { TypeSelect, UrgencySelect, readFile } from "../ui/common.tsx";
import { SignPanel } from "./sign-panel.tsx";
import { RecipientPicker } from "./recipient-picker.tsx";
import { SubmitPanel } from "./submit-panel.tsx";
import { loadProfile } from "../state.ts";

const CAPACITY_VI: Record<SigningCapacity, string> = {
  direct: "Ký trực tiếp",
  "KT.": "KT. (ký thay)",
  "TL.": "TL. (ký thừa lệnh)",
  "TUQ.": "TUQ. (ký thừa ủy quyền)",
};

export function DraftEditor(props: { id: string }) {
  const draft = useLive(
    () => props.id,
    (id) => db.drafts.get(id),
  );
  const [form, setForm] = createStore<Partial<Draft>>({});
  const [dateText, setDateText] = createSignal("");
  const [saveState, setSaveState] = createSignal<"saved" | "saving" | "error">("saved");
  const [secrecyRefused, setSecrecyRefused] = createSignal(false);
  const [attRole, setAttRole] = createSignal<"attachment" | "appendix">("attachment");
  let loadedFor = "";
  // Load the stored draft into the form once per draft (later live updates must not overwrite typing).
  createEffect(
    on(draft, (d) => {
      if (d && loadedFor !== d.id) {
        loadedFor = d.id;
        setForm(reconcile({ ...d }));
        setDateText(dayToVi(d.documentDate));
      }
    }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: Partial<DraftFields> = {};
  async function flush() {
    clearTimeout(timer);
    const patch = pending;
    pending = {};
    if (Object.keys(patch).length === 0) return;
    try {
      await updateDraft(db, props.id, patch);
      setSaveState("saved");
    } catch (e) {
      setSaveState("error");
      notify("error", messageOf(e));
    }
  }
  function set<K extends keyof DraftFields>(k: K, v: DraftFields[K]) {
    setForm(k as never, v as never);
    pending = { ...pending, [k]: v };
    setSaveState("saving");
    clearTimeout(timer);
    // Saved a moment after typing stops, and at once when the field loses focus or the page hides.
    timer = setTimeout(flush, 250);
  }
  const onHide = () => void flush();
  window.addEventListener("pagehide", onHide);
  document.addEventListener("visibilitychange", onHide);
  onCleanup(() => {
    window.removeEventListener("pagehide", onHide);
    document.removeEventListener("visibilitychange", onHide);
    void flush();
  });
  const workflow = useLive(
    () => props.id,
    (id) => db.workflow.get(id),
  );
  const profile = useLive(
    () => undefined,
    () => loadProfile(),
  );
  // Once submitted, the draft is the official's to review: it changes again only if returned.
  const locked = () => draft()?.status !== "draft" || (workflow() !== undefined && workflow()!.state !== "drafting" && workflow()!.state !== "returned");

  function onSecrecy(v: Secrecy, el: HTMLSelectElement) {
    if (isClassified(v)) {
      // R9: refused, nothing stored; the select goes back to what is kept.
      setSecrecyRefused(true);
      el.value = form.secrecy ?? "none";
      return;
    }
    setSecrecyRefused(false);
    set("secrecy", v);
  }

  return (
    <Show when={draft()} fallback={<p class="muted">Đang mở dự thảo…</p>}>
      {(d) => (
        <section>
          <p>
            <a href={href("du-thao")}>← Danh sách dự thảo</a>
          </p>
          <h1>
            {d().status === "draft" ? "Dự thảo" : d().status === "signed" ? "Văn bản đã ký" : "Văn bản đã phát hành"}
            {d().numberAndSymbol ? ` số ${d().numberAndSymbol}` : ""}
          </h1>
          <Show when={secrecyRefused()}>
            <div class="alert bad" role="alert" data-testid="secrecy-refusal">
              {SECRECY_REFUSAL_VI}
            </div>
          </Show>
          <div class="card">
            <div class="row" style={{ "justify-content": "space-between" }}>
              <div>
                <Show when={d().documentSha256} fallback={<span class="muted">Chưa có tệp PDF.</span>}>
                  <a href={href("xem", d().signedSha256?.at(-1) ?? d().documentSha256!)}>Xem văn bản: {d().fileName}</a>
                </Show>
              </div>
              <Show when={!locked()}>
                <label>
                  {d().documentSha256 ? "Thay tệp PDF" : "Gắn tệp PDF"}
                  <input
                    type="file"
                    accept="application/pdf,.pdf"
                    onChange={async (e) => {
                      const f = e.currentTarget.files?.[0];
                      e.currentTarget.value = "";
                      if (!f) return;
                      try {
                        const file = await readFile(f);
                        // R9 as at import: a file stamped MẬT, TỐI MẬT or TUYỆT MẬT is refused before anything is kept.
                        const { firstPageSecrecy } = await import("../documents/pdf-text.ts");
                        refuseClassified(await firstPageSecrecy(file.bytes));
                        await attachPdf(db, props.id, file);
                        notify("ok", "Đã gắn tệp PDF vào dự thảo.");
                      } catch (err) {
                        notify("error", messageOf(err));
                      }
                    }}
                  />
                  <span class="button secondary file-btn">Chọn tệp…</span>
                </label>
              </Show>
              <span class="muted" data-testid="save-state">
                {saveState() === "saved" ? "Đã lưu trên máy này" : saveState() === "saving" ? "Đang lưu…" : "Chưa lưu được"}
              </span>
            </div>
          </div>
          <fieldset class="card grid" disabled={locked()} style={{ border: "1px solid var(--line)" }}>
            <label>
              Loại văn bản
              <TypeSelect id="f-type" value={form.typeCode ?? "CV"} onChange={(v) => set("typeCode", v)} />
            </label>
            <Show when={hasNoTypeAbbreviation(form.typeCode ?? "CV")}>
              <label>
                Ký hiệu đơn vị soạn thảo (công văn)
                <input
                  id="f-unit"
                  value={form.unitSymbol ?? ""}
                  onInput={(e) => set("unitSymbol", e.currentTarget.value.trim())}
                  onBlur={() => void flush()}
                  placeholder="VP"
                />
              </label>
            </Show>
            <label>
              Ngày tháng văn bản (dd/mm/yyyy)
              <input
                id="f-date"
                value={dateText()}
                inputmode="numeric"
                onInput={(e) => {
                  setDateText(e.currentTarget.value);
                  const iso = parseDateVi(e.currentTarget.value);
                  if (iso) set("documentDate", iso);
                }}
                onBlur={() => {
                  if (!parseDateVi(dateText())) {
                    notify("error", "Ngày tháng văn bản phải có dạng dd/mm/yyyy, ví dụ 05/01/2026.");
                    setDateText(dayToVi(form.documentDate ?? ""));
                  }
                  void flush();
                }}
              />
            </label>
            <label>
              Mức độ khẩn
              <UrgencySelect value={form.urgency ?? "none"} onChange={(v) => set("urgency", v)} />
            </label>
            <label>
              Độ mật
              <select id="f-secrecy" value={form.secrecy ?? "none"} onChange={(e) => onSecrecy(e.currentTarget.value as Secrecy, e.currentTarget)}>
                {SECRECY_LEVELS.map((s) => (
                  <option value={s}>{s === "none" ? "Không mật" : s}</option>
                ))}
              </select>
            </label>
            <label class="wide">
              Trích yếu nội dung
              <textarea id="f-summary" value={form.summary ?? ""} onInput={(e) => set("summary", e.currentTarget.value)} onBlur={() => void flush()} />
            </label>
            <label>
              Người ký
              <input id="f-signer" value={form.signerName ?? ""} onInput={(e) => set("signerName", e.currentTarget.value)} onBlur={() => void flush()} />
            </label>
            <label>
              Chức vụ người ký
              <input
                id="f-title"
                value={form.signerTitle ?? ""}
                onInput={(e) => set("signerTitle", e.currentTarget.value)}
                onBlur={() => void flush()}
                placeholder="Phó Chủ tịch"
              />
            </label>
            <label>
              Thẩm quyền ký
              <select value={form.capacity ?? "direct"} onChange={(e) => set("capacity", e.currentTarget.value as SigningCapacity)}>
                {SIGNING_CAPACITIES.map((c) => (
                  <option value={c}>{CAPACITY_VI[c]}</option>
                ))}
              </select>
            </label>
            <Show when={(form.capacity ?? "direct") !== "direct"}>
              <label>
                Chức vụ người đứng đầu
                <input value={form.principalTitle ?? ""} onInput={(e) => set("principalTitle", e.currentTarget.value)} placeholder="Chủ tịch" />
              </label>
            </Show>
            <label class="wide">
              Nơi nhận (mỗi dòng một nơi)
              <textarea
                id="f-recipients"
                value={(form.recipients ?? []).join("\n")}
                onInput={(e) =>
                  set(
                    "recipients",
                    e.currentTarget.value
                      .split("\n")
                      .map((s) => s.trim())
                      .filter(Boolean),
                  )
                }
                onBlur={() => void flush()}
              />
            </label>
            <RecipientPicker
              onPick={(name) => {
                if (!(form.recipients ?? []).includes(name)) set("recipients", [...(form.recipients ?? []), name]);
                void flush();
              }}
            />
          </fieldset>
          <div class="card" data-testid="attachments">
            <h2>Văn bản kèm theo, phụ lục (tệp riêng)</h2>
            <p class="muted">
              Mỗi tệp được ký số của cơ quan khi phát hành, ghi số, ký hiệu của văn bản chính và thời gian ký ở góc trên bên phải trang đầu (Điều 13).
            </p>
            <ul class="list">
              <For each={d().attachments ?? []}>
                {(a) => (
                  <li>
                    <span class="grow">
                      <a href={href("xem", a.signedSha256 ?? a.sha256)}>{a.name}</a> — {a.role === "appendix" ? "Phụ lục" : "Văn bản kèm theo"}
                      {a.signedSha256 ? " · đã ký" : ""}
                    </span>
                    <Show when={d().status !== "issued"}>
                      <button class="secondary" onClick={() => void removeAttachment(db, props.id, a.sha256)}>
                        Bỏ
                      </button>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
            <Show when={d().status !== "issued"}>
              <div class="row">
                <label>
                  Loại tệp
                  <select id="att-role" value={attRole()} onChange={(e) => setAttRole(e.currentTarget.value as "attachment" | "appendix")}>
                    <option value="attachment">Văn bản kèm theo</option>
                    <option value="appendix">Phụ lục</option>
                  </select>
                </label>
                <label>
                  Thêm tệp PDF
                  <input
                    type="file"
                    accept="application/pdf,.pdf"
                    data-testid="add-attachment"
                    onChange={async (e) => {
                      const f = e.currentTarget.files?.[0];
                      e.currentTarget.value = "";
                      if (!f) return;
                      try {
                        await addAttachment(db, props.id, await readFile(f), attRole());
                      } catch (err) {
                        notify("error", messageOf(err));
                      }
                    }}
                  />
                  <span class="button secondary file-btn">Chọn tệp…</span>
                </label>
              </div>
            </Show>
          </div>
          <Show when={profile()?.role === "official" || d().status !== "draft"} fallback={<SubmitPanel draft={d()} beforeAction={flush} />}>
            <SignPanel draft={d()} beforeAction={flush} />
          </Show>
          <Show when={!locked()}>
            <p>
              <button
                class="secondary"
                onClick={async () => {
                  if (!confirm("Xóa dự thảo này? Thao tác không hoàn tác được.")) return;
                  try {
                    await deleteDraft(db, props.id);
                    navigate("du-thao");
                  } catch (e) {
                    notify("error", messageOf(e));
                  }
                }}
              >
                Xóa dự thảo
              </button>
            </p>
          </Show>
        </section>
      )}
    </Show>
  );
}
