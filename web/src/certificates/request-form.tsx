import { For, Match, Show, Switch, createSignal, onMount } from "solid-js";
import { createStore } from "solid-js/store";
import {
  CHANGE_FIELD_LABELS_VI,
  MAX_NEW_VALIDITY_MONTHS,
  MAX_RENEWAL_MONTHS,
  REQUEST_KINDS,
  missingRequestFields,
  requestLetterSigning,
  type ChangeField,
  type ContactPerson,
  type RequestFields,
  type RequestKind,
} from "../../../shared/domain/certificates/index.ts";
import { useLive } from "../live.ts";
import { navigate } from "../router.ts";
import { db, messageOf, notify } from "../state.ts";
import * as flows from "./flows.ts";
import { contactOf } from "./contact.ts";

/**
 * A new request to the Sở (Nghị định 68/2024, Mẫu 01–07): every kind with its own fields and
 * rules, the contact's phone and official e-mail on every one, the problems listed before the
 * request is saved, and — when a token is gone — which certificates can still sign the letter.
 */
export function RequestForm() {
  const [kind, setKind] = createSignal<RequestKind>("issue-person");
  const [contact, setContact] = createStore<ContactPerson>({ fullName: "", title: "", phone: "", email: "" });
  onMount(async () => setContact(await contactOf()));
  const [f, setF] = createStore({
    certificateId: "",
    reason: "",
    months: "",
    changeField: "" as ChangeField | "",
    info: "",
    fullName: "",
    idNumber: "",
    title: "",
    unit: "",
    email: "",
    orgName: "",
    address: "",
    deviceKind: "software" as "device" | "service" | "software",
    deviceName: "",
    identifier: "",
    validity: "",
    receivedBy: "",
    handoverDate: "",
  });
  const data = useLive(
    () => undefined,
    async () => ({
      inventory: await db.certInventory.toArray(),
      incidents: await db.certIncidents.toArray(),
      custody: await db.certCustody.toArray(),
      people: await db.certPeople.toArray(),
    }),
  );
  const cert = () => data()?.inventory.find((x) => x.id === f.certificateId) ?? data()?.inventory[0];
  const signing = () => (data() ? requestLetterSigning({ ...data()!, now: new Date() }) : undefined);
  const months = (s: string) => (s.trim() ? Number(s) : undefined);

  function fields(): RequestFields {
    const k = kind();
    const c = { ...contact };
    const province = "Hải Phòng";
    switch (k) {
      case "issue-person":
        return {
          kind: k,
          contact: c,
          subscribers: [
            { fullName: f.fullName, idNumber: f.idNumber, title: f.title, unit: f.unit, email: f.email, province, validityMonths: months(f.validity) },
          ],
        };
      case "issue-organisation":
        return { kind: k, contact: c, organisations: [{ name: f.orgName, address: f.address, email: f.email, province, validityMonths: months(f.validity) }] };
      case "issue-device":
        return {
          kind: k,
          contact: c,
          devices: [
            {
              kind: f.deviceKind,
              name: f.deviceName,
              identifier: f.identifier,
              managingUnit: f.unit,
              email: f.email,
              province,
              validityMonths: months(f.validity),
            },
          ],
        };
      case "token-handover": {
        const x = cert();
        return {
          kind: k,
          contact: c,
          tokens: [
            {
              tokenSerial: x?.tokenId ?? "",
              holder: x?.holder ?? "",
              serialNumber: x?.serialNumber ?? "",
              handedBy: c.fullName,
              receivedBy: f.receivedBy,
              handoverDate: f.handoverDate,
            },
          ],
        };
      }
      default: {
        const x = cert();
        return {
          kind: k,
          contact: c,
          certificates: [
            {
              holder: x?.holder ?? "",
              serialNumber: x?.serialNumber ?? "",
              tokenSerial: x?.tokenId,
              certificateId: x?.id,
              reason: f.reason || undefined,
              renewalMonths: months(f.months),
              changeField: f.changeField || undefined,
              newInformation: f.info || undefined,
            },
          ],
        };
      }
    }
  }
  const problems = () => missingRequestFields(fields());

  async function create(e: Event) {
    e.preventDefault();
    if (problems().length) return notify("error", `Đề nghị còn thiếu hoặc sai: ${problems().join("; ")}.`);
    try {
      await db.meta.put({ key: "contact", value: { ...contact } });
      const r = await flows.newRequest(db, fields());
      navigate("chung-thu", "de-nghi", r.id);
    } catch (err) {
      notify("error", messageOf(err));
    }
  }
  const needsCertificate = () => !["issue-person", "issue-organisation", "issue-device"].includes(kind());
  return (
    <form class="card grid" onSubmit={create} data-testid="request-form">
      <label>
        Đề nghị mới
        <select value={kind()} onChange={(e) => setKind(e.currentTarget.value as RequestKind)} data-testid="request-kind">
          <For each={Object.entries(REQUEST_KINDS)}>{([k, v]) => <option value={k}>{`${v.form} — ${v.labelVi}`}</option>}</For>
        </select>
      </label>
      <fieldset class="grid">
        <legend>Người đầu mối liên hệ với Sở</legend>
        <label>
          Họ và tên
          <input value={contact.fullName} onInput={(e) => setContact("fullName", e.currentTarget.value)} />
        </label>
        <label>
          Chức vụ
          <input value={contact.title} onInput={(e) => setContact("title", e.currentTarget.value)} />
        </label>
        <label>
          Số điện thoại di động
          <input type="tel" value={contact.phone} onInput={(e) => setContact("phone", e.currentTarget.value)} data-testid="contact-phone" />
        </label>
        <label>
          Thư điện tử công vụ
          <input type="email" value={contact.email} onInput={(e) => setContact("email", e.currentTarget.value)} data-testid="contact-email" />
        </label>
      </fieldset>
      <Switch>
        <Match when={kind() === "issue-person"}>
          <label>
            Họ và tên người được cấp
            <input value={f.fullName} onInput={(e) => setF("fullName", e.currentTarget.value)} />
          </label>
          <label>
            Số định danh cá nhân
            <input value={f.idNumber} onInput={(e) => setF("idNumber", e.currentTarget.value)} />
          </label>
          <label>
            Chức vụ
            <input value={f.title} onInput={(e) => setF("title", e.currentTarget.value)} />
          </label>
          <label>
            Cơ quan, đơn vị công tác
            <input value={f.unit} onInput={(e) => setF("unit", e.currentTarget.value)} />
          </label>
          <label>
            Thư điện tử công vụ
            <input type="email" value={f.email} onInput={(e) => setF("email", e.currentTarget.value)} />
          </label>
        </Match>
        <Match when={kind() === "issue-organisation"}>
          <label>
            Tên cơ quan, tổ chức
            <input value={f.orgName} onInput={(e) => setF("orgName", e.currentTarget.value)} />
          </label>
          <label>
            Địa chỉ
            <input value={f.address} onInput={(e) => setF("address", e.currentTarget.value)} />
          </label>
          <label>
            Thư điện tử công vụ
            <input type="email" value={f.email} onInput={(e) => setF("email", e.currentTarget.value)} />
          </label>
        </Match>
        <Match when={kind() === "issue-device"}>
          <label>
            Loại
            <select value={f.deviceKind} onChange={(e) => setF("deviceKind", e.currentTarget.value as "device")}>
              <option value="device">Thiết bị</option>
              <option value="service">Dịch vụ</option>
              <option value="software">Phần mềm</option>
            </select>
          </label>
          <label>
            Tên thiết bị, dịch vụ, phần mềm
            <input value={f.deviceName} onInput={(e) => setF("deviceName", e.currentTarget.value)} />
          </label>
          <label>
            Tên miền, số hiệu hoặc phiên bản
            <input value={f.identifier} onInput={(e) => setF("identifier", e.currentTarget.value)} />
          </label>
          <label>
            Đơn vị quản lý
            <input value={f.unit} onInput={(e) => setF("unit", e.currentTarget.value)} />
          </label>
          <label>
            Thư điện tử công vụ
            <input type="email" value={f.email} onInput={(e) => setF("email", e.currentTarget.value)} />
          </label>
        </Match>
      </Switch>
      <Show when={!needsCertificate()}>
        <label>
          Thời hạn đề nghị (tháng, tối đa {MAX_NEW_VALIDITY_MONTHS})
          <input type="number" min="1" max={MAX_NEW_VALIDITY_MONTHS} value={f.validity} onInput={(e) => setF("validity", e.currentTarget.value)} />
        </label>
      </Show>
      <Show when={needsCertificate()}>
        <label>
          Chứng thư số
          <select value={f.certificateId} onChange={(e) => setF("certificateId", e.currentTarget.value)}>
            <For each={data()?.inventory}>{(c) => <option value={c.id}>{`${c.holder} (${c.serialNumber})`}</option>}</For>
          </select>
        </label>
      </Show>
      <Show when={kind() === "revocation" || kind() === "token-recovery"}>
        <label>
          Lý do
          <input value={f.reason} onInput={(e) => setF("reason", e.currentTarget.value)} data-testid="request-reason" />
        </label>
      </Show>
      <Show when={kind() === "renewal"}>
        <label>
          Gia hạn (tháng, tối đa {MAX_RENEWAL_MONTHS})
          <input type="number" min="1" max={MAX_RENEWAL_MONTHS} value={f.months} onInput={(e) => setF("months", e.currentTarget.value)} />
        </label>
      </Show>
      <Show when={kind() === "change"}>
        <label>
          Thông tin thay đổi
          <select value={f.changeField} onChange={(e) => setF("changeField", e.currentTarget.value as ChangeField)} data-testid="request-change-field">
            <option value="">— chọn —</option>
            <For each={Object.entries(CHANGE_FIELD_LABELS_VI)}>{([k, v]) => <option value={k}>{v}</option>}</For>
          </select>
        </label>
        <label>
          Nội dung mới
          <input value={f.info} onInput={(e) => setF("info", e.currentTarget.value)} />
        </label>
      </Show>
      <Show when={kind() === "token-handover"}>
        <label>
          Bên nhận
          <input value={f.receivedBy} onInput={(e) => setF("receivedBy", e.currentTarget.value)} />
        </label>
        <label>
          Ngày bàn giao
          <input type="date" value={f.handoverDate} onInput={(e) => setF("handoverDate", e.currentTarget.value)} />
        </label>
      </Show>
      <Show when={problems().length > 0}>
        <ul class="muted" data-testid="request-problems">
          <For each={problems()}>{(p) => <li>{p}</li>}</For>
        </ul>
      </Show>
      <Show when={signing() && signing()!.unusable.length > 0}>
        <div class="alert info" data-testid="request-signing-ways">
          <For each={signing()!.summaryVi}>{(s) => <p>{s}</p>}</For>
        </div>
      </Show>
      <div>
        <button class="secondary" type="submit" data-testid="request-create">
          Lập đề nghị
        </button>
      </div>
    </form>
  );
}
