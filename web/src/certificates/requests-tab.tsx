import { VanthuError } from "../../../shared/errors.ts";
import { For, Show } from "solid-js";
import { requestRows } from "../../../shared/domain/certificates/index.ts";
import { useLive } from "../live.ts";
import { navigate, route } from "../router.ts";
import { db, loadProfile, messageOf, notify } from "../state.ts";
import * as flows from "./flows.ts";
import { RequestForm } from "./request-form.tsx";

export function RequestsTab() {
  const id = () => route()[2];
  const data = useLive(
    () => undefined,
    async () => ({ requests: await db.certRequests.toArray(), calendar: await flows.calendarOf(db) }),
  );
  const rows = () => (data() ? requestRows(data()!.requests, { now: new Date(), calendar: data()!.calendar }) : []);
  async function prepare(requestId: string) {
    try {
      const profile = await loadProfile();
      const people = await db.certPeople.toArray();
      const head = people.find((p) => p.duties.includes("head"));
      if (!head)
        throw new VanthuError("web.no-head", "Chưa khai báo người đứng đầu cơ quan (mục Danh mục › Người trong cơ quan).", "No head of office declared");
      const so = await flows.scienceDepartmentName(db);
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
  return (
    <>
      <RequestForm />
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
                    <span
                      class={`tag ${r.deadlineLevel === "overdue" || r.deadlineLevel === "answered-late" ? "bad" : r.deadlineLevel === "due-today" ? "warn" : r.deadlineLevel === "none" ? "" : "ok"}`}
                      title={r.basisVi}
                    >
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
