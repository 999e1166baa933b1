import { For, Match, Show, Suspense, Switch, lazy, onCleanup, onMount } from "solid-js";
import { capabilitiesOf } from "../../shared/sync/rules.ts";
type Capabilities = ReturnType<typeof capabilitiesOf>;
import { useLive } from "./live.ts";
import { syncState } from "./sync/state.ts";
import { route, href } from "./router.ts";
import { db, online, toast, loadProfile } from "./state.ts";
import { SignedOut } from "./session/signed-out.tsx";
import { rolesVi } from "./session/roles.ts";
import { DraftsView } from "./drafts/drafts-view.tsx";
import { SyncBadge, startAutoSync } from "./session/sync-badge.tsx";
import { StorageWarning } from "./settings/storage-warning.tsx";
import { HandlingAlerts } from "./incoming/handling-alerts.tsx";
const HandlingView = lazy(() => import("./incoming/handling-view.tsx").then((m) => ({ default: m.HandlingView })));
const CertificateWarnings = lazy(() => import("./certificates/certificate-warnings.tsx").then((m) => ({ default: m.CertificateWarnings })));

// The first screen (drafts) is in the main bundle; every other view loads when opened
// (and is precached by the service worker, so offline too).
const DraftEditor = lazy(() => import("./drafts/draft-editor.tsx").then((m) => ({ default: m.DraftEditor })));
const RegistersView = lazy(() => import("./registers/registers-view.tsx").then((m) => ({ default: m.RegistersView })));
const ReceivedView = lazy(() => import("./incoming/received-list.tsx").then((m) => ({ default: m.ReceivedView })));
const ReceivedDetail = lazy(() => import("./incoming/received-detail.tsx").then((m) => ({ default: m.ReceivedDetail })));
const ViewerView = lazy(() => import("./documents/viewer.tsx"));
const SyncView = lazy(() => import("./session/sync-view.tsx").then((m) => ({ default: m.SyncView })));
const StorageView = lazy(() => import("./settings/storage-view.tsx").then((m) => ({ default: m.StorageView })));
const CertificatesView = lazy(() => import("./certificates/certificates-view.tsx").then((m) => ({ default: m.CertificatesView })));
const UsersView = lazy(() => import("./users/users-view.tsx").then((m) => ({ default: m.UsersView })));
const WorkflowList = lazy(() => import("./drafts/workflow-list.tsx").then((m) => ({ default: m.WorkflowList })));
const WorkflowDetail = lazy(() => import("./drafts/workflow-detail.tsx").then((m) => ({ default: m.WorkflowDetail })));
const AuditView = lazy(() => import("./audit/audit-view.tsx").then((m) => ({ default: m.AuditView })));
const SettingsView = lazy(() => import("./settings/settings-view.tsx").then((m) => ({ default: m.SettingsView })));
import { UpdatePrompt } from "./ui/update-prompt.tsx";
import { WorkProgress } from "./ui/progress.tsx";
import { askPersistence } from "./settings/storage.ts";

/** The sections, each shown only to the roles that can work in it (shared/sync/rules.ts, the server's table). */
const NAV: Array<[string, string, (c: Capabilities) => boolean]> = [
  ["du-thao", "Dự thảo", (c) => c.actions["draft.create"]],
  ["trinh-ky", "Trình ký", (c) => c.actions["draft.submit"] || c.actions["draft.approve"]],
  ["van-ban-den", "Văn bản đến", (c) => c.actions["exchange.accept"]],
  // Everyone of the office: the clerk presents, the leader assigns, any assignee acknowledges (the server checks each step).
  ["xu-ly", "Xử lý văn bản", () => true],
  ["so-dang-ky", "Sổ đăng ký", (c) => c.actions["exchange.accept"] || c.actions["draft.approve"]],
  ["chung-thu", "Chứng thư số", (c) => c.records.cert_request?.create ?? false],
  ["nhat-ky", "Nhật ký", (c) => c.readAudit],
  ["dong-bo", "Đồng bộ", () => true],
  ["luu-tru", "Lưu trữ", () => true],
  ["cai-dat", "Cài đặt", () => true],
];

/** District IT and administrators manage accounts (the server checks it again on every call). */
const canManageUsers = (roles: readonly string[]) => roles.includes("district_it") || roles.includes("admin");

/**
 * The office's screens once someone is signed in (loaded after app.tsx has seen a session, so
 * that the sign-in screen of a new device does not wait for them).
 */
export function OfficeShell() {
  // Re-read when the session or the device settings change (sign-in, sign-out, another tab).
  const profile = useLive(
    () => undefined,
    () => loadProfile(),
  );
  onMount(() => {
    // Ask once at start: offline work must not be evicted by the browser (R15, R18).
    void askPersistence().catch(() => undefined);
    onCleanup(startAutoSync());
  });
  // The expiry banner's code (certificate status rules) loads only for an office that keeps certificates here.
  const certificates = useLive(
    () => undefined,
    () => db.certInventory.count(),
  );
  const caps = () => capabilitiesOf(profile()?.roles ?? [], "own");
  const nav = (): Array<[string, string]> => {
    const shown = NAV.filter(([, , may]) => may(caps())).map(([k, label]): [string, string] => [k, label]);
    // Accounts sit before Cài đặt, for those who manage them.
    if (canManageUsers(profile()?.roles ?? [])) shown.splice(shown.length - 1, 0, ["tai-khoan", "Tài khoản"]);
    return shown;
  };
  // A leader's work starts with what waits for them; everyone else's with the first section they have.
  const section = () => route()[0] ?? (profile()?.roles.includes("leader") ? "trinh-ky" : (nav()[0]?.[0] ?? "dong-bo"));
  return (
    <Show when={profile()} keyed={false}>
      <Show when={profile()!.signedIn} fallback={<SignedOut />}>
        <Show when={!profile()!.mustChangePassword} fallback={<SignedOut firstPassword />}>
          <div class="shell">
            <header class="top">
              <a class="brand" href={href("du-thao")}>
                <img src="/favicon.svg" alt="" width="28" height="28" />
                <span>Văn thư số</span>
              </a>
              <span class="office" data-testid="office-name" title={rolesVi(profile()!.roles)}>
                {profile()!.name} · {profile()!.userName}
              </span>
              {/* The browser may be online while the server is unreachable: say which. */}
              <span class={online() && syncState().phase !== "offline" && syncState().phase !== "unreachable" ? "net on" : "net off"} data-testid="network">
                {!online() || syncState().phase === "offline"
                  ? "Không có mạng"
                  : syncState().phase === "unreachable"
                    ? "Không kết nối được máy chủ"
                    : "Đang trực tuyến"}
              </span>
              <SyncBadge />
            </header>
            <nav class="nav">
              <For each={nav()}>
                {([k, label]) => (
                  <a href={href(k)} classList={{ active: section() === k }}>
                    {label}
                  </a>
                )}
              </For>
            </nav>
            <UpdatePrompt />
            <WorkProgress />
            <StorageWarning />
            <Show when={(certificates() ?? 0) > 0}>
              <Suspense>
                <CertificateWarnings />
              </Suspense>
            </Show>
            <HandlingAlerts />
            <main class="main">
              <Suspense fallback={<p class="muted">Đang mở…</p>}>
                <Switch fallback={<p>Không tìm thấy trang này.</p>}>
                  <Match when={section() === "du-thao" && !route()[1]}>
                    <DraftsView />
                  </Match>
                  <Match when={section() === "du-thao" && route()[1]}>
                    <DraftEditor id={route()[1]!} />
                  </Match>
                  <Match when={section() === "van-ban-den" && !route()[1]}>
                    <ReceivedView />
                  </Match>
                  <Match when={section() === "van-ban-den" && route()[1]}>
                    <ReceivedDetail id={route()[1]!} />
                  </Match>
                  <Match when={section() === "xu-ly"}>
                    <HandlingView />
                  </Match>
                  <Match when={section() === "so-dang-ky"}>
                    <RegistersView kind={route()[1] === "di" ? "outgoing" : "incoming"} />
                  </Match>
                  <Match when={section() === "xem" && route()[1]}>
                    {/* Keyed: another document is a new viewer (pdf.js loads once per document). */}
                    <Show when={route()[1]} keyed>
                      {(sha) => <ViewerView sha256={sha} />}
                    </Show>
                  </Match>
                  <Match when={section() === "trinh-ky" && !route()[1]}>
                    <WorkflowList />
                  </Match>
                  <Match when={section() === "trinh-ky" && route()[1]}>
                    <WorkflowDetail id={route()[1]!} />
                  </Match>
                  <Match when={section() === "nhat-ky"}>
                    <AuditView />
                  </Match>
                  <Match when={section() === "dong-bo"}>
                    <SyncView />
                  </Match>
                  <Match when={section() === "luu-tru"}>
                    <StorageView />
                  </Match>
                  <Match when={section() === "chung-thu"}>
                    <CertificatesView />
                  </Match>
                  <Match when={section() === "tai-khoan"}>
                    <UsersView />
                  </Match>
                  <Match when={section() === "cai-dat"}>
                    <SettingsView />
                  </Match>
                </Switch>
              </Suspense>
            </main>
            <footer class="foot muted" data-testid="version">
              Văn thư số · phiên bản {__VANTHU_VERSION__}
            </footer>
            <Show when={toast()}>
              {(t) => (
                <div class={`toast ${t().kind}`} role={t().kind === "error" ? "alert" : "status"}>
                  {t().text}
                </div>
              )}
            </Show>
          </div>
        </Show>
      </Show>
    </Show>
  );
}
