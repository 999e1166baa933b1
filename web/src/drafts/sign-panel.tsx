import { For, Show, createResource, createSignal } from "solid-js";
import type { CertificateInfo } from "../../../shared/agent-protocol/index.ts";
import { checkCertificateForRole, formatDateVi } from "../../../shared/domain/index.ts";
import { agentClient, loadImage } from "../agent/settings.ts";
import type { Draft } from "../db/schema.ts";
import { href } from "../router.ts";
import { demoSealImage, demoSignatureImage } from "./images.ts";
import { issueAsClerk, signAsOfficial } from "./sign-draft.ts";
import { db, loadProfile, messageOf, notify } from "../state.ts";

/** Signing (R1) by the official and issuing (R2) by the clerk, through the token agent. */
export function SignPanel(props: { draft: Draft; beforeAction: () => Promise<void> }) {
  const [profile] = createResource(loadProfile);
  const [certs, setCerts] = createSignal<CertificateInfo[] | null>(null);
  const [certId, setCertId] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal("");

  const kind = () => (props.draft.status === "draft" ? "signer" : "issuer");
  const chosen = () => certs()?.find((c) => c.id === certId());
  const problems = () => {
    const c = chosen();
    const p = profile();
    if (!c || !p) return [];
    // What the agent found wrong with the certificate itself (expired, not yet valid, no key usage for signatures).
    if (!c.usable && c.unusableReason) return [{ messageVi: c.unusableReason.messageVi }];
    return checkCertificateForRole(
      { commonName: c.commonName, title: c.title, organization: c.organization },
      kind() === "signer"
        ? { kind: "signer", role: p.role, signerName: props.draft.signerName, signerTitle: props.draft.signerTitle, capacity: props.draft.capacity }
        : { kind: "issuer", role: p.role, organisationName: p.name },
    );
  };

  async function loadCerts() {
    setError("");
    try {
      const agent = await agentClient(db);
      const list = await agent.certificates();
      setCerts(list);
      const p = await loadProfile();
      const fit = list.find(
        (c) =>
          c.usable &&
          checkCertificateForRole(
            c,
            kind() === "signer"
              ? { kind: "signer", role: p.role, signerName: props.draft.signerName }
              : { kind: "issuer", role: p.role, organisationName: p.name },
          ).length === 0,
      );
      setCertId((fit ?? list[0])?.id ?? "");
    } catch (e) {
      setError(messageOf(e));
    }
  }

  async function act() {
    const cert = chosen();
    if (!cert) return;
    // Opened during the click, so that the consent page is not taken for an unwanted pop-up.
    const win = window.open("about:blank", "vanthu-agent");
    setBusy(true);
    setError("");
    try {
      await props.beforeAction();
      const p = await loadProfile();
      const draft = (await db.drafts.get(props.draft.id))!;
      const agent = await agentClient(db);
      const common = { db, agent, certificate: cert, role: p.role, office: p, consentWindow: () => win };
      if (kind() === "signer") {
        const image = (await loadImage(db, "signatureImage")) ?? (await demoSignatureImage(draft.signerName || cert.commonName));
        await signAsOfficial({ ...common, image }, draft);
        notify("ok", "Đã ký số văn bản.");
      } else {
        const image = (await loadImage(db, "sealImage")) ?? (await demoSealImage(p.name));
        const r = await issueAsClerk({ ...common, image }, draft);
        notify("ok", `Đã phát hành văn bản số ${r.numberAndSymbol}.`);
      }
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
      win?.close();
    }
  }

  return (
    <div class="card" data-testid="sign-panel">
      <h2>
        {props.draft.status === "draft"
          ? "Ký số (người có thẩm quyền)"
          : props.draft.status === "signed"
            ? "Phát hành (văn thư: lấy số, ký số của cơ quan)"
            : "Đã phát hành"}
      </h2>
      <Show
        when={props.draft.status !== "issued"}
        fallback={
          <p>
            Văn bản số <b>{props.draft.numberAndSymbol}</b> đã vào sổ văn bản đi. <a href={href("so-dang-ky", "di")}>Xem sổ</a>
          </p>
        }
      >
        <Show
          when={certs()}
          fallback={
            <button class="secondary" onClick={loadCerts} disabled={!props.draft.documentSha256}>
              Đọc chứng thư số từ thiết bị ký
            </button>
          }
        >
          <div class="row">
            <label>
              Chứng thư số
              <select value={certId()} onChange={(e) => setCertId(e.currentTarget.value)} data-testid="cert-select">
                <For each={certs()}>
                  {(c) => (
                    // Selectable even when unusable: the person then reads why below, instead of a greyed line.
                    <option value={c.id}>
                      {c.commonName}
                      {c.title ? ` — ${c.title}` : ""} (hết hạn {formatDateVi(c.notAfter)}){c.isDemo ? " [THỬ]" : ""}
                      {c.usable ? "" : " — không dùng được"}
                    </option>
                  )}
                </For>
              </select>
            </label>
            <button onClick={act} disabled={busy() || !chosen() || problems().length > 0} data-testid="sign-button">
              {busy() ? "Đang chờ xác nhận và mã PIN trên cửa sổ agent…" : kind() === "signer" ? "Ký số" : "Lấy số và phát hành"}
            </button>
          </div>
          <Show when={chosen()?.isDemo}>
            <p class="tag warn">Chứng thư số thử: chữ ký không có giá trị pháp lý.</p>
          </Show>
          <For each={problems()}>
            {(p) => (
              <div class="alert bad" data-testid="sign-problem">
                {p.messageVi}
              </div>
            )}
          </For>
        </Show>
        <Show when={error()}>
          <div class="alert bad" role="alert">
            {error()}
          </div>
        </Show>
      </Show>
    </div>
  );
}
