import { For } from "solid-js";
import { createStore } from "solid-js/store";
import { INCIDENT_LABELS_VI, type IncidentKind } from "../../../shared/domain/certificates/index.ts";
import { formatDateTimeVi } from "../../../shared/domain/dates.ts";
import { useLive } from "../live.ts";
import { navigate } from "../router.ts";
import { db, messageOf, notify } from "../state.ts";
import * as flows from "./flows.ts";
import { contactOf } from "./contact.ts";

const INCIDENT_KINDS: IncidentKind[] = ["lost", "stolen", "misused", "key-exposed"];

export function IncidentsTab() {
  const data = useLive(
    () => undefined,
    async () => ({ inventory: await db.certInventory.toArray(), incidents: await db.certIncidents.reverse().toArray() }),
  );
  const [f, setF] = createStore({ kind: "lost" as IncidentKind, tokenId: "", discoveredAt: "", description: "", phone: "", email: "" });
  const tokens = () => [...new Set((data()?.inventory ?? []).map((c) => c.tokenId).filter((x): x is string => Boolean(x)))];
  async function report(e: Event) {
    e.preventDefault();
    try {
      const contact = { ...(await contactOf()), ...(f.phone ? { phone: f.phone } : {}), ...(f.email ? { email: f.email } : {}) };
      await db.meta.put({ key: "contact", value: contact });
      const { request } = await flows.reportIncident(
        db,
        {
          kind: f.kind,
          tokenId: f.tokenId || tokens()[0],
          discoveredAt: f.discoveredAt ? new Date(f.discoveredAt).toISOString() : new Date().toISOString(),
          description: f.description,
        },
        contact,
      );
      notify("ok", "Đã báo cáo sự cố tới người đứng đầu và bộ phận CNTT; chứng thư số bị khóa ký; đề nghị thu hồi đã được lập.");
      navigate("chung-thu", "de-nghi", request.id);
    } catch (err) {
      notify("error", messageOf(err));
    }
  }
  return (
    <>
      <form class="card grid" onSubmit={report}>
        <h2 style={{ "grid-column": "1 / -1" }}>Báo cáo sự cố thiết bị lưu khóa bí mật (Điều 17.5)</h2>
        <label>
          Sự cố
          <select data-testid="incident-kind" value={f.kind} onChange={(e) => setF("kind", e.currentTarget.value as IncidentKind)}>
            <For each={INCIDENT_KINDS}>{(k) => <option value={k}>{INCIDENT_LABELS_VI[k]}</option>}</For>
          </select>
        </label>
        <label>
          Thiết bị
          <select data-testid="incident-token" value={f.tokenId} onChange={(e) => setF("tokenId", e.currentTarget.value)}>
            <For each={tokens()}>{(t) => <option value={t}>{t}</option>}</For>
          </select>
        </label>
        <label>
          Phát hiện lúc
          <input type="datetime-local" value={f.discoveredAt} onInput={(e) => setF("discoveredAt", e.currentTarget.value)} />
        </label>
        <label class="wide">
          Mô tả (ở đâu, khi nào, thế nào)
          <textarea data-testid="incident-description" value={f.description} onInput={(e) => setF("description", e.currentTarget.value)} />
        </label>
        <label>
          Điện thoại người đầu mối
          <input data-testid="contact-phone" value={f.phone} onInput={(e) => setF("phone", e.currentTarget.value)} />
        </label>
        <label>
          Thư điện tử công vụ người đầu mối
          <input data-testid="contact-email" value={f.email} onInput={(e) => setF("email", e.currentTarget.value)} />
        </label>
        <div>
          <button type="submit" data-testid="incident-report">
            Báo cáo ngay
          </button>
        </div>
      </form>
      <For each={data()?.incidents}>
        {(i) => (
          <div class="card" data-testid="incident">
            <b>{INCIDENT_LABELS_VI[i.kind]}</b> — {i.state === "closed" ? "đã đóng" : i.state === "revocation-requested" ? "đã lập đề nghị thu hồi" : "đang mở"}
            <ul>
              <For each={i.notifications}>
                {(n) => <li>{`Đã báo ${n.to === "head" ? "người đứng đầu" : "bộ phận CNTT"} ${n.person.name} lúc ${formatDateTimeVi(n.at)}`}</li>}
              </For>
            </ul>
          </div>
        )}
      </For>
    </>
  );
}
