import { liveQuery } from "dexie";
import { For, Show, createEffect, createMemo, createSignal, on, onCleanup } from "solid-js";
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
import { isAbortError, registerYears, searchRegister, type RegisterFilter } from "../db/registers.ts";
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
  const years = useLive(
    () => props.kind,
    (k) => registerYears(db, k),
  );
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
  // The rows keep the filter they answer, so the view (and the benchmark) can tell a fresh answer from a stale one.
  const answer = useRegisterSearch(filter);
  const rows = () => answer()?.rows;
  // Only the rows on screen and a little more are drawn; more as the person scrolls down.
  const [shown, setShown] = createSignal(FIRST_ROWS);
  createEffect(on(answer, () => setShown(FIRST_ROWS)));
  const visible = () => rows()?.slice(0, shown());
  let sentinel: HTMLDivElement | undefined;
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && (rows()?.length ?? 0) > shown()) setShown((n) => n + MORE_ROWS);
  });
  createEffect(() => sentinel && observer.observe(sentinel));
  onCleanup(() => observer.disconnect());
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
            <input value={issuer()} onInput={(e) => setIssuer(e.currentTarget.value)} />
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
      <p class="muted" data-testid="result-count" data-query={answer()?.f.query ?? ""} data-kind={answer()?.f.kind ?? ""}>
        {rows() === undefined ? "Đang tải…" : `${rows()!.length >= RESULT_LIMIT ? `${RESULT_LIMIT} văn bản mới nhất` : `${rows()!.length} văn bản`}`}
      </p>
      <div class="table-wrap">
        <table class="register responsive" data-testid="register-table">
          <thead>
            <tr>
              <For each={props.kind === "incoming" ? INCOMING_COLUMNS_VI : OUTGOING_COLUMNS_VI}>{(c) => <th>{c}</th>}</For>
            </tr>
          </thead>
          <tbody>
            <Show when={props.kind === "incoming"} fallback={<For each={visible() as OutgoingRegisterEntry[]}>{(e) => <OutgoingRow e={e} />}</For>}>
              <For each={visible() as IncomingRegisterEntry[]}>{(e) => <IncomingRow e={e} />}</For>
            </Show>
          </tbody>
        </table>
        <div ref={sentinel} aria-hidden="true" style={{ height: "1px" }} />
      </div>
    </section>
  );
}

/** The newest this many matches are shown; the person narrows the search for older ones. */
const RESULT_LIMIT = 200;
const FIRST_ROWS = 40;
const MORE_ROWS = 80;

type Filter = { kind: "incoming" | "outgoing" } & Omit<RegisterFilter, "signal" | "limit">;

/**
 * The register's answer as the person types: each new filter (a keystroke) aborts the search
 * still running for the previous one, and the answer follows changes to the register (liveQuery).
 */
function useRegisterSearch(filter: () => Filter) {
  const [answer, setAnswer] = createSignal<{ f: Filter; rows: Array<IncomingRegisterEntry | OutgoingRegisterEntry> }>();
  createEffect(
    on(filter, (f) => {
      const aborter = new AbortController();
      const sub = liveQuery(() => searchRegister(db, f.kind, { ...f, limit: RESULT_LIMIT, signal: aborter.signal })).subscribe({
        next: (rows) => setAnswer({ f, rows }),
        error: (e) => isAbortError(e) || console.error("register search failed", e),
      });
      onCleanup(() => {
        aborter.abort(new DOMException("superseded", "AbortError"));
        sub.unsubscribe();
      });
    }),
  );
  return answer;
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
