import { For, Show, createSignal, onCleanup, onMount } from "solid-js";
import { formatDateTimeVi } from "../../../shared/domain/index.ts";
import { getDocument } from "../db/documents.ts";
import { useLive } from "../live.ts";
import { db, messageOf } from "../state.ts";
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
  const report = useLive(() => props.sha256, async (sha) => (await db.reports.where("documentSha256").equals(sha).sortBy("createdAt")).at(-1));
  let container!: HTMLDivElement;
  let destroy: (() => void) | undefined;
  onCleanup(() => destroy?.());

  onMount(async () => {
    try {
      const doc = await getDocument(db, props.sha256);
      setName(doc.name);
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
        const viewport = page.getViewport({ scale: Math.min(2, (window.devicePixelRatio || 1) * 1.5) });
        const canvas = document.createElement("canvas");
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        canvas.setAttribute("aria-label", `Trang ${i}`);
        canvas.dataset.page = String(i);
        container.appendChild(canvas);
        await page.render({ canvas, canvasContext: canvas.getContext("2d")!, viewport, annotationMode: pdfjs.AnnotationMode.ENABLE }).promise;
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
      <h1>{name() || "Văn bản"}</h1>
      <Show when={error()}>
        <div class="alert bad" role="alert">
          {error()}
        </div>
      </Show>
      <div class="viewer">
        <div ref={container} data-testid="pages" aria-label={`${pages()} trang`} />
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
                          <span class={`tag ${s().verdict === "valid" ? "ok" : "bad"}`}>{s().verdict === "valid" ? "hợp lệ" : s().verdict === "invalid" ? "không hợp lệ" : "chưa kết luận"}</span>
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
          <Show when={report()}>
            <p class="muted">Kiểm tra lúc {formatDateTimeVi(report()!.createdAt)}: {report()!.summaryVi}</p>
          </Show>
        </aside>
      </div>
    </section>
  );
}
