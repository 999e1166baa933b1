import { For, Show, createResource, createSignal } from "solid-js";
import { DRAFT_STATE_LABELS_VI, DRAFT_STEP_LABELS_VI } from "../../../shared/sync/drafts.ts";
import { dayToVi } from "../../../shared/domain/index.ts";
import { VanthuError } from "../../../shared/errors.ts";
import { useLive } from "../live.ts";
import { href } from "../router.ts";
import { db, loadProfile, messageOf, notify } from "../state.ts";
import { QlvbTime } from "../ui/common.tsx";
import { SyncIssues } from "../session/sync-issues.tsx";
import { STATE_TAG } from "./workflow-list.tsx";
import { approve, commentOn, returnWithReasons } from "./workflow.ts";

/** Whether a paired token agent answers on this device (a phone has none: approve there, sign at the desk). */
async function agentHere(): Promise<boolean> {
  try {
    const { agentClient } = await import("../agent/settings.ts");
    const st = await Promise.race([(await agentClient(db)).status(), new Promise<never>((_, no) => setTimeout(() => no(new Error("timeout")), 2500))]);
    return st.paired;
  } catch {
    return false;
  }
}

/**
 * One draft in trình ký: what it is, its number from the register (or that it has none yet),
 * every step with who, when and what changed, the comments, the revisions; and what this person
 * may do now — the named official reviews, comments, returns with reasons, approves, and signs
 * where the token agent runs.
 */
export function WorkflowDetail(props: { id: string }) {
  const w = useLive(
    () => props.id,
    (id) => db.workflow.get(id),
  );
  const [me] = createResource(async () => {
    const p = await loadProfile();
    const s = (await db.meta.get("session"))?.value as { user: { id: string; fullName: string } } | undefined;
    return { id: s?.user.id ?? "", name: s?.user.fullName ?? "", profile: p };
  });
  const [agent] = createResource(agentHere);
  const [text, setText] = createSignal("");
  const [reasons, setReasons] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const isOfficial = () => Boolean(w()?.official && me()?.id === w()!.official!.id);
  const latest = () => w()?.revisions.at(-1);
  const run = async (f: () => Promise<void>, ok: string) => {
    setBusy(true);
    try {
      await f();
      notify("ok", ok);
      void import("../session/sync-view.tsx").then((m) => m.runSync());
    } catch (e) {
      notify("error", messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const person = () => ({ id: me()!.id, name: me()!.name });

  async function sign() {
    const win = window.open("about:blank", "vanthu-agent");
    setBusy(true);
    try {
      const [{ agentClient, loadImage }, { signSubmitted }, { demoSignatureImage }, { checkCertificateForRole }] = await Promise.all([
        import("../agent/settings.ts"),
        import("./sign-draft.ts"),
        import("./images.ts"),
        import("../../../shared/domain/roles.ts"),
      ]);
      const client = await agentClient(db);
      const cert = (await client.certificates()).find(
        (c) => c.usable && checkCertificateForRole(c, { kind: "signer", role: me()!.profile.role, signerName: w()!.official!.name }).length === 0,
      );
      if (!cert)
        throw new VanthuError(
          "web.no-fitting-cert",
          `Không có chứng thư số của ${w()!.official!.name} trên thiết bị ký đang cắm.`,
          "No certificate of the official on the token",
        );
      const image = (await loadImage(db, "signatureImage")) ?? (await demoSignatureImage(cert.commonName));
      await signSubmitted(
        { db, agent: client, certificate: cert, role: me()!.profile.role, office: me()!.profile, image, consentWindow: () => win },
        w()!,
        person(),
      );
      notify("ok", `Đã ký số văn bản số ${w()!.number!.numberAndSymbol}; bản đã ký sẽ tự về văn thư.`);
      void import("../session/sync-view.tsx").then((m) => m.runSync());
    } catch (e) {
      notify("error", messageOf(e));
    } finally {
      setBusy(false);
      win?.close();
    }
  }

  return (
    <Show when={w()} fallback={<p class="muted">Đang mở…</p>}>
      {(x) => (
        <section data-testid="workflow-detail">
          <p>
            <a href={href("trinh-ky")}>← Trình ký</a>
          </p>
          <h1>{x().subject}</h1>
          <div class="card">
            <div>
              <span class={`tag ${STATE_TAG[x().state]}`} data-testid="wf-state">
                {DRAFT_STATE_LABELS_VI[x().state]}
              </span>
              <Show when={(x().pending?.length ?? 0) > 0}>
                {" "}
                <span class="tag warn" data-testid="wf-pending">
                  Có thao tác chờ gửi lên máy chủ
                </span>
              </Show>
            </div>
            <div data-testid="wf-number">
              <b>Số, ký hiệu:</b>{" "}
              {x().number ? (
                <>
                  {x().number!.numberAndSymbol}, ngày {dayToVi(x().number!.issueDate)}{" "}
                  <Show
                    when={x().number!.source === "reserved" && (x().pending ?? []).some((p) => p.step === "submit")}
                    fallback={<span class="muted">(sổ văn bản đi trên máy chủ{x().number!.source === "reserved" ? ", số giữ trước" : ""})</span>}
                  >
                    <span class="tag warn" data-testid="wf-number-provisional">
                      số tạm — số giữ trước của máy này, chờ máy chủ xác nhận
                    </span>
                  </Show>
                </>
              ) : (
                <span class="muted">chưa có — sổ văn bản đi trên máy chủ cấp số khi dự thảo được trình (và đến máy chủ)</span>
              )}
            </div>
            <div>
              <b>Người soạn:</b> {x().createdBy.name} · <b>Trình:</b> {x().official?.name ?? "—"}
            </div>
            <Show when={latest()}>
              {(r) => (
                <p>
                  <a class="button" href={href("xem", r().sha256)} data-testid="wf-read">
                    Đọc văn bản ({r().kind === "draft" ? "dự thảo" : r().kind === "signed" ? "bản đã ký" : "bản phát hành"}, lần {r().n})
                  </a>
                </p>
              )}
            </Show>
          </div>
          <SyncIssues entityId={x().id} />
          <Show when={isOfficial() && (x().state === "submitted" || x().state === "approved")}>
            <div class="card" data-testid="wf-official-actions">
              <h2>{x().state === "submitted" ? "Xem xét dự thảo" : "Ký văn bản đã duyệt"}</h2>
              <Show
                when={agent()}
                fallback={
                  <p class="muted" data-testid="wf-no-agent">
                    Thiết bị này không có phần mềm ký số:{" "}
                    {x().state === "submitted"
                      ? "duyệt tại đây, văn bản sẽ nằm trong mục “Chờ ký tại máy tính” để ký ở máy có thiết bị ký số."
                      : "hãy mở văn bản trên máy tính có thiết bị ký số để ký."}
                  </p>
                }
              >
                <button disabled={busy() || !x().number} onClick={sign} data-testid="wf-sign">
                  {busy() ? "Đang chờ xác nhận và mã PIN trên cửa sổ agent…" : `Ký số (ghi số ${x().number?.numberAndSymbol ?? ""} vào văn bản)`}
                </button>
              </Show>
              <Show when={x().state === "submitted"}>
                <div class="row" style={{ "margin-top": "10px" }}>
                  <button disabled={busy()} onClick={() => void run(() => approve(db, x().id, person()), "Đã duyệt.")} data-testid="wf-approve">
                    Duyệt
                  </button>
                </div>
                <label style={{ "margin-top": "10px" }}>
                  Lý do trả lại (người soạn sẽ thấy)
                  <textarea id="wf-reasons" value={reasons()} onInput={(e) => setReasons(e.currentTarget.value)} />
                </label>
                <button
                  class="secondary"
                  disabled={busy() || !reasons().trim()}
                  onClick={() =>
                    void run(() => returnWithReasons(db, x().id, reasons(), person()).then(() => void setReasons("")), "Đã trả lại dự thảo kèm lý do.")
                  }
                  data-testid="wf-return"
                >
                  Trả lại
                </button>
              </Show>
            </div>
          </Show>
          <Show when={x().state === "returned" && me()?.id === x().createdBy.id}>
            <p class="alert warn">
              Dự thảo bị trả lại. <a href={href("du-thao", x().id)}>Sửa và trình lại</a>
            </p>
          </Show>
          <Show when={x().state === "signed"}>
            <p class="alert info" data-testid="wf-to-issue">
              Văn bản đã được ký. Văn thư phát hành (ký số của cơ quan) và gửi: <a href={href("du-thao", x().id)}>mở để phát hành</a>.
            </p>
          </Show>
          <div class="card">
            <h2>Góp ý ({x().comments.length})</h2>
            <ul class="list" data-testid="wf-comments">
              <For each={x().comments}>
                {(c) => (
                  <li>
                    <div class="grow">
                      <b>{c.by.name}</b>{" "}
                      <span class="muted">
                        · <QlvbTime iso={c.at} />
                      </span>
                      <div>{c.text}</div>
                    </div>
                  </li>
                )}
              </For>
            </ul>
            <Show when={x().state !== "issued" && x().state !== "sent" && x().state !== "cancelled"}>
              <label>
                Góp ý mới
                <textarea id="wf-comment" value={text()} onInput={(e) => setText(e.currentTarget.value)} />
              </label>
              <button
                class="secondary"
                disabled={busy() || !text().trim()}
                onClick={() => void run(() => commentOn(db, x().id, text(), person()).then(() => void setText("")), "Đã ghi góp ý.")}
                data-testid="wf-comment-send"
              >
                Gửi góp ý
              </button>
            </Show>
          </div>
          <div class="card">
            <h2>Các bước</h2>
            <ol class="steps" data-testid="wf-history">
              <For each={x().history}>
                {(h) => (
                  <li>
                    <b>{DRAFT_STEP_LABELS_VI[h.step]}</b> — {h.by.name},{" "}
                    <QlvbTime iso={h.at} provisional={(x().pending ?? []).some((p) => p.at === h.at && p.step === h.step)} />
                    {h.official ? ` · trình ${h.official.name}` : ""}
                    {h.numberAndSymbol ? ` · số ${h.numberAndSymbol}` : ""}
                    {h.revision ? ` · bản ${h.revision}` : ""}
                    <Show when={h.note}>
                      <div>Ghi chú: {h.note}</div>
                    </Show>
                    <Show when={h.reasons}>
                      <div class="reasons">Lý do: {h.reasons}</div>
                    </Show>
                  </li>
                )}
              </For>
            </ol>
            <h2>Các bản</h2>
            <ul data-testid="wf-revisions">
              <For each={x().revisions}>
                {(r) => (
                  <li>
                    <a href={href("xem", r.sha256)}>
                      Bản {r.n}: {r.kind === "draft" ? "dự thảo" : r.kind === "signed" ? "đã ký" : "phát hành"} ({r.name})
                    </a>{" "}
                    <span class="muted">
                      — {r.by.name}, <QlvbTime iso={r.at} />
                    </span>
                  </li>
                )}
              </For>
            </ul>
          </div>
        </section>
      )}
    </Show>
  );
}
