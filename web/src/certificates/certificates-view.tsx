import { For, Match, Switch } from "solid-js";
import { href, route } from "../router.ts";
import { InventoryTab } from "./inventory-tab.tsx";
import { RequestsTab } from "./requests-tab.tsx";
import { IncidentsTab } from "./incidents-tab.tsx";
import { AuditView } from "../audit/audit-view.tsx";
import { DistrictTab } from "./district-tab.tsx";
import { ScienceDepartmentTab } from "./science-department-tab.tsx";

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
          <AuditView />
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
