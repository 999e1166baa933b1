import { For, Show } from "solid-js";
import { createStore } from "solid-js/store";
import {
  inventoryRows,
  currentCustodian,
  type CertificateInventoryEntry,
  type OfficeDuty,
  type OfficePerson,
} from "../../../shared/domain/certificates/index.ts";
import { formatDateVi } from "../../../shared/domain/dates.ts";
import { useLive } from "../live.ts";
import { db, messageOf, notify } from "../state.ts";
import * as flows from "./flows.ts";
import { readFile } from "../ui/common.tsx";
import { DateInput } from "../ui/date-input.tsx";

const LEVEL_TAG = { ok: "ok", warning: "warn", urgent: "bad", blocked: "bad" } as const;

export function InventoryTab() {
  const data = useLive(
    () => undefined,
    async () => ({
      inventory: await db.certInventory.toArray(),
      custody: await db.certCustody.toArray(),
      incidents: await db.certIncidents.toArray(),
      people: await db.certPeople.toArray(),
    }),
  );
  const rows = () => (data() ? inventoryRows(data()!.inventory, { now: new Date(), custody: data()!.custody, incidents: data()!.incidents }) : []);
  const warnings = () => rows().filter((r) => r.status.status === "expiring" || r.status.status === "expired");
  async function addFile(f: File | undefined) {
    if (!f) return;
    try {
      const { bytes } = await readFile(f);
      const e = await flows.addCertificate(db, bytes, { source: "file" });
      notify("ok", `Đã thêm chứng thư số ${e.serialNumber} (${e.holder}).`);
    } catch (err) {
      notify("error", messageOf(err));
    }
  }
  async function fromAgent() {
    try {
      const { agentClient } = await import("../agent/settings.ts");
      const { base64ToBytes } = await import("../agent/client.ts");
      const certs = await (await agentClient(db)).certificates();
      let n = 0;
      for (const c of certs) {
        try {
          await flows.addCertificate(db, base64ToBytes(c.certificate), { source: "token", tokenId: c.tokenLabel, title: c.title });
          n++;
        } catch {
          // already in the inventory
        }
      }
      notify("ok", `Đã đọc ${certs.length} chứng thư từ thiết bị, thêm mới ${n}.`);
    } catch (err) {
      notify("error", messageOf(err));
    }
  }
  return (
    <>
      <Show when={warnings().length > 0}>
        <div class="alert warn" data-testid="expiry-warnings">
          <b>Cảnh báo hết hạn:</b>
          <ul>
            <For each={warnings()}>{(w) => <li>{`${w.holder} (${w.serialNumber}): ${w.status.messageVi}`}</li>}</For>
          </ul>
        </div>
      </Show>
      <div class="card row">
        <button onClick={fromAgent}>Đọc chứng thư từ thiết bị ký số</button>
        <label>
          Nhập từ tệp chứng thư (.cer, .crt, .pem)
          <input type="file" accept=".cer,.crt,.pem,.der" data-testid="add-cert-file" onChange={(e) => void addFile(e.currentTarget.files?.[0])} />
          <span class="button secondary file-btn">Chọn tệp…</span>
        </label>
      </div>
      <div class="table-wrap">
        <table class="register" data-testid="cert-inventory">
          <thead>
            <tr>
              <th>Chủ thể</th>
              <th>Loại</th>
              <th>Chức danh</th>
              <th>Cơ quan, đơn vị</th>
              <th>Số hiệu</th>
              <th>Hiệu lực</th>
              <th>Trạng thái</th>
              <th>Thiết bị</th>
              <th>Người giữ, sử dụng</th>
            </tr>
          </thead>
          <tbody>
            <For each={rows()}>
              {(r) => (
                <tr data-testid="cert-row">
                  <td>{r.holder}</td>
                  <td>{r.kindVi}</td>
                  <td>{r.title}</td>
                  <td>{r.organisation}</td>
                  <td>
                    <code>{r.serialNumber}</code>
                  </td>
                  <td>{r.validityVi}</td>
                  <td>
                    <span class={`tag ${LEVEL_TAG[r.status.level]}`} data-testid="cert-status" title={r.status.messageVi}>
                      {r.status.labelVi}
                      {r.status.status === "expiring" ? ` (${r.status.daysLeft} ngày)` : ""}
                    </span>
                    <Show when={r.blockedVi}>
                      <div class="muted" data-testid="cert-blocked">
                        {r.blockedVi}
                      </div>
                    </Show>
                  </td>
                  <td>{r.tokenVi}</td>
                  <td>{r.custodianVi}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <Show when={rows().length === 0}>
        <p class="muted">Chưa có chứng thư số nào trong danh mục.</p>
      </Show>
      <PeopleCard people={data()?.people ?? []} />
      <CustodyCard inventory={data()?.inventory ?? []} people={data()?.people ?? []} />
    </>
  );
}

const DUTIES: Array<[OfficeDuty, string]> = [
  ["head", "Người đứng đầu"],
  ["deputy", "Cấp phó"],
  ["clerk", "Văn thư"],
  ["it", "Bộ phận CNTT / phụ trách chữ ký số"],
  ["official", "Người có thẩm quyền ký"],
];

function PeopleCard(p: { people: OfficePerson[] }) {
  const [f, setF] = createStore({ name: "", title: "", duties: [] as OfficeDuty[] });
  async function save(e: Event) {
    e.preventDefault();
    try {
      await flows.savePerson(db, { id: `p-${Date.now().toString(36)}`, name: f.name, title: f.title || undefined, duties: [...f.duties] });
      setF({ name: "", title: "", duties: [] });
      notify("ok", "Đã lưu.");
    } catch (err) {
      notify("error", messageOf(err));
    }
  }
  return (
    <details class="card">
      <summary>Người trong cơ quan ({p.people.length})</summary>
      <ul>
        <For each={p.people}>
          {(x) => <li>{`${x.name}${x.title ? `, ${x.title}` : ""} — ${x.duties.map((d) => DUTIES.find((y) => y[0] === d)?.[1]).join(", ")}`}</li>}
        </For>
      </ul>
      <form class="grid" onSubmit={save}>
        <label>
          Họ và tên
          <input data-testid="person-name" value={f.name} onInput={(e) => setF("name", e.currentTarget.value)} />
        </label>
        <label>
          Chức vụ
          <input data-testid="person-title" value={f.title} onInput={(e) => setF("title", e.currentTarget.value)} />
        </label>
        <div>
          <For each={DUTIES}>
            {([d, label]) => (
              <label style={{ "flex-direction": "row", gap: "6px" }}>
                <input
                  type="checkbox"
                  data-testid={`duty-${d}`}
                  checked={f.duties.includes(d)}
                  onChange={(e) => setF("duties", e.currentTarget.checked ? [...f.duties, d] : f.duties.filter((x) => x !== d))}
                />
                {label}
              </label>
            )}
          </For>
        </div>
        <div>
          <button type="submit" data-testid="person-save">
            Thêm người
          </button>
        </div>
      </form>
    </details>
  );
}

function CustodyCard(p: { inventory: CertificateInventoryEntry[]; people: OfficePerson[] }) {
  const orgCerts = () => p.inventory.filter((c) => c.holderKind === "organisation");
  const [f, setF] = createStore({ certificateId: "", to: "", number: "", date: "", until: "" });
  const history = useLive(
    () => undefined,
    () => db.certCustody.orderBy("effectiveFrom").toArray(),
  );
  async function save(e: Event) {
    e.preventDefault();
    try {
      const certificateId = f.certificateId || orgCerts()[0]?.id || "";
      const head = p.people.find((x) => x.duties.includes("head"));
      const to = p.people.find((x) => x.id === f.to);
      const current = currentCustodian(history() ?? [], certificateId, new Date());
      await flows.recordCustody(db, {
        certificateId,
        kind: current ? "handover" : "assignment",
        from: current?.keeper,
        to: to ? { id: to.id, name: to.name, title: to.title } : undefined,
        permission: {
          documentNumber: f.number,
          documentDate: f.date,
          signedBy: head ? { id: head.id, name: head.name, title: head.title } : { id: "", name: "" },
        },
        effectiveFrom: new Date().toISOString(),
        until: f.until ? new Date(`${f.until}T00:00:00+07:00`).toISOString() : undefined,
      });
      notify("ok", "Đã ghi việc giao chứng thư số của cơ quan.");
    } catch (err) {
      notify("error", messageOf(err));
    }
  }
  return (
    <details class="card" open={orgCerts().length > 0}>
      <summary>Giao quản lý, sử dụng chứng thư số của cơ quan (Điều 8.3, 17.2)</summary>
      <ul data-testid="custody-history">
        <For each={history()}>
          {(e) => (
            <li>{`${formatDateVi(e.effectiveFrom)}: ${e.kind === "handover" ? `bàn giao từ ${e.from?.name} sang ${e.to?.name}` : e.kind === "assignment" ? `giao cho ${e.to?.name}` : "chấm dứt"} — văn bản ${e.permission.documentNumber} ngày ${formatDateVi(`${e.permission.documentDate}T12:00:00+07:00`)} của ${e.permission.signedBy.name}${e.until ? `, đến ${formatDateVi(e.until)}` : ""}`}</li>
          )}
        </For>
      </ul>
      <form class="grid" onSubmit={save}>
        <label>
          Chứng thư số
          <select value={f.certificateId} onChange={(e) => setF("certificateId", e.currentTarget.value)}>
            <For each={orgCerts()}>{(c) => <option value={c.id}>{`${c.holder} (${c.serialNumber})`}</option>}</For>
          </select>
        </label>
        <label>
          Giao cho
          <select data-testid="custody-to" value={f.to} onChange={(e) => setF("to", e.currentTarget.value)}>
            <option value="">—</option>
            <For each={p.people}>{(x) => <option value={x.id}>{x.name}</option>}</For>
          </select>
        </label>
        <label>
          Số, ký hiệu văn bản giao
          <input data-testid="custody-number" value={f.number} onInput={(e) => setF("number", e.currentTarget.value)} />
        </label>
        <label>
          Ngày văn bản
          <DateInput testId="custody-date" value={f.date} onChange={(v) => setF("date", v)} />
        </label>
        <label>
          Bàn giao tạm thời đến ngày (nếu có)
          <DateInput value={f.until} onChange={(v) => setF("until", v)} />
        </label>
        <div>
          <button type="submit" data-testid="custody-save">
            Ghi việc giao
          </button>
        </div>
      </form>
    </details>
  );
}
