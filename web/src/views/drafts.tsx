import { For, Show } from "solid-js";
import { documentTypeByCode, dayToVi, formatDateTimeVi } from "../../../shared/domain/index.ts";
import { createDraft, emptyDraftFields } from "../db/drafts.ts";
import { useLive } from "../live.ts";
import { href, navigate } from "../router.ts";
import { db, loadProfile, messageOf, notify } from "../state.ts";
import { readFile } from "./common.tsx";

const STATUS_VI = { draft: "Dự thảo", signed: "Đã ký", issued: "Đã phát hành" } as const;

export function DraftsView() {
  const drafts = useLive(() => undefined, () => db.drafts.orderBy("updatedAt").reverse().toArray());
  async function importPdf(e: Event & { currentTarget: HTMLInputElement }) {
    const f = e.currentTarget.files?.[0];
    e.currentTarget.value = "";
    if (!f) return;
    try {
      const profile = await loadProfile();
      const d = await createDraft(db, await readFile(f), {
        ...emptyDraftFields(),
        summary: f.name.replace(/\.pdf$/i, ""),
        signerName: profile.role === "official" ? profile.userName : "",
        signerTitle: profile.role === "official" ? profile.userTitle : "",
      });
      navigate("du-thao", d.id);
    } catch (err) {
      notify("error", messageOf(err));
    }
  }
  async function newEmpty() {
    try {
      const d = await createDraft(db, null, emptyDraftFields());
      navigate("du-thao", d.id);
    } catch (err) {
      notify("error", messageOf(err));
    }
  }
  return (
    <section>
      <h1>Dự thảo văn bản</h1>
      <div class="card row">
        <label>
          Nhập tệp PDF để tạo dự thảo
          <input type="file" accept="application/pdf,.pdf" data-testid="import-draft" onChange={importPdf} />
        </label>
        <button class="secondary" onClick={newEmpty}>
          Dự thảo mới (chưa có tệp)
        </button>
      </div>
      <Show when={drafts()?.length === 0}>
        <p class="muted">Chưa có dự thảo nào. Dự thảo được lưu ngay trên máy này và không mất khi đóng trình duyệt.</p>
      </Show>
      <ul class="list" data-testid="draft-list">
        <For each={drafts()}>
          {(d) => (
            <li>
              <div class="grow">
                <a href={href("du-thao", d.id)}>
                  <b>{documentTypeByCode(d.typeCode)?.name ?? d.typeCode}</b>
                  {d.numberAndSymbol ? ` số ${d.numberAndSymbol}` : ""}: {d.summary || "(chưa có trích yếu)"}
                </a>
                <div class="muted">
                  Ngày văn bản {dayToVi(d.documentDate)} · sửa lần cuối {formatDateTimeVi(d.updatedAt)}
                  {d.fileName ? ` · ${d.fileName}` : " · chưa có tệp"}
                </div>
              </div>
              <span class={`tag ${d.status === "issued" ? "ok" : d.status === "signed" ? "warn" : ""}`}>{STATUS_VI[d.status]}</span>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}
