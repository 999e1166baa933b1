import { For, Show, createSignal } from "solid-js";
import { VanthuError } from "../../../shared/errors.ts";
import { documentTypeByCode, dayToVi, formatDateTimeVi } from "../../../shared/domain/index.ts";
import { useLive } from "../live.ts";
import { href, navigate } from "../router.ts";
import { db, loadProfile, messageOf, notify } from "../state.ts";
import { readFile } from "../ui/common.tsx";
import { startWork } from "../ui/progress.tsx";

/** The code that writes drafts (ids, document storage, the secrecy rule) loads when the clerk makes one, not with the list (issue 17). */
const writeDrafts = () => import("../db/drafts.ts");

const STATUS_VI = { draft: "Dự thảo", signed: "Đã ký", issued: "Đã phát hành" } as const;

export function DraftsView() {
  const drafts = useLive(
    () => undefined,
    () => db.drafts.orderBy("updatedAt").reverse().toArray(),
  );
  const [selected, setSelected] = createSignal<Set<string>>(new Set());
  const [busy, setBusy] = createSignal(false);
  const toggle = (id: string, on: boolean) => {
    const s = new Set(selected());
    if (on) s.add(id);
    else s.delete(id);
    setSelected(s);
  };
  /** The official signs every selected draft with one consent and one PIN (R1, batch). */
  async function signSelected() {
    const win = window.open("about:blank", "vanthu-agent");
    setBusy(true);
    try {
      const [{ agentClient, loadImage }, { signManyAsOfficial }, { demoSignatureImage }, { checkCertificateForRole }] = await Promise.all([
        import("../agent/settings.ts"),
        import("./sign-draft.ts"),
        import("./images.ts"),
        import("../../../shared/domain/roles.ts"),
      ]);
      const profile = await loadProfile();
      const list = (await db.drafts.bulkGet([...selected()])).filter((d): d is NonNullable<typeof d> => Boolean(d));
      const agent = await agentClient(db);
      const certs = await agent.certificates();
      const cert = certs.find(
        (c) =>
          c.usable &&
          list.every(
            (d) => checkCertificateForRole(c, { kind: "signer", role: profile.role, signerName: d.signerName, signerTitle: d.signerTitle }).length === 0,
          ),
      );
      if (!cert)
        throw new VanthuError(
          "web.no-fitting-cert",
          "Không có chứng thư số nào trên thiết bị phù hợp với người ký và chức vụ của tất cả dự thảo đã chọn (R8).",
          "No certificate fits every selected draft",
        );
      const image = (await loadImage(db, "signatureImage")) ?? (await demoSignatureImage(cert.commonName));
      const work = startWork("Đang ký số các dự thảo", list.length, "items");
      try {
        await signManyAsOfficial(
          { db, agent, certificate: cert, role: profile.role, office: profile, image, consentWindow: () => win, onSigned: (n) => work.advance(n) },
          list,
        );
      } finally {
        work.end();
      }
      setSelected(new Set<string>());
      notify("ok", `Đã ký số ${list.length} dự thảo.`);
    } catch (e) {
      notify("error", messageOf(e));
    } finally {
      setBusy(false);
      win?.close();
    }
  }
  async function importPdf(e: Event & { currentTarget: HTMLInputElement }) {
    const f = e.currentTarget.files?.[0];
    e.currentTarget.value = "";
    if (!f) return;
    const stop = new AbortController();
    const work = startWork(`Đang nhập tệp ${f.name}`, f.size, "bytes", () => stop.abort());
    try {
      const file = await readFile(f, (done, total) => work.advance(done, total), stop.signal);
      // Read: from here the draft is being written, and stopping half-way would leave a trace.
      work.uncancellable();
      const { firstPageSecrecy } = await import("../documents/pdf-text.ts");
      const secrecy = await firstPageSecrecy(file.bytes);
      const profile = await loadProfile();
      const { createDraft, emptyDraftFields } = await writeDrafts();
      const d = await createDraft(db, file, {
        ...emptyDraftFields(),
        summary: f.name.replace(/\.pdf$/i, ""),
        signerName: profile.role === "official" ? profile.userName : "",
        signerTitle: profile.role === "official" ? profile.userTitle : "",
        // A stamped secrecy mark makes createDraft refuse the file (R9) before anything is kept.
        secrecy,
      });
      navigate("du-thao", d.id);
    } catch (err) {
      notify(err instanceof VanthuError && err.code === "web.cancelled" ? "ok" : "error", messageOf(err));
    } finally {
      work.end();
    }
  }
  async function newEmpty() {
    try {
      const { createDraft, emptyDraftFields } = await writeDrafts();
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
          <span class="button secondary file-btn">Chọn tệp…</span>
        </label>
        <button class="secondary" onClick={newEmpty}>
          Dự thảo mới (chưa có tệp)
        </button>
      </div>
      <Show when={drafts()?.length === 0}>
        <p class="muted">Chưa có dự thảo nào. Dự thảo được lưu ngay trên máy này và không mất khi đóng trình duyệt.</p>
      </Show>
      <Show when={selected().size > 0}>
        <div class="card row" style={{ "align-items": "center" }}>
          <span style={{ flex: 1 }}>Đã chọn {selected().size} dự thảo.</span>
          <button onClick={signSelected} disabled={busy()} data-testid="sign-selected">
            {busy() ? "Đang chờ xác nhận và mã PIN trên cửa sổ agent…" : `Ký số ${selected().size} dự thảo (một lần nhập PIN)`}
          </button>
        </div>
      </Show>
      <ul class="list" data-testid="draft-list">
        <For each={drafts()}>
          {(d) => (
            <li>
              <Show when={d.status === "draft" && d.documentSha256}>
                <input type="checkbox" aria-label="Chọn để ký" checked={selected().has(d.id)} onChange={(e) => toggle(d.id, e.currentTarget.checked)} />
              </Show>
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
