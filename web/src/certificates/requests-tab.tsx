import { VanthuError } from "../../../shared/errors.ts";
import { For, Show, createSignal } from "solid-js";
import { createStore } from "solid-js/store";
import { REQUEST_KINDS, requestRows, type RequestKind } from "../../../shared/domain/certificates/index.ts";
import { useLive } from "../live.ts";
import { navigate, route } from "../router.ts";
import { db, loadProfile, messageOf, notify } from "../state.ts";
import * as flows from "./flows.ts";
import { contactOf } from "./contact.ts";

export function RequestsTab() {
  const id = () => route()[2];
  const data = useLive(
    () => undefined,
    async () => ({ requests: await db.certRequests.toArray(), calendar: await flows.calendarOf(db) }),
  );
  const rows = () => (data() ? requestRows(data()!.requests, { now: new Date(), calendar: data()!.calendar }) : []);
  const [kind, setKind] = createSignal<RequestKind>("token-recovery");
  const [line, setLine] = createStore({ certificateId: "", reason: "", months: "", info: "" });
  const inventory = useLive(
    () => undefined,
    () => db.certInventory.toArray(),
  );
  async function prepare(requestId: string) {
    try {
      const profile = await loadProfile();
      const people = await db.certPeople.toArray();
      const head = people.find((p) => p.duties.includes("head"));
      if (!head) throw new VanthuError("web.no-head", "Chưa khai báo người đứng đầu cơ quan (mục Danh mục › Người trong cơ quan).", "No head of office declared");
      const offices = ((await db.meta.get("offices"))?.value as Array<{ name: string; kind?: string }> | undefined) ?? [];
      const so = offices.find((o) => o.kind === "science_department")?.name ?? "Sở Khoa học và Công nghệ Hải Phòng";
      const { loadFont } = await import("../drafts/sign-draft.ts");
      const draftId = await flows.prepareRequestDraft(db, requestId, {
        office: { name: profile.name, parentName: profile.parentName, symbol: profile.symbol, place: "Hải Phòng", province: "Hải Phòng" },
        signer: { name: head.name, title: head.title ?? "Chủ tịch" },
        recipientOffice: so,
        font: await loadFont(),
      });
      notify("ok", "Đã lập văn bản đề nghị thành dự thảo: trình người đứng đầu ký, rồi văn thư phát hành gửi Sở.");
      navigate("du-thao", draftId);
    } catch (err) {
      notify("error", messageOf(err));
    }
  }
  async function create(e: Event) {
    e.preventDefault();
    try {
      const contact = await contactOf();
      const c = (inventory() ?? []).find((x) => x.id === line.certificateId) ?? inventory()?.[0];
      if (!c) throw new VanthuError("web.no-certificate-chosen", "Chọn chứng thư số trong danh mục.", "No certificate chosen");
      const k = kind();
      if (k === "issue-person" || k === "issue-organisation" || k === "issue-device" || k === "token-handover") throw new VanthuError("web.form-not-available", "Đề nghị theo Mẫu 01, 02, 03, 07 chưa lập được trên màn hình này.", "Forms 01/02 are not available on this screen");
      const r = await flows.newRequest(db, {
        kind: k,
        contact,
        certificates: [
          {
            holder: c.holder,
            serialNumber: c.serialNumber,
            tokenSerial: c.tokenId,
            certificateId: c.id,
            reason: line.reason || undefined,
            renewalMonths: line.months ? Number(line.months) : undefined,
            newInformation: line.info || undefined,
          },
        ],
      });
      navigate("chung-thu", "de-nghi", r.id);
    } catch (err) {
      notify("error", messageOf(err));
    }
  }
  return (
    <>
      <form class="card grid" onSubmit={create}>
        <label>
          Đề nghị mới
          <select value={kind()} onChange={(e) => setKind(e.currentTarget.value as RequestKind)}>
            <For each={Object.entries(REQUEST_KINDS).filter(([k]) => k !== "issue-person" && k !== "issue-organisation")}>{([k, v]) => <option value={k}>{`${v.form} — ${v.labelVi}`}</option>}</For>
          </select>
        </label>
        <label>
          Chứng thư số
          <select value={line.certificateId} onChange={(e) => setLine("certificateId", e.currentTarget.value)}>
            <For each={inventory()}>{(c) => <option value={c.id}>{`${c.holder} (${c.serialNumber})`}</option>}</For>
          </select>
        </label>
        <Show when={kind() === "revocation" || kind() === "token-recovery"}>
          <label>
            Lý do
            <input value={line.reason} onInput={(e) => setLine("reason", e.currentTarget.value)} />
          </label>
        </Show>
        <Show when={kind() === "renewal"}>
          <label>
            Gia hạn (tháng, tối đa 36)
            <input type="number" min="1" max="36" value={line.months} onInput={(e) => setLine("months", e.currentTarget.value)} />
          </label>
        </Show>
        <Show when={kind() === "change"}>
          <label>
            Nội dung thông tin thay đổi
            <input value={line.info} onInput={(e) => setLine("info", e.currentTarget.value)} />
          </label>
        </Show>
        <div>
          <button class="secondary" type="submit">
            Lập đề nghị
          </button>
        </div>
      </form>
      <div class="table-wrap">
        <table class="register" data-testid="request-list">
          <thead>
            <tr>
              <th>Mẫu</th>
              <th>Đề nghị</th>
              <th>Số văn bản</th>
              <th>Trạng thái</th>
              <th>Gửi</th>
              <th>Sở nhận</th>
              <th>Thời hạn (ngày làm việc)</th>
              <th>Kết quả</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            <For each={rows()}>
              {(r) => (
                <tr data-testid="request-row" classList={{ selected: r.id === id() }}>
                  <td>{r.form}</td>
                  <td>{r.labelVi}</td>
                  <td>{r.documentNumber}</td>
                  <td data-testid="request-state">{r.stateVi}</td>
                  <td>{r.sentVi}</td>
                  <td>{r.receivedVi}</td>
                  <td>
                    <span class={`tag ${r.deadlineLevel === "overdue" || r.deadlineLevel === "answered-late" ? "bad" : r.deadlineLevel === "due-today" ? "warn" : r.deadlineLevel === "none" ? "" : "ok"}`} title={r.basisVi}>
                      {r.deadlineVi}
                    </span>
                  </td>
                  <td data-testid="request-outcome">{r.outcomeVi}</td>
                  <td>
                    <Show when={r.stateVi === "Dự thảo"}>
                      <button data-testid="prepare-draft" onClick={() => void prepare(r.id)}>
                        Lập văn bản, trình ký
                      </button>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </>
  );
}
