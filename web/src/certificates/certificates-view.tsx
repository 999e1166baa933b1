import { For, Match, Switch } from "solid-js";
import { href, route } from "../router.ts";
import { capabilitiesOf } from "../../../shared/sync/rules.ts";
import { useLive } from "../live.ts";
import { loadProfile, type UserProfile } from "../state.ts";
import { InventoryTab } from "./inventory-tab.tsx";
import { RequestsTab } from "./requests-tab.tsx";
import { IncidentsTab } from "./incidents-tab.tsx";
import { AuditView } from "../audit/audit-view.tsx";
import { DistrictTab } from "./district-tab.tsx";
import { ScienceDepartmentTab } from "./science-department-tab.tsx";

/** Chứng thư số: inventory (R19), custody (R22), incidents (R21), requests (R20), audit (R23), district view. */
const TABS: Array<[string, string, (p: UserProfile) => boolean]> = [
  ["", "Danh mục", () => true],
  ["de-nghi", "Đề nghị gửi Sở", () => true],
  ["su-co", "Sự cố", () => true],
  ["nhat-ky", "Nhật ký", (p) => capabilitiesOf(p.roles, "own").readAudit],
  // District IT's overview of the offices it manages, and the Sở's inbox, only for them.
  ["quan-ly", "Tổng hợp (CNTT)", (p) => p.roles.includes("district_it")],
  ["so", "Sở KH&CN", (p) => p.officeKind === "science_department"],
];

export function CertificatesView() {
  const profile = useLive(
    () => undefined,
    () => loadProfile(),
  );
  const tabs = () => (profile() ? TABS.filter(([, , may]) => may(profile()!)) : []);
  const tab = () => route()[1] ?? "";
  return (
    <section>
      <h1>Chứng thư số và thiết bị ký số</h1>
      <nav class="row" style={{ "margin-bottom": "12px" }}>
        <For each={tabs()}>
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
        <Match when={tab() === "quan-ly" && tabs().some(([k]) => k === "quan-ly")}>
          <DistrictTab />
        </Match>
        <Match when={tab() === "so" && tabs().some(([k]) => k === "so")}>
          <ScienceDepartmentTab />
        </Match>
      </Switch>
    </section>
  );
}
