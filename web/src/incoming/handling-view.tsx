import { For, Show, createResource, createSignal } from "solid-js";
import type { SessionInfo } from "../../../shared/sync/schemas.ts";
import { HANDLING_STATE_VI, type HandlingDeadline, type IncomingHandling, type PresentationDue } from "../../../shared/domain/incoming/index.ts";
import { dayToVi } from "../../../shared/domain/index.ts";
import { apiCall } from "../sync/api.ts";
import { db, messageOf, notify } from "../state.ts";
import { QlvbTime } from "../ui/common.tsx";

/**
 * Xử lý văn bản đến (Nghị định 30/2020 Điều 23–24), on a desktop or a phone: the clerk presents a
 * registered document to a leader; the leader writes the handling opinion and assigns it with a
 * due date in working days; the assignee acknowledges (ký nhận) and reports it done. Every step
 * goes to the server, which checks the role and stamps the QLVB time; the list and its overdue /
 * due-soon flags are the server's, counted on the office's working-day calendar.
 */
interface Item {
  handling: IncomingHandling;
  deadline: HandlingDeadline | null;
  presentation: PresentationDue;
}
interface Alert {
  id: string;
  kind: "overdue" | "due-soon" | "present-late" | "present-now";
  textVi: string;
  numberAndSymbol: string;
  summary: string;
  arrivalNumber: number;
}
interface Person {
  id: string;
  name: string;
  roles: string[];
}

export async function fetchHandling(scope: "all" | "mine"): Promise<{ now: string; items: Item[]; alerts: Alert[] }> {
  return apiCall(db, `/api/incoming/handling${scope === "mine" ? "?scope=mine" : ""}`);
}

export function HandlingView() {
  const [scope, setScope] = createSignal<"all" | "mine">("mine");
  const [session] = createResource(async () => (await db.meta.get("session"))?.value as SessionInfo | undefined);
  const [people] = createResource(async () => (await apiCall<{ people: Person[] }>(db, "/api/incoming/handling/people")).people);
  const [data, { refetch }] = createResource(scope, async (s) => {
    try {
      return await fetchHandling(s);
    } catch (e) {
      notify("error", messageOf(e));
      return undefined;
    }
  });
  const me = () => session()?.user;
  const has = (r: string) => me()?.roles.includes(r as never) ?? false;
  async function act(id: string, body: unknown) {
    try {
      await apiCall(db, `/api/incoming/handling/${encodeURIComponent(id)}/events`, { method: "POST", body: JSON.stringify(body) });
      notify("ok", "Đã ghi nhận (thời gian theo máy chủ QLVB).");
      await refetch();
    } catch (e) {
      notify("error", messageOf(e));
    }
  }
  return (
    <section data-testid="handling-view">
      <h1>Xử lý văn bản đến</h1>
      <div class="row no-print">
        <label>
          <input type="radio" name="scope" checked={scope() === "mine"} onChange={() => setScope("mine")} /> Văn bản liên quan đến tôi
        </label>
        <label>
          <input type="radio" name="scope" checked={scope() === "all"} onChange={() => setScope("all")} data-testid="handling-scope-all" /> Tất cả văn bản đến
        </label>
        <button class="secondary" onClick={() => void refetch()}>
          Làm mới
        </button>
      </div>
      <Show when={data()}>
        {(d) => (
          <>
            <p class="muted">
              Thời điểm máy chủ: <QlvbTime iso={d().now} />
            </p>
            <Show when={d().alerts.length > 0}>
              <div class="card" data-testid="handling-alerts">
                <h2>Cần chú ý</h2>
                <For each={d().alerts}>
                  {(a) => (
                    <p data-testid={`handling-alert-${a.kind}`}>
                      <span class={`tag ${a.kind === "overdue" || a.kind === "present-now" ? "bad" : "warn"}`}>{ALERT_VI[a.kind]}</span> Số đến{" "}
                      {a.arrivalNumber} · {a.numberAndSymbol} — {a.summary}: {a.textVi}
                    </p>
                  )}
                </For>
              </div>
            </Show>
            <Show when={d().items.length === 0}>
              <p class="muted">Chưa có văn bản đến nào{scope() === "mine" ? " liên quan đến bạn" : ""}.</p>
            </Show>
            <For each={d().items}>
              {(it) => <HandlingCard item={it} me={me()?.id ?? ""} isClerk={has("clerk")} isLeader={has("leader")} people={people() ?? []} act={act} />}
            </For>
          </>
        )}
      </Show>
    </section>
  );
}

const ALERT_VI: Record<Alert["kind"], string> = { overdue: "Quá hạn", "due-soon": "Sắp đến hạn", "present-late": "Chưa trình", "present-now": "Trình ngay" };

function HandlingCard(p: { item: Item; me: string; isClerk: boolean; isLeader: boolean; people: Person[]; act: (id: string, body: unknown) => Promise<void> }) {
  const h = () => p.item.handling;
  const leaders = () => p.people.filter((x) => x.roles.includes("leader"));
  const isAssignee = () => h().assignment?.assignees.some((a) => a.kind === "person" && a.id === p.me) ?? false;
  const acknowledged = () => h().acknowledgements.some((a) => a.by.id === p.me);
  const [presentTo, setPresentTo] = createSignal("");
  const [opinion, setOpinion] = createSignal("");
  const [mainId, setMainId] = createSignal("");
  const [unit, setUnit] = createSignal("");
  const [days, setDays] = createSignal("5");
  const [note, setNote] = createSignal("");
  const id = () => h().id;
  return (
    <article class="card" data-testid={`handling-${id()}`}>
      <div class="row">
        <strong>
          Số đến {h().arrivalNumber}/{h().arrivalYear} · {h().numberAndSymbol}
        </strong>
        <span class="tag" data-testid="handling-state">
          {HANDLING_STATE_VI[h().state]}
        </span>
        <Show when={h().urgency !== "none"}>
          <span class="tag bad">{h().urgency}</span>
        </Show>
        <Show when={p.item.deadline}>
          {(dl) => (
            <span
              class={`tag ${dl().flag === "overdue" || dl().flag === "done-late" ? "bad" : dl().flag === "due-soon" ? "warn" : "ok"}`}
              data-testid="handling-deadline"
            >
              {dl().textVi}
            </span>
          )}
        </Show>
      </div>
      <p>
        {h().issuer} — {h().summary}
      </p>
      <p class="muted">
        Ngày đến: <QlvbTime iso={h().arrivedAt} />
        <Show when={h().state === "registered"}>
          {" "}
          · hạn trình: {p.item.presentation.atOnce ? "trình ngay (văn bản khẩn)" : `trước hết ngày ${dayToVi(p.item.presentation.dueDay)}`}
        </Show>
      </p>
      <Show when={h().presentation}>
        {(pr) => (
          <p class="muted">
            Đã trình {pr().to.name} lúc <QlvbTime iso={pr().at} /> (văn thư {pr().by.name})
          </p>
        )}
      </Show>
      <Show when={h().assignment}>
        {(a) => (
          <div data-testid="handling-assignment">
            <p>
              <strong>Ý kiến chỉ đạo</strong> của {a().by.name} (<QlvbTime iso={a().at} />
              ): {a().opinion}
            </p>
            <p>
              Giao:{" "}
              {a()
                .assignees.map((x) => `${x.name} (${x.part === "main" ? "chủ trì" : "phối hợp"})`)
                .join("; ")}{" "}
              · hạn giải quyết {dayToVi(a().dueDay)} ({a().workingDays} ngày làm việc)
            </p>
          </div>
        )}
      </Show>
      <For each={h().acknowledgements}>
        {(k) => (
          <p class="muted">
            {k.by.name} đã nhận lúc <QlvbTime iso={k.at} />
          </p>
        )}
      </For>
      <Show when={h().completion}>{(c) => <p>Kết quả: {c().note}</p>}</Show>

      <Show when={p.isClerk && (h().state === "registered" || h().state === "presented")}>
        <div class="row no-print">
          <label>
            Trình lãnh đạo
            <select value={presentTo()} onChange={(e) => setPresentTo(e.currentTarget.value)} data-testid="handling-present-to">
              <option value="">— chọn —</option>
              <For each={leaders()}>{(l) => <option value={l.id}>{l.name}</option>}</For>
            </select>
          </label>
          <button disabled={!presentTo()} onClick={() => void p.act(id(), { type: "present", toUserId: presentTo() })} data-testid="handling-present">
            Trình
          </button>
        </div>
      </Show>

      <Show when={p.isLeader && (h().state === "presented" || h().state === "assigned" || h().state === "in-progress")}>
        <div class="grid no-print" data-testid="handling-assign-form">
          <label>
            Ý kiến phân phối, chỉ đạo
            <textarea rows="3" value={opinion()} onInput={(e) => setOpinion(e.currentTarget.value)} data-testid="handling-opinion" />
          </label>
          <label>
            Người chủ trì xử lý
            <select value={mainId()} onChange={(e) => setMainId(e.currentTarget.value)} data-testid="handling-main">
              <option value="">— chọn —</option>
              <For each={p.people}>{(x) => <option value={x.id}>{x.name}</option>}</For>
            </select>
          </label>
          <label>
            Đơn vị phối hợp (nếu có)
            <input value={unit()} onInput={(e) => setUnit(e.currentTarget.value)} data-testid="handling-unit" />
          </label>
          <label>
            Hạn giải quyết (số ngày làm việc)
            <input
              type="number"
              min="1"
              max="365"
              inputmode="numeric"
              value={days()}
              onInput={(e) => setDays(e.currentTarget.value)}
              data-testid="handling-days"
            />
          </label>
          <button
            disabled={!opinion().trim() || !mainId()}
            onClick={() =>
              void p.act(id(), {
                type: "assign",
                opinion: opinion(),
                workingDays: Number(days()),
                assignees: [
                  { kind: "person", userId: mainId(), part: "main" },
                  ...(unit().trim() ? [{ kind: "unit", name: unit().trim(), part: "support" }] : []),
                ],
              })
            }
            data-testid="handling-assign"
          >
            {h().assignment ? "Giao lại" : "Giao xử lý"}
          </button>
        </div>
      </Show>

      <Show when={isAssignee() && !acknowledged() && h().state !== "done"}>
        <button class="no-print" onClick={() => void p.act(id(), { type: "acknowledge" })} data-testid="handling-acknowledge">
          Đã nhận (ký nhận)
        </button>
      </Show>
      <Show when={isAssignee() && acknowledged() && h().state !== "done"}>
        <div class="row no-print">
          <label>
            Kết quả xử lý
            <input value={note()} onInput={(e) => setNote(e.currentTarget.value)} data-testid="handling-note" />
          </label>
          <button class="secondary" disabled={!note().trim()} onClick={() => void p.act(id(), { type: "progress", note: note() })}>
            Báo cáo tiến độ
          </button>
          <button disabled={!note().trim()} onClick={() => void p.act(id(), { type: "complete", note: note() })} data-testid="handling-complete">
            Hoàn thành
          </button>
        </div>
      </Show>
    </article>
  );
}
