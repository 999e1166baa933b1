import { For, Show, createResource } from "solid-js";
import { createStore } from "solid-js/store";
import { type DistrictOfficeRow } from "../../../shared/domain/certificates/index.ts";
import { formatDateTimeVi, formatDateVi } from "../../../shared/domain/dates.ts";
import { db, messageOf, notify } from "../state.ts";
import { apiCall } from "../sync/api.ts";
import { DateInput } from "../ui/date-input.tsx";
import { BackupStatusCard } from "../users/backup-status.tsx";

export function DistrictTab() {
  type View = { generatedAt?: string; offices?: DistrictOfficeRow[]; error?: string };
  const [view, { refetch }] = createResource(() => apiCall<View>(db, "/api/certificates/district").catch((e: unknown): View => ({ error: messageOf(e) })));
  return (
    <>
      <BackupStatusCard />
      <div class="card row">
        <button class="secondary" onClick={() => void refetch()}>
          Cập nhật
        </button>
        <span class="muted">{view()?.generatedAt ? `Số liệu lúc ${formatDateTimeVi(view()!.generatedAt!)}` : ""}</span>
      </div>
      <Show when={view()?.error}>
        <p class="alert bad">{view()!.error}</p>
      </Show>
      <table class="register" data-testid="district-table">
        <thead>
          <tr>
            <th>Cơ quan</th>
            <th>Đồng bộ</th>
            <th>Chứng thư cần chú ý</th>
            <th>Đề nghị đang mở</th>
            <th>Quá hạn</th>
            <th>Sự cố</th>
          </tr>
        </thead>
        <tbody>
          <For each={view()?.offices ?? []}>
            {(o) => (
              <tr data-testid="district-row">
                <td>{o.officeName}</td>
                <td>
                  <span class={`tag ${o.syncState === "ok" ? "ok" : "warn"}`}>{o.syncTextVi}</span>
                </td>
                <td>
                  <For each={o.certificates}>{(c) => <div>{`${c.holder}: ${c.status.labelVi}${c.blockedByIncident ? " — khóa ký do sự cố" : ""}`}</div>}</For>
                </td>
                <td>
                  <For each={o.openRequests}>
                    {(r) => (
                      <div>{`${r.form} ${r.labelVi}: ${r.stateVi}${r.deadline ? `, hạn ${formatDateVi(`${r.deadline.dueDay}T12:00:00+07:00`)}` : ""}`}</div>
                    )}
                  </For>
                </td>
                <td>
                  <Show when={o.overdueRequests.length > 0}>
                    <span class="tag bad">{o.overdueRequests.length} quá hạn</span>
                  </Show>
                </td>
                <td>{o.openIncidents || ""}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <CalendarEditor />
    </>
  );
}

/** The holiday calendar is data district IT keeps: the year's notices as overrides of the days the law gives. */
function CalendarEditor() {
  type Data = { version: 1; overrides: Array<{ day: string; action: "off" | "work"; name: string; basis: string }> };
  const [cal, { refetch }] = createResource(() => apiCall<{ data: Data; updatedAt: string | null }>(db, "/api/certificates/calendar").catch(() => undefined));
  const [f, setF] = createStore({ day: "", action: "off" as "off" | "work", name: "", basis: "" });
  async function save(next: Data) {
    try {
      await apiCall(db, "/api/certificates/calendar", { method: "PUT", body: JSON.stringify(next) });
      await db.meta.put({ key: "holidayCalendar", value: next });
      notify("ok", "Đã lưu lịch ngày nghỉ.");
      void refetch();
    } catch (err) {
      notify("error", messageOf(err));
    }
  }
  function add(e: Event) {
    e.preventDefault();
    const data = cal()?.data ?? { version: 1 as const, overrides: [] };
    void save({
      version: 1,
      overrides: [...data.overrides.filter((o) => o.day !== f.day), { day: f.day, action: f.action, name: f.name.trim(), basis: f.basis.trim() }],
    });
  }
  return (
    <details class="card">
      <summary>Lịch ngày nghỉ lễ, tết (tính thời hạn ngày làm việc)</summary>
      <p class="muted">
        Ngày nghỉ theo Bộ luật Lao động 2019 (Điều 111, 112) được tính sẵn, kể cả Tết Âm lịch và nghỉ bù. Ghi thêm theo thông báo hằng năm: ngày nghỉ thêm, ngày
        làm bù. {cal()?.updatedAt ? `Sửa lần cuối ${formatDateTimeVi(cal()!.updatedAt!)}.` : ""}
      </p>
      <ul data-testid="cal-list">
        <For each={cal()?.data.overrides ?? []}>
          {(o) => (
            <li>
              {`${formatDateVi(`${o.day}T12:00:00+07:00`)} — ${o.action === "off" ? "nghỉ" : "làm việc"}: ${o.name} (${o.basis}) `}
              <button class="secondary" onClick={() => void save({ version: 1, overrides: cal()!.data.overrides.filter((x) => x.day !== o.day) })}>
                Bỏ
              </button>
            </li>
          )}
        </For>
      </ul>
      <form class="grid" onSubmit={add}>
        <label>
          Ngày
          <DateInput testId="cal-day" value={f.day} onChange={(v) => setF("day", v)} />
        </label>
        <label>
          Loại
          <select data-testid="cal-action" value={f.action} onChange={(e) => setF("action", e.currentTarget.value as "off" | "work")}>
            <option value="off">Ngày nghỉ</option>
            <option value="work">Ngày làm việc (làm bù)</option>
          </select>
        </label>
        <label>
          Tên
          <input data-testid="cal-name" value={f.name} onInput={(e) => setF("name", e.currentTarget.value)} />
        </label>
        <label>
          Căn cứ (văn bản)
          <input data-testid="cal-basis" value={f.basis} onInput={(e) => setF("basis", e.currentTarget.value)} />
        </label>
        <div>
          <button type="submit" data-testid="cal-add">
            Ghi
          </button>
        </div>
      </form>
    </details>
  );
}
