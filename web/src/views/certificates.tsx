import { For, Match, Show, Switch, createResource, createSignal } from "solid-js";
import { createStore } from "solid-js/store";
import {
  INCIDENT_LABELS_VI,
  REQUEST_KINDS,
  REQUEST_STATE_LABELS_VI,
  inventoryRows,
  requestRows,
  currentCustodian,
  type CertificateInventoryEntry,
  type DistrictOfficeRow,
  type ContactPerson,
  type IncidentKind,
  type OfficeDuty,
  type OfficePerson,
  type RequestKind,
} from "../../../shared/domain/certificates/index.ts";
import { AUDIT_ACTION_LABELS_VI, verifyAuditChain, auditTrailCsv, buildAuditReport, renderAuditReportPdf, effectiveAuditTimes } from "../../../shared/domain/audit/index.ts";
import { formatDateTimeVi, formatDateVi } from "../../../shared/domain/dates.ts";
import { useLive } from "../live.ts";
import { href, navigate, route } from "../router.ts";
import { db, loadProfile, messageOf, notify } from "../state.ts";
import * as flows from "../certificates/flows.ts";
import { readFile } from "./common.tsx";

/** Chứng thư số: inventory (R19), custody (R22), incidents (R21), requests (R20), audit (R23), district view. */
const TABS: Array<[string, string]> = [
  ["", "Danh mục"],
  ["de-nghi", "Đề nghị gửi Sở"],
  ["su-co", "Sự cố"],
  ["nhat-ky", "Nhật ký"],
  ["quan-ly", "Tổng hợp (CNTT)"],
  ["so", "Sở KH&CN"],
];

export function CertificatesView() {
  const tab = () => route()[1] ?? "";
  return (
    <section>
      <h1>Chứng thư số và thiết bị ký số</h1>
      <nav class="row" style={{ "margin-bottom": "12px" }}>
        <For each={TABS}>
          {([k, label]) => (
            <a class={`button ${tab() === k ? "" : "secondary"}`} href={k ? href("chung-thu", k) : href("chung-thu")}>
              {label}
            </a>
          )}
        </For>
      </nav>
      <Switch>
        <Match when={tab() === ""}>
          <InventoryTab />
        </Match>
        <Match when={tab() === "de-nghi"}>
          <RequestsTab />
        </Match>
        <Match when={tab() === "su-co"}>
          <IncidentsTab />
        </Match>
        <Match when={tab() === "nhat-ky"}>
          <AuditTab />
        </Match>
        <Match when={tab() === "quan-ly"}>
          <DistrictTab />
        </Match>
        <Match when={tab() === "so"}>
          <ScienceDepartmentTab />
        </Match>
      </Switch>
    </section>
  );
}

const LEVEL_TAG = { ok: "ok", warning: "warn", urgent: "bad", blocked: "bad" } as const;

function InventoryTab() {
  const data = useLive(
    () => undefined,
    async () => ({ inventory: await db.certInventory.toArray(), custody: await db.certCustody.toArray(), incidents: await db.certIncidents.toArray(), people: await db.certPeople.toArray() }),
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
        <For each={p.people}>{(x) => <li>{`${x.name}${x.title ? `, ${x.title}` : ""} — ${x.duties.map((d) => DUTIES.find((y) => y[0] === d)?.[1]).join(", ")}`}</li>}</For>
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
                <input type="checkbox" data-testid={`duty-${d}`} checked={f.duties.includes(d)} onChange={(e) => setF("duties", e.currentTarget.checked ? [...f.duties, d] : f.duties.filter((x) => x !== d))} />
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
        permission: { documentNumber: f.number, documentDate: f.date, signedBy: head ? { id: head.id, name: head.name, title: head.title } : { id: "", name: "" } },
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
          {(e) => <li>{`${formatDateVi(e.effectiveFrom)}: ${e.kind === "handover" ? `bàn giao từ ${e.from?.name} sang ${e.to?.name}` : e.kind === "assignment" ? `giao cho ${e.to?.name}` : "chấm dứt"} — văn bản ${e.permission.documentNumber} ngày ${formatDateVi(`${e.permission.documentDate}T12:00:00+07:00`)} của ${e.permission.signedBy.name}${e.until ? `, đến ${formatDateVi(e.until)}` : ""}`}</li>}
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
          <input type="date" data-testid="custody-date" value={f.date} onInput={(e) => setF("date", e.currentTarget.value)} />
        </label>
        <label>
          Bàn giao tạm thời đến ngày (nếu có)
          <input type="date" value={f.until} onInput={(e) => setF("until", e.currentTarget.value)} />
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

const INCIDENT_KINDS: IncidentKind[] = ["lost", "stolen", "misused", "key-exposed"];

async function contactOf(): Promise<ContactPerson> {
  const me = await flows.currentPerson(db);
  const s = (await db.meta.get("contact"))?.value as Partial<ContactPerson> | undefined;
  return { fullName: s?.fullName ?? me.name, title: s?.title ?? me.title ?? "", phone: s?.phone ?? "", email: s?.email ?? "", idNumber: s?.idNumber, address: s?.address };
}

function IncidentsTab() {
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
        { kind: f.kind, tokenId: f.tokenId || tokens()[0], discoveredAt: f.discoveredAt ? new Date(f.discoveredAt).toISOString() : new Date().toISOString(), description: f.description },
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
              <For each={i.notifications}>{(n) => <li>{`Đã báo ${n.to === "head" ? "người đứng đầu" : "bộ phận CNTT"} ${n.person.name} lúc ${formatDateTimeVi(n.at)}`}</li>}</For>
            </ul>
          </div>
        )}
      </For>
    </>
  );
}

function RequestsTab() {
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
      if (!head) throw new Error("Chưa khai báo người đứng đầu cơ quan (mục Danh mục › Người trong cơ quan).");
      const offices = ((await db.meta.get("offices"))?.value as Array<{ name: string; kind?: string }> | undefined) ?? [];
      const so = offices.find((o) => o.kind === "science_department")?.name ?? "Sở Khoa học và Công nghệ Hải Phòng";
      const { loadFont } = await import("../sign/sign-draft.ts");
      const draftId = await flows.prepareRequestDraft(db, requestId, {
        office: { name: profile.name, parentName: profile.parentName, symbol: profile.symbol, place: "Hải Phòng", province: "Hải Phòng" },
        signer: { name: head.name, title: head.title ?? "Chủ tịch" },
        recipientOffice: so,
        font: await loadFont(),
      });
      notify("ok", "Đã lập văn bản đề nghị thành dự thảo: trình người đứng đầu ký, rồi văn thư phát hành gửi Sở.");
      navigate("du-thao", draftId);
    } catch (err) {
      notify("error", err instanceof Error && !("messageVi" in err) ? err.message : messageOf(err));
    }
  }
  async function create(e: Event) {
    e.preventDefault();
    try {
      const contact = await contactOf();
      const c = (inventory() ?? []).find((x) => x.id === line.certificateId) ?? inventory()?.[0];
      if (!c) throw new Error("Chọn chứng thư số trong danh mục.");
      const k = kind();
      if (k === "issue-person" || k === "issue-organisation") throw new Error("Đề nghị cấp mới lập theo Mẫu 01/02 chưa có trên màn hình này.");
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
      notify("error", err instanceof Error && !("messageVi" in err) ? err.message : messageOf(err));
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

function AuditTab() {
  const entries = useLive(
    () => undefined,
    () => db.audit.orderBy("seq").toArray(),
  );
  const [check] = createResource(entries, (e) => verifyAuditChain(e));
  function download(bytes: Uint8Array | string, name: string, type: string) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }
  async function reportPdf(): Promise<{ bytes: Uint8Array; font: Uint8Array }> {
    const profile = await loadProfile();
    const { loadFont } = await import("../sign/sign-draft.ts");
    const font = await loadFont();
    const report = buildAuditReport(entries() ?? [], check()!, { officeName: profile.name, generatedAt: new Date(), generatedBy: profile.userName || "—" });
    return { bytes: await renderAuditReportPdf(report, { font }), font };
  }
  async function pdf() {
    try {
      download((await reportPdf()).bytes, "bao-cao-nhat-ky.pdf", "application/pdf");
    } catch (err) {
      notify("error", messageOf(err));
    }
  }
  /** R23: the report signed by the office (organisation's certificate, no image, text block at the top right). */
  async function signedPdf() {
    const win = window.open("about:blank", "vanthu-agent");
    try {
      const [{ agentClient }, { AgentBatchSigner }, { checkCertificateForRole }, { signPdf }, { sha256Hex }] = await Promise.all([
        import("../agent/settings.ts"),
        import("../agent/agent-signer.ts"),
        import("../../../shared/domain/roles.ts"),
        import("../../../shared/sign/index.ts"),
        import("../db/documents.ts"),
      ]);
      const profile = await loadProfile();
      const agent = await agentClient(db);
      const cert = (await agent.certificates()).find((c) => c.usable && checkCertificateForRole(c, { kind: "attachment", role: "clerk", organisationName: profile.name }).length === 0);
      if (!cert) throw new Error("Không có chứng thư số của cơ quan trên thiết bị ký để ký báo cáo.");
      await flows.assertMaySign(db, cert.certificate, "organisation");
      const { bytes, font } = await reportPdf();
      const number = `Nhật ký ${formatDateVi(new Date())}`;
      const batch = new AgentBatchSigner(agent, cert, [{ title: "Báo cáo nhật ký sử dụng chữ ký số", number, sha256: await sha256Hex(bytes), signatureType: "attachment" }], () => win);
      const signed = await signPdf(bytes, { type: "attachment", signer: batch.signerFor(0), docNumber: number, font }).catch((e) => {
        batch.fail(e);
        throw e;
      });
      download(signed.bytes, "bao-cao-nhat-ky-da-ky.pdf", "application/pdf");
      notify("ok", "Đã ký số và xuất báo cáo nhật ký.");
    } catch (err) {
      notify("error", err instanceof Error && !("messageVi" in err) ? err.message : messageOf(err));
    } finally {
      win?.close();
    }
  }
  const times = () => effectiveAuditTimes(entries() ?? []);
  return (
    <>
      <div class="card row">
        <span data-testid="audit-verify" class={`tag ${check()?.ok ? "ok" : "bad"}`}>
          {check() ? (check()!.ok ? `Toàn vẹn: ${check()!.count} mục` : `Không toàn vẹn: ${check()!.problems.map((p) => p.messageVi).join(" ")}`) : "Đang kiểm tra…"}
        </span>
        <button class="secondary" data-testid="audit-csv" onClick={() => download(auditTrailCsv(entries() ?? []), "nhat-ky.csv", "text/csv;charset=utf-8")}>
          Xuất CSV
        </button>
        <button class="secondary" data-testid="audit-pdf" onClick={pdf}>
          Xuất báo cáo PDF
        </button>
        <button data-testid="audit-pdf-signed" onClick={signedPdf}>
          Ký số và xuất báo cáo PDF
        </button>
      </div>
      <table class="register" data-testid="audit-list">
        <thead>
          <tr>
            <th>Số</th>
            <th>Thời điểm</th>
            <th>Hoạt động</th>
            <th>Người thực hiện</th>
            <th>Nội dung</th>
          </tr>
        </thead>
        <tbody>
          <For each={entries()}>
            {(e) => (
              <tr>
                <td>{e.seq}</td>
                <td>{`${formatDateTimeVi(times().get(e.id)?.at ?? e.time.at)}${(times().get(e.id)?.source ?? e.time.source) === "qlvb" ? "" : " (tạm tính)"}`}</td>
                <td>{AUDIT_ACTION_LABELS_VI[e.action]}</td>
                <td>{e.actor.name}</td>
                <td>{e.summary}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </>
  );
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const s = (await db.meta.get("session"))?.value as { token: string } | undefined;
  if (!s) throw new Error("Hãy đăng nhập (mục Đồng bộ).");
  const res = await fetch(path, { ...init, headers: { authorization: `Bearer ${s.token}`, ...(init.body ? { "content-type": "application/json" } : {}) } });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error((body as { error?: { messageVi?: string } })?.error?.messageVi ?? `Máy chủ trả lời lỗi ${res.status}.`);
  return body as T;
}

function DistrictTab() {
  type View = { generatedAt?: string; offices?: DistrictOfficeRow[]; error?: string };
  const [view, { refetch }] = createResource(() => api<View>("/api/certificates/district").catch((e: Error): View => ({ error: e.message })));
  return (
    <>
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
                  <For each={o.openRequests}>{(r) => <div>{`${r.form} ${r.labelVi}: ${r.stateVi}${r.deadline ? `, hạn ${formatDateVi(`${r.deadline.dueDay}T12:00:00+07:00`)}` : ""}`}</div>}</For>
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
  const [cal, { refetch }] = createResource(() => api<{ data: Data; updatedAt: string | null }>("/api/certificates/calendar").catch(() => undefined));
  const [f, setF] = createStore({ day: "", action: "off" as "off" | "work", name: "", basis: "" });
  async function save(next: Data) {
    try {
      await api("/api/certificates/calendar", { method: "PUT", body: JSON.stringify(next) });
      await db.meta.put({ key: "holidayCalendar", value: next });
      notify("ok", "Đã lưu lịch ngày nghỉ.");
      void refetch();
    } catch (err) {
      notify("error", err instanceof Error ? err.message : messageOf(err));
    }
  }
  function add(e: Event) {
    e.preventDefault();
    const data = cal()?.data ?? { version: 1 as const, overrides: [] };
    void save({ version: 1, overrides: [...data.overrides.filter((o) => o.day !== f.day), { day: f.day, action: f.action, name: f.name.trim(), basis: f.basis.trim() }] });
  }
  return (
    <details class="card">
      <summary>Lịch ngày nghỉ lễ, tết (tính thời hạn ngày làm việc)</summary>
      <p class="muted">Ngày nghỉ theo Bộ luật Lao động 2019 (Điều 111, 112) được tính sẵn, kể cả Tết Âm lịch và nghỉ bù. Ghi thêm theo thông báo hằng năm: ngày nghỉ thêm, ngày làm bù. {cal()?.updatedAt ? `Sửa lần cuối ${formatDateTimeVi(cal()!.updatedAt!)}.` : ""}</p>
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
          <input type="date" data-testid="cal-day" value={f.day} onInput={(e) => setF("day", e.currentTarget.value)} />
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

interface InboxItem {
  deliveryId: string;
  status: string;
  sentAt: string;
  receivedAt: string | null;
  from: { officeId: string; name: string };
  request: import("../../../shared/domain/certificates/index.ts").CertificateRequest;
  deadline: import("../../../shared/domain/certificates/index.ts").RequestDeadlineStatus | null;
}

function ScienceDepartmentTab() {
  type Inbox = { items: InboxItem[]; error?: string };
  const [inbox, { refetch }] = createResource(() => api<Inbox>("/api/certificates/inbox").catch((e: Error): Inbox => ({ items: [], error: e.message })));
  const [reasons, setReasons] = createSignal("");
  async function answer(item: InboxItem, type: "complete" | "refuse" | "request-supplement") {
    try {
      const list = reasons().split("\n").map((s) => s.trim()).filter(Boolean);
      await api(`/api/certificates/inbox/${item.deliveryId}/answer`, { method: "POST", body: JSON.stringify({ answer: type === "complete" ? { type, note: "Đã thực hiện" } : { type, reasons: list } }) });
      notify("ok", "Đã gửi trả lời cho cơ quan đề nghị.");
      void refetch();
    } catch (err) {
      notify("error", err instanceof Error ? err.message : messageOf(err));
    }
  }
  return (
    <>
      <Show when={inbox()?.error}>
        <p class="alert bad">{inbox()!.error}</p>
      </Show>
      <label class="card">
        Lý do từ chối hoặc nội dung cần bổ sung (mỗi dòng một ý)
        <textarea value={reasons()} onInput={(e) => setReasons(e.currentTarget.value)} />
      </label>
      <table class="register" data-testid="so-inbox">
        <thead>
          <tr>
            <th>Cơ quan đề nghị</th>
            <th>Đề nghị</th>
            <th>Gửi</th>
            <th>Tiếp nhận</th>
            <th>Hạn</th>
            <th>Trạng thái</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          <For each={inbox()?.items ?? []}>
            {(i) => (
              <tr data-testid="so-row">
                <td>{i.from.name}</td>
                <td>{`${i.request.form} — ${REQUEST_KINDS[i.request.kind].labelVi} (${i.request.document?.number ?? ""})`}</td>
                <td>{formatDateTimeVi(i.sentAt)}</td>
                <td>{i.receivedAt ? formatDateTimeVi(i.receivedAt) : "Chưa tiếp nhận (văn thư tiếp nhận ở mục Văn bản đến)"}</td>
                <td>
                  <Show when={i.deadline}>
                    <span class={`tag ${i.deadline!.overdue ? "bad" : "ok"}`}>{`${formatDateVi(`${i.deadline!.dueDay}T12:00:00+07:00`)}${i.deadline!.confirmed ? "" : " (chưa xác nhận)"}`}</span>
                  </Show>
                </td>
                <td>{REQUEST_STATE_LABELS_VI[i.request.state]}</td>
                <td class="row">
                  <Show when={i.status === "accepted" && i.request.state !== "completed" && i.request.state !== "refused"}>
                    <button data-testid="answer-complete" onClick={() => void answer(i, "complete")}>
                      Đã giải quyết
                    </button>
                    <button class="secondary" data-testid="answer-refuse" onClick={() => void answer(i, "refuse")}>
                      Từ chối
                    </button>
                    <button class="secondary" onClick={() => void answer(i, "request-supplement")}>
                      Yêu cầu bổ sung
                    </button>
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </>
  );
}

/** On every screen: certificates expiring within the thresholds (30 / 7 days) or blocked (R19, R21). */
