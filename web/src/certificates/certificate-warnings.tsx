import { Show } from "solid-js";
// view-models directly, not the certificates index: the banner shows on every screen, so what
// it imports is part of the first screen's JavaScript (the index pulls in X.509 and PDF code).
import { inventoryRows } from "../../../shared/domain/certificates/view-models.ts";
import { useLive } from "../live.ts";
import { href } from "../router.ts";
import { db } from "../state.ts";

/** The expiry warning shown above every screen (R19: warnings ahead of expiry). */
export function CertificateWarnings() {
  const data = useLive(
    () => undefined,
    async () => ({ inventory: await db.certInventory.toArray(), incidents: await db.certIncidents.toArray() }),
  );
  const rows = () => (data() ? inventoryRows(data()!.inventory, { now: new Date(), incidents: data()!.incidents }) : []);
  const expiring = () => rows().filter((r) => r.status.status === "expiring");
  const urgent = () => expiring().some((r) => r.status.level === "urgent");
  return (
    <Show when={expiring().length > 0}>
      <div class={`alert ${urgent() ? "bad" : "warn"}`} role="status" data-testid="cert-warning-banner">
        {expiring().length === 1
          ? `Chứng thư số của ${expiring()[0]!.holder} hết hạn sau ${expiring()[0]!.status.daysLeft} ngày.`
          : `${expiring().length} chứng thư số sắp hết hạn.`}{" "}
        Hãy lập đề nghị gia hạn. <a href={href("chung-thu")}>Xem danh mục</a>
      </div>
    </Show>
  );
}
