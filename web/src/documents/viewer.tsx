import { For, Show, createSignal, onCleanup, onMount } from "solid-js";
import { formatDateTimeVi } from "../../../shared/domain/index.ts";
import { getDocument } from "../db/documents.ts";
import { useLive } from "../live.ts";
import { db, loadProfile, messageOf, notify, notifyFailure } from "../state.ts";
import { VanthuError } from "../../../shared/errors.ts";
import { signaturesOf } from "./report.tsx";

interface SigField {
  fieldName: string;
  pageIndex: number;
}

/**
 * A kept document page by page with pdf.js. pdf.js hides signature widgets by default and has
 * no signature panel: pages are drawn with every annotation's appearance stream on the canvas
 * (AnnotationMode.ENABLE: the seal and signature images of Điều 13 show), and the signature
 * fields are listed beside the page, "chưa kiểm tra" until our verifier has judged them.
 */
export default function Viewer(props: { sha256: string }) {
  const [pages, setPages] = createSignal(0);
  const [sigs, setSigs] = createSignal<SigField[]>([]);
  const [error, setError] = createSignal("");
  const [name, setName] = createSignal("");
  const [download, setDownload] = createSignal("");
  const [page, setPage] = createSignal(1);
  // Zoom as a share of the column's width: 100% fits the page to the screen; a phone reads at 150–200%.
  const [zoom, setZoom] = createSignal(1);
  const viewer = useLive(
    () => undefined,
    () => loadProfile(),
  );
  const report = useLive(
    () => props.sha256,
    async (sha) => (await db.reports.where("documentSha256").equals(sha).sortBy("createdAt")).at(-1),
  );
  let container!: HTMLDivElement;
  let scroller!: HTMLDivElement;
  function goTo(n: number) {
    const target = Math.min(Math.max(1, n), pages() || 1);
    setPage(target);
    container.querySelector<HTMLCanvasElement>(`canvas[data-page="${target}"]`)?.scrollIntoView({ block: "start", behavior: "instant" as ScrollBehavior });
  }
  function trackPage() {
    // The page whose top is nearest above the middle of the visible area is the page being read.
    const mid = scroller.getBoundingClientRect().top + scroller.clientHeight / 3;
    let current = 1;
    for (const c of container.querySelectorAll<HTMLCanvasElement>("canvas[data-page]"))
      if (c.getBoundingClientRect().top <= mid) current = Number(c.dataset.page);
    setPage(current);
  }
  let destroy: (() => void) | undefined;
  let objectUrl: string | undefined;
  onCleanup(() => {
    destroy?.();
    if (objectUrl) URL.revokeObjectURL(objectUrl);
  });

  onMount(async () => {
    try {
      const doc = await getDocument(db, props.sha256);
      setName(doc.name);
      // Download: the kept bytes exactly (R15), never a re-rendered file.
      const url = URL.createObjectURL(new Blob([doc.bytes as Uint8Array<ArrayBuffer>], { type: "application/pdf" }));
      objectUrl = url;
      setDownload(url);
      const pdfjs = await import("pdfjs-dist");
      const workerUrl = (await import("pdfjs-dist/build/pdf.worker.min.mjs?url")).default;
      pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
      const base = new URL("pdfjs/", document.baseURI).href;
      const task = pdfjs.getDocument({
        // A copy: pdf.js transfers the buffer to its worker, and the kept bytes must stay intact.
        data: doc.bytes.slice(),
        cMapUrl: base + "cmaps/",
        cMapPacked: true,
        standardFontDataUrl: base + "standard_fonts/",
        wasmUrl: base + "wasm/",
        isEvalSupported: false,
      });
      destroy = () => void task.destroy();
      const pdf = await task.promise;
      setPages(pdf.numPages);
      const found: SigField[] = [];
      for (let i = 1; i <= pdf.numPages; i++) {
        const page = await pdf.getPage(i);
        for (const a of await page.getAnnotations()) {
          if (a.fieldType === "Sig") found.push({ fieldName: String(a.fieldName ?? ""), pageIndex: i - 1 });
        }
        // Drawn sharp enough for 200% on a phone and 100% on a desktop.
        const viewport = page.getViewport({ scale: Math.min(3, (window.devicePixelRatio || 1) * 2) });
        const canvas = document.createElement("canvas");
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        canvas.setAttribute("aria-label", `Trang ${i}`);
        canvas.dataset.page = String(i);
        container.appendChild(canvas);
        await page.render({ canvas, canvasContext: canvas.getContext("2d")!, viewport, annotationMode: pdfjs.AnnotationMode.ENABLE }).promise;
      }
      // Invisible signatures (copies, attachments: Điều 13 gives them no image) have zero-size
      // widgets that pdf.js does not list per page: the form's field list has them all.
      const fields = ((await pdf.getFieldObjects()) ?? {}) as Record<string, Array<{ type?: string; page?: number }>>;
      for (const [name, objs] of Object.entries(fields)) {
        const sig = objs.find((o) => o.type === "signature");
        if (sig && !found.some((f) => f.fieldName === name)) found.push({ fieldName: name, pageIndex: sig.page ?? 0 });
      }
      setSigs(found);
      container.dataset.rendered = "true";
    } catch (e) {
      setError(messageOf(e));
    }
  });

  const verdictFor = (f: SigField) => signaturesOf(report()).find((s) => s.fieldName === f.fieldName);
  return (
    <section>
      <p>
        <button type="button" class="secondary" onClick={() => history.back()}>
          ← Quay lại
        </button>
      </p>
      <div class="row" style={{ "justify-content": "space-between", "align-items": "center" }}>
        <h1>{name() || "Văn bản"}</h1>
        <Show when={download()}>
          {/* biome-ignore lint/a11y/useValidAnchor: shown only once download() holds the document's blob URL */}
          <a class="button secondary" download={name()} href={download()}>
            Tải tệp về máy
          </a>
        </Show>
      </div>
      <Show when={error()}>
        <div class="alert bad" role="alert">
          {error()}
        </div>
      </Show>
      <div class="viewer">
        <div class="pages-col">
          <div class="viewer-bar row" data-testid="viewer-bar">
            <button class="secondary" aria-label="Trang trước" disabled={page() <= 1} onClick={() => goTo(page() - 1)}>
              ‹
            </button>
            <span data-testid="page-of">
              Trang {page()}/{pages() || "…"}
            </span>
            <button class="secondary" aria-label="Trang sau" data-testid="next-page" disabled={page() >= pages()} onClick={() => goTo(page() + 1)}>
              ›
            </button>
            <span class="grow" />
            <button class="secondary" aria-label="Thu nhỏ" disabled={zoom() <= 0.5} onClick={() => setZoom((z) => Math.max(0.5, z - 0.25))}>
              −
            </button>
            <button class="secondary" data-testid="zoom-fit" onClick={() => setZoom(1)} title="Vừa khung">
              {Math.round(zoom() * 100)}%
            </button>
            <button class="secondary" aria-label="Phóng to" data-testid="zoom-in" disabled={zoom() >= 3} onClick={() => setZoom((z) => Math.min(3, z + 0.25))}>
              +
            </button>
          </div>
          <div class="pages-scroll" ref={scroller} onScroll={trackPage}>
            <div ref={container} data-testid="pages" aria-label={`${pages()} trang`} style={{ width: `${zoom() * 100}%` }} />
          </div>
        </div>
        <aside class="sigs card" data-testid="signature-list">
          <h2>Chữ ký số trên văn bản</h2>
          <Show when={sigs().length > 0} fallback={<p class="muted">{pages() ? "Văn bản không có chữ ký số." : "Đang mở văn bản…"}</p>}>
            <For each={sigs()}>
              {(f, i) => {
                const v = () => verdictFor(f);
                return (
                  <div class={`sig ${v()?.verdict ?? ""}`}>
                    <div>
                      <b>{v()?.signerName ?? `Chữ ký ${i() + 1}`}</b>
                      {v()?.title ? `, ${v()!.title}` : ""}
                    </div>
                    <div class="muted">
                      Trang {f.pageIndex + 1} · {f.fieldName}
                    </div>
                    <Show when={v()} fallback={<span class="tag warn">chưa kiểm tra</span>}>
                      {(s) => (
                        <>
                          <span class={`tag ${s().verdict === "valid" ? "ok" : s().verdict === "invalid" ? "bad" : "warn"}`}>
                            {s().verdict === "valid" ? "hợp lệ" : s().verdict === "invalid" ? "không hợp lệ" : "chưa kết luận"}
                          </span>
                          <Show when={s().signingTime}>
                            <div class="muted">Ký lúc {formatDateTimeVi(s().signingTime!)}</div>
                          </Show>
                        </>
                      )}
                    </Show>
                  </div>
                );
              }}
            </For>
          </Show>
          <Show when={sigs().length > 0}>
            <button
              class="secondary"
              data-testid="verify-now"
              onClick={async () => {
                const { verifyDocument } = await import("../verify/run.ts");
                await verifyDocument(db, props.sha256).catch(notifyFailure);
              }}
            >
              {report() ? "Kiểm tra lại chữ ký" : "Kiểm tra chữ ký"}
            </button>
          </Show>
          {/* Copies are made by the văn thư with the office's certificate: not offered to other roles. */}
          <Show when={viewer()?.role === "clerk" && viewer()?.roles.includes("clerk")}>
            <CopyPanel sha256={props.sha256} />
          </Show>
          <Show when={report()}>
            <p class="muted">
              Kiểm tra lúc {formatDateTimeVi(report()!.createdAt)}: {report()!.summaryVi}
            </p>
          </Show>
        </aside>
      </div>
    </section>
  );
}

/** Bản sao điện tử (R3), made by the clerk with the organisation's certificate. */
function CopyPanel(props: { sha256: string }) {
  const [form, setForm] = createSignal<"SY" | "TrS" | "SL">("SY");
  const [busy, setBusy] = createSignal(false);
  const copies = useLive(
    () => props.sha256,
    (sha) => db.copies.where("sourceSha256").equals(sha).toArray(),
  );
  const copyOf = useLive(
    () => props.sha256,
    (sha) => db.copies.where("sha256").equals(sha).first(),
  );
  async function make() {
    const win = window.open("about:blank", "vanthu-agent");
    setBusy(true);
    try {
      const [{ agentClient }, { makeElectronicCopy }, { checkCertificateForRole }] = await Promise.all([
        import("../agent/settings.ts"),
        import("../drafts/sign-draft.ts"),
        import("../../../shared/domain/roles.ts"),
      ]);
      const profile = await loadProfile();
      const agent = await agentClient(db);
      const cert = (await agent.certificates()).find(
        (c) => c.usable && checkCertificateForRole(c, { kind: "copy", role: profile.role, organisationName: profile.name }).length === 0,
      );
      if (!cert)
        throw new VanthuError(
          "web.no-org-cert",
          "Không có chứng thư số của cơ quan trên thiết bị ký (hoặc người dùng không phải văn thư): không thể sao văn bản (R8).",
          "No organisation certificate for the copy",
        );
      const c = await makeElectronicCopy(
        { db, agent, certificate: cert, role: profile.role, office: profile, image: new Uint8Array(), consentWindow: () => win },
        props.sha256,
        form(),
      );
      notify("ok", `Đã tạo bản sao số ${c.numberAndSymbol}.`);
    } catch (e) {
      notify("error", messageOf(e));
    } finally {
      setBusy(false);
      win?.close();
    }
  }
  return (
    <div data-testid="copy-panel">
      <Show when={copyOf()}>{(c) => <p class="tag ok">Bản sao điện tử số {c().numberAndSymbol}</p>}</Show>
      <h2>Sao văn bản điện tử</h2>
      <div class="row">
        <select id="copy-form" value={form()} onChange={(e) => setForm(e.currentTarget.value as "SY" | "TrS" | "SL")}>
          <option value="SY">Sao y</option>
          <option value="TrS">Trích sao</option>
          <option value="SL">Sao lục</option>
        </select>
        <button class="secondary" onClick={make} disabled={busy()} data-testid="make-copy">
          {busy() ? "Đang chờ ký…" : "Tạo bản sao"}
        </button>
      </div>
      <For each={copies()}>
        {(c) => (
          <p>
            <a href={`#/xem/${c.sha256}`}>Bản sao số {c.numberAndSymbol}</a>
          </p>
        )}
      </For>
    </div>
  );
}
