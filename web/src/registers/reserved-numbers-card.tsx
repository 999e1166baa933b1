import { For, Show, createResource, createSignal } from "solid-js";
import { formatDocumentNumber } from "../../../shared/domain/index.ts";
import { capabilitiesOf } from "../../../shared/sync/rules.ts";
import type { RegisterNumber } from "../../../shared/sync/registers.ts";
import { useLive } from "../live.ts";
import { db, loadProfile, messageOf, notify, online } from "../state.ts";
import { cancelReservedNumber, registerNumbers, reserveNumbers, reservedBlock } from "./reserved-numbers.ts";

const BLOCK = 5;

/**
 * Số giữ trước, in the outgoing register: the văn thư reserves numbers for this device before
 * going where the network fails; the register on the server shows each number's fate
 * (reserved, used, cancelled with its reason).
 */
export function ReservedNumbersCard(props: { year: number }) {
  const [profile] = createResource(loadProfile);
  const mayReserve = () => (profile() ? capabilitiesOf(profile()!.roles, "own").actions["number.reserve"] : false);
  const block = useLive(
    () => props.year,
    () => reservedBlock(db),
  );
  const [server, { refetch }] = createResource(
    () => (online() ? props.year : undefined),
    (y) => registerNumbers(db, y).catch(() => undefined),
  );
  const notAssigned = () => (server() ?? []).filter((n: RegisterNumber) => n.state !== "assigned");
  const [busy, setBusy] = createSignal(false);
  const [reason, setReason] = createSignal("");

  async function act(f: () => Promise<unknown>, ok: string) {
    setBusy(true);
    try {
      await f();
      notify("ok", ok);
      void refetch();
    } catch (e) {
      notify("error", messageOf(e));
    } finally {
      setBusy(false);
    }
  }
  const stock = () => (block()?.year === props.year ? (block()?.numbers ?? []) : []);

  return (
    <Show when={mayReserve()}>
      <details class="card no-print" data-testid="reserved-numbers">
        <summary>Số giữ trước để trình ký khi mất mạng ({stock().length} số trên máy này)</summary>
        <p class="muted">
          Khi trình ký lúc không có mạng, dự thảo nhận một số giữ trước (hiện là "số tạm") cho đến khi máy chủ xác nhận. Số không dùng đến phải hủy kèm lý do;
          sổ đăng ký ghi lại mọi số.
        </p>
        <p data-testid="reserved-stock">
          {stock().length ? `Máy này đang giữ: ${stock().map(formatDocumentNumber).join(", ")} (năm ${props.year}).` : "Máy này chưa giữ trước số nào."}
        </p>
        <div class="row">
          <button
            disabled={busy() || !online()}
            onClick={() => act(() => reserveNumbers(db, BLOCK), `Đã giữ trước ${BLOCK} số cho máy này.`)}
            data-testid="reserve-numbers"
          >
            Giữ trước {BLOCK} số
          </button>
          <Show when={!online()}>
            <span class="muted">Cần có mạng để giữ trước hoặc hủy số.</span>
          </Show>
        </div>
        <Show when={stock().length > 0}>
          <div class="row">
            <label style={{ flex: "2 1 260px" }}>
              Lý do hủy số giữ trước
              <input value={reason()} onInput={(e) => setReason(e.currentTarget.value)} data-testid="cancel-reason" />
            </label>
            <button
              class="secondary"
              disabled={busy() || !online()}
              onClick={() => act(() => cancelReservedNumber(db, props.year, stock().at(-1)!, reason()), "Đã hủy số, sổ đăng ký ghi lại lý do.")}
              data-testid="cancel-reserved"
            >
              Hủy số {formatDocumentNumber(stock().at(-1)!)}
            </button>
          </div>
        </Show>
        <Show when={notAssigned().length > 0}>
          <table>
            <thead>
              <tr>
                <th>Số</th>
                <th>Tình trạng</th>
                <th>Người giữ / hủy</th>
                <th>Lý do hủy</th>
              </tr>
            </thead>
            <tbody>
              <For each={notAssigned()}>
                {(n) => (
                  <tr>
                    <td>{formatDocumentNumber(n.number)}</td>
                    <td>{n.state === "reserved" ? "Đang giữ trước" : "Đã hủy"}</td>
                    <td>{(n.state === "cancelled" ? n.cancelledBy?.name : n.reservedBy?.name) ?? "—"}</td>
                    <td>{n.cancelReason ?? ""}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </details>
    </Show>
  );
}
