import { type Dexie, liveQuery } from "dexie";
import { For, Show, createEffect, createMemo, createSignal, on, onCleanup, onMount, type Accessor } from "solid-js";
import {
  INCOMING_COLUMNS_VI,
  OUTGOING_COLUMNS_VI,
  dayToVi,
  documentTypeByCode,
  parseDateVi,
  registerYear,
  type IncomingRegisterEntry,
  type OutgoingRegisterEntry,
} from "../../../shared/domain/index.ts";
import { isAbortError, registerYears, searchRegister, searchRegisterPage, type RegisterFilter } from "../db/registers.ts";
import { useLive } from "../live.ts";
import { registerPrintHtml } from "./print.ts";
import { ReservedNumbersCard } from "./reserved-numbers-card.tsx";
import { href } from "../router.ts";
import { db, loadProfile } from "../state.ts";
import { QlvbTime, TypeSelect } from "../ui/common.tsx";

/** Sổ đăng ký văn bản đến / đi, per year, with the columns of Nghị định 30/2020 Phụ lục IV. */
export function RegistersView(props: { kind: "incoming" | "outgoing" }) {
  const [year, setYear] = createSignal(registerYear(new Date()));
  const [query, setQuery] = createSignal("");
  const [typeCode, setTypeCode] = createSignal("");
  const [issuer, setIssuer] = createSignal("");
  const [status, setStatus] = createSignal("");
  const [from, setFrom] = createSignal("");
  const [to, setTo] = createSignal("");
  const filter = createMemo(() => ({
    kind: props.kind,
    year: year(),
    query: query(),
    typeCode: typeCode() || undefined,
    issuer: issuer() || undefined,
    status: status() || undefined,
    from: parseDateVi(from()) ?? undefined,
    to: parseDateVi(to()) ?? undefined,
  }));
  // The answer keeps the filter it answers, so the view (and the benchmark) can tell a fresh answer from a stale one.
  const answer = useRegisterSearch(filter);
  // After the search: its reads are queued first, the year list can wait.
  const years = useLive(
    () => props.kind,
    (k) => registerYears(db, k),
  );
  const ids = () => answer()?.ids;
  let tbody: HTMLTableSectionElement | undefined;
  let top: HTMLTableRowElement | undefined;
  const rows = useVirtualRows(
    answer,
    () => tbody,
    () => top,
  );
  const yearOptions = () => [...new Set([registerYear(new Date()), ...(years() ?? [])])].sort((a, b) => b - a);

  async function print() {
    const office = await loadProfile();
    const all = await searchRegister(db, props.kind, { year: year(), limit: 100_000 });
    const html = registerPrintHtml(props.kind, office, year(), all);
    const w = window.open("", "_blank");
    if (!w) return;
    w.document.write(html);
    w.document.close();
    w.focus();
    w.print();
  }

  return (
    <section>
      <div class="row no-print" style={{ "justify-content": "space-between", "align-items": "center" }}>
        <h1>{props.kind === "incoming" ? "Sổ đăng ký văn bản đến" : "Sổ đăng ký văn bản đi"}</h1>
        <div class="row">
          <a class={`button ${props.kind === "incoming" ? "" : "secondary"}`} href={href("so-dang-ky", "den")}>
            Văn bản đến
          </a>
          <a class={`button ${props.kind === "outgoing" ? "" : "secondary"}`} href={href("so-dang-ky", "di")}>
            Văn bản đi
          </a>
        </div>
      </div>
      <Show when={props.kind === "outgoing"}>
        <ReservedNumbersCard year={year()} />
      </Show>
      <div class="card row no-print">
        <label>
          Năm
          <select value={year()} onChange={(e) => setYear(Number(e.currentTarget.value))} data-testid="year">
            <For each={yearOptions()}>{(y) => <option value={y}>{y}</option>}</For>
          </select>
        </label>
        <label style={{ flex: "2 1 260px" }}>
          Tìm kiếm (gõ có dấu hoặc không dấu)
          <input
            type="search"
            id="register-search"
            value={query()}
            onInput={(e) => setQuery(e.currentTarget.value)}
            placeholder="ví dụ: uy ban nhan dan, 12/UBND-VP"
          />
        </label>
        <label>
          Loại văn bản
          <TypeSelect value={typeCode()} onChange={setTypeCode} withAll />
        </label>
        <Show when={props.kind === "incoming"}>
          <label>
            Nơi gửi
            <input id="register-issuer" value={issuer()} onInput={(e) => setIssuer(e.currentTarget.value)} />
          </label>
        </Show>
        <label>
          Trạng thái
          <select value={status()} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">Tất cả</option>
            <Show
              when={props.kind === "incoming"}
              fallback={
                <>
                  <option value="issued">Đã phát hành</option>
                  <option value="sent">Đã gửi</option>
                  <option value="refused-by-recipient">Bị từ chối</option>
                </>
              }
            >
              <option value="registered">Đã vào sổ</option>
              <option value="in-progress">Đang xử lý</option>
              <option value="done">Hoàn thành</option>
            </Show>
          </select>
        </label>
        <label>
          Từ ngày
          <input value={from()} onInput={(e) => setFrom(e.currentTarget.value)} placeholder="dd/mm/yyyy" size="10" />
        </label>
        <label>
          Đến ngày
          <input value={to()} onInput={(e) => setTo(e.currentTarget.value)} placeholder="dd/mm/yyyy" size="10" />
        </label>
        <button class="secondary" onClick={print}>
          In sổ
        </button>
      </div>
      <p
        class="muted"
        data-testid="result-count"
        data-query={answer()?.f.query ?? ""}
        data-kind={answer()?.f.kind ?? ""}
        data-issuer={answer()?.f.issuer ?? ""}
        data-complete={answer()?.complete ? "true" : "false"}
      >
        {countText(answer())}
      </p>
      <div class="table-wrap">
        <table class="register responsive" data-testid="register-table">
          <thead>
            <tr>
              <For each={props.kind === "incoming" ? INCOMING_COLUMNS_VI : OUTGOING_COLUMNS_VI}>{(c) => <th>{c}</th>}</For>
            </tr>
            {/* Stands for the rows scrolled past (outside the body, whose rows are the register's). */}
            <tr class="spacer" ref={top} style={{ height: `${rows.above()}px` }}>
              <td colSpan={10} />
            </tr>
          </thead>
          <tbody ref={tbody}>
            <For each={rows.ids()}>
              {(id) => (
                <Show
                  when={rows.entry(id)}
                  fallback={
                    <tr class="loading" aria-busy="true" style={{ height: `${ROW_HEIGHT}px` }}>
                      <td colSpan={10} />
                    </tr>
                  }
                >
                  {(e) => (props.kind === "incoming" ? <IncomingRow e={e() as IncomingRegisterEntry} /> : <OutgoingRow e={e() as OutgoingRegisterEntry} />)}
                </Show>
              )}
            </For>
          </tbody>
          <tfoot>
            <tr class="spacer" style={{ height: `${rows.below()}px` }}>
              <td colSpan={10} />
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

function countText(a: Answer | undefined): string {
  if (!a) return "Đang tải…";
  if (!a.complete) return `${a.ids.length} văn bản mới nhất, đang tìm tiếp…`;
  return a.ids.length >= RESULT_LIMIT ? `${RESULT_LIMIT} văn bản mới nhất` : `${a.ids.length} văn bản`;
}

/** The newest this many matches are shown; the person narrows the search for older ones. */
const RESULT_LIMIT = 200;
/** Rows read with the answer: a first screen and a little more. */
const FIRST_ROWS = 24;
/** Rows drawn beyond the screen, above and below. */
const OVERSCAN = 12;
/** A row's height until rows drawn tell the real one. */
const ROW_HEIGHT = 56;

type Filter = { kind: "incoming" | "outgoing" } & Omit<RegisterFilter, "signal" | "limit">;
type Entry = IncomingRegisterEntry | OutgoingRegisterEntry;
interface Answer {
  f: Filter;
  /** Matching entries, newest first. */
  ids: string[];
  /** The rows of the first screen, read with the answer. */
  first: Map<string, Entry>;
  /** False while only the first screen's matches are known (the search for the rest runs). */
  complete: boolean;
}

/**
 * The register's answer as the person types: each new filter (a keystroke) aborts the searches
 * still running for the previous one, and the answer follows changes to the register (liveQuery).
 * The first screen comes first: a search for FIRST_ROWS matches (with their rows) is shown as soon
 * as it ends, then the search for RESULT_LIMIT replaces it. The search gives keys; only the rows of
 * the first screen are read with it.
 */
function useRegisterSearch(filter: () => Filter): Accessor<Answer | undefined> {
  const [answer, setAnswer] = createSignal<Answer>();
  createEffect(
    on(filter, (f) => {
      const aborter = new AbortController();
      const search = (limit: number) =>
        liveQuery(async () => {
          const { ids, rows } = await searchRegisterPage(db, f.kind, { ...f, limit, signal: aborter.signal }, FIRST_ROWS);
          return { ids, first: new Map(rows.map((e) => [e.id, e])), complete: limit === RESULT_LIMIT || ids.length < limit };
        });
      const failed = (e: unknown) => isAbortError(e) || console.error("register search failed", e);
      let full: { unsubscribe(): void } | undefined;
      const first = search(FIRST_ROWS).subscribe({
        next: (a) => {
          setAnswer({ f, ...a });
          // More than a screen matches: the rest, while the person reads the first rows.
          full ??= a.complete
            ? undefined
            : search(RESULT_LIMIT).subscribe({
                next: (b) => {
                  first.unsubscribe();
                  setAnswer({ f, ...b });
                },
                error: failed,
              });
        },
        error: failed,
      });
      onCleanup(() => {
        aborter.abort(new DOMException("superseded", "AbortError"));
        first.unsubscribe();
        full?.unsubscribe();
      });
    }),
  );
  return answer;
}

/**
 * Virtualised rows: only those on screen (and OVERSCAN more each side) are in the page; spacers
 * of the estimated height stand for the others, so the page scrolls as if all were drawn. The
 * rows scrolled into view are read by key, live (a change to one is shown).
 */
function useVirtualRows(answer: Accessor<Answer | undefined>, body: () => HTMLElement | undefined, spacer: () => HTMLElement | undefined) {
  // At first only the rows that can be on screen (at the estimated height): the rows beyond it are drawn once measured.
  const [range, setRange] = createSignal({ start: 0, end: Math.min(FIRST_ROWS, Math.ceil(window.innerHeight / ROW_HEIGHT)) });
  const [rowHeight, setRowHeight] = createSignal(ROW_HEIGHT);
  const [read, setRead] = createSignal(new Map<string, Entry>());
  const all = () => answer()?.ids ?? [];
  function measure() {
    const b = body();
    const above = spacer();
    if (!b || !above) return;
    const drawn = [...b.children].filter((r) => !r.classList.contains("loading")) as HTMLElement[];
    const height = drawn.reduce((h, r) => h + r.offsetHeight, 0);
    if (drawn.length > 0 && height > 0) setRowHeight(height / drawn.length);
    // Where the first row of the answer would be, were every row drawn.
    const top = above.getBoundingClientRect().top;
    const first = Math.max(0, Math.floor(-top / rowHeight()) - OVERSCAN);
    const last = Math.min(all().length, Math.ceil((window.innerHeight - top) / rowHeight()) + OVERSCAN);
    const r = range();
    if (first !== r.start || last !== r.end) setRange({ start: first, end: Math.max(first, last) });
  }
  let frame = 0;
  const onScroll = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      measure();
    });
  };
  onMount(() => {
    window.addEventListener("scroll", onScroll, { passive: true });
    window.addEventListener("resize", onScroll, { passive: true });
  });
  onCleanup(() => {
    window.removeEventListener("scroll", onScroll);
    window.removeEventListener("resize", onScroll);
    cancelAnimationFrame(frame);
  });
  // A new answer: back to its first rows; measured again once drawn.
  createEffect(
    on(answer, (a) => {
      setRead(a?.first ?? new Map());
      onScroll();
    }),
  );
  const shown = createMemo(() => all().slice(range().start, range().end), undefined, {
    equals: (a, b) => a.length === b.length && a.every((x, i) => x === b[i]),
  });
  // Rows scrolled into view that the answer did not bring: read them, and follow their changes.
  createEffect(
    on([answer, shown], ([a, ids]) => {
      const first = a?.first;
      const missing = ids.filter((id) => !first?.has(id));
      if (missing.length === 0) return;
      const kind = a!.f.kind;
      const sub = liveQuery(() => (db[kind] as unknown as Dexie.Table<Entry, string>).bulkGet(missing)).subscribe({
        next: (rows) => setRead((m) => new Map([...m, ...rows.filter((e): e is Entry => e !== undefined).map((e) => [e.id, e] as const)])),
        error: (e) => console.error("register rows failed", e),
      });
      onCleanup(() => sub.unsubscribe());
    }),
  );
  return {
    ids: shown,
    entry: (id: string) => read().get(id),
    above: () => range().start * rowHeight(),
    below: () => Math.max(0, all().length - range().end) * rowHeight(),
  };
}

function typeAndSummary(code: string, summary: string) {
  return (
    <>
      <b>{documentTypeByCode(code)?.name ?? code}</b>: {summary}
    </>
  );
}

function IncomingRow(p: { e: IncomingRegisterEntry }) {
  const c = INCOMING_COLUMNS_VI;
  return (
    <tr>
      <td data-label={c[0]}>
        <QlvbTime iso={p.e.arrivedAt} provisional={p.e.arrivedAtProvisional} />
      </td>
      <td data-label={c[1]}>{p.e.number}</td>
      <td data-label={c[2]}>{p.e.issuer}</td>
      <td data-label={c[3]}>{p.e.documentSha256 ? <a href={href("xem", p.e.documentSha256)}>{p.e.numberAndSymbol}</a> : p.e.numberAndSymbol}</td>
      <td data-label={c[4]}>{dayToVi(p.e.documentDate)}</td>
      <td data-label={c[5]}>{typeAndSummary(p.e.typeCode, p.e.summary)}</td>
      <td data-label={c[6]}>{p.e.handler}</td>
      <td data-label={c[7]}>{p.e.handedOverAt ? dayToVi(p.e.handedOverAt) : ""}</td>
      <td data-label={c[8]}>{p.e.receipt ?? ""}</td>
      <td data-label={c[9]}>
        {[p.e.receiptForm === "paper" ? "Bản giấy" : p.e.receiptForm === "scan" ? "Bản quét" : "", p.e.note ?? ""].filter(Boolean).join(". ")}
      </td>
    </tr>
  );
}

function OutgoingRow(p: { e: OutgoingRegisterEntry }) {
  const c = OUTGOING_COLUMNS_VI;
  return (
    <tr>
      <td data-label={c[0]}>{p.e.documentSha256 ? <a href={href("xem", p.e.documentSha256)}>{p.e.numberAndSymbol}</a> : p.e.numberAndSymbol}</td>
      <td data-label={c[1]}>{dayToVi(p.e.documentDate)}</td>
      <td data-label={c[2]}>{typeAndSummary(p.e.typeCode, p.e.summary)}</td>
      <td data-label={c[3]}>
        {p.e.signerName}
        {p.e.signerTitle ? `, ${p.e.signerTitle}` : ""}
      </td>
      <td data-label={c[4]}>{p.e.recipients.join("; ")}</td>
      <td data-label={c[5]}>{p.e.archiveHolder}</td>
      <td data-label={c[6]}>{p.e.copies}</td>
      <td data-label={c[7]}>
        <QlvbTime iso={p.e.sentAt} provisional={p.e.sentAtProvisional} />
      </td>
      <td data-label={c[8]}>{p.e.receipt ?? ""}</td>
      <td data-label={c[9]}>
        {p.e.note ?? ""}
        {p.e.status === "refused-by-recipient" ? `Bị từ chối: ${p.e.refusalReason ?? ""}` : ""}
      </td>
    </tr>
  );
}
