import { For, Show, createResource, createSignal } from "solid-js";
import { createStore } from "solid-js/store";
import type { Role, SessionInfo } from "../../../shared/sync/schemas.ts";
import { formatDateTimeVi } from "../../../shared/domain/dates.ts";
import { db, messageOf, notify, online } from "../state.ts";
import { ROLE_LABELS_VI } from "../../../shared/sync/rules.ts";
import { MIN_PASSWORD_LENGTH } from "../session/password-change.tsx";
import { apiCall } from "../sync/api.ts";
import { BackupStatusCard } from "./backup-status.tsx";

interface UserRow {
  id: string;
  username: string;
  fullName: string;
  officeId: string;
  officeName: string;
  roles: Role[];
  disabled: boolean;
  mustChangePassword: boolean;
  passwordChangedAt: string | null;
}

/** Roles district IT may give (never administrator or district IT: the server refuses those too). */
const GIVABLE: Role[] = ["clerk", "leader", "signature_officer", "inspector"].filter((r) => r in ROLE_LABELS_VI) as Role[];

/**
 * Quản lý tài khoản: district IT creates, disables, enables and resets the password of the
 * accounts of the offices it manages; a first or reset password must be changed by its owner
 * at the next sign-in. The server decides who may do what; this screen only asks.
 */
export function UsersView() {
  const [users, { refetch }] = createResource(() => apiCall<{ users: UserRow[] }>(db, "/api/admin/users").then((r) => r.users));
  const [offices] = createResource(async () => {
    const s = (await db.meta.get("session"))?.value as SessionInfo | undefined;
    return (s?.offices ?? []).filter((o) => o.id !== s?.office.id);
  });
  const [form, setForm] = createStore({ officeId: "", username: "", fullName: "", role: "clerk" as Role, password: "" });
  const [busy, setBusy] = createSignal(false);

  async function act(what: () => Promise<unknown>, done: string) {
    setBusy(true);
    try {
      await what();
      notify("ok", done);
      await refetch();
    } catch (e) {
      notify("error", messageOf(e));
    } finally {
      setBusy(false);
    }
  }
  const post = (path: string, body?: unknown) => apiCall(db, path, { method: "POST", body: body === undefined ? undefined : JSON.stringify(body) });

  function create(e: Event) {
    e.preventDefault();
    const officeId = form.officeId || offices()?.[0]?.id || "";
    void act(
      () => post("/api/admin/users", { officeId, username: form.username.trim(), fullName: form.fullName.trim(), roles: [form.role], password: form.password }),
      `Đã tạo tài khoản ${form.username.trim()}. Người dùng phải đổi mật khẩu khi đăng nhập lần đầu.`,
    ).then(() => setForm({ username: "", fullName: "", password: "" }));
  }
  function reset(u: UserRow) {
    const password = window.prompt(`Mật khẩu tạm mới cho ${u.username} (ít nhất ${MIN_PASSWORD_LENGTH} ký tự; người dùng phải đổi khi đăng nhập):`);
    if (!password) return;
    void act(
      () => post(`/api/admin/users/${encodeURIComponent(u.id)}/reset-password`, { password }),
      `Đã đặt lại mật khẩu của ${u.username}; các phiên đăng nhập cũ đã kết thúc.`,
    );
  }

  return (
    <section data-testid="users-view">
      <h1>Quản lý tài khoản</h1>
      <BackupStatusCard />
      <form class="card grid" onSubmit={create} data-testid="user-create">
        <h2 style={{ "grid-column": "1 / -1" }}>Tạo tài khoản</h2>
        <label>
          Cơ quan
          <select id="u-office" value={form.officeId} onChange={(e) => setForm("officeId", e.currentTarget.value)}>
            <For each={offices()}>{(o) => <option value={o.id}>{o.name}</option>}</For>
          </select>
        </label>
        <label>
          Tên đăng nhập
          <input
            id="u-username"
            autocapitalize="none"
            placeholder="vd. vanthu.hongbang"
            value={form.username}
            onInput={(e) => setForm("username", e.currentTarget.value)}
          />
        </label>
        <label>
          Họ và tên
          <input id="u-fullname" value={form.fullName} onInput={(e) => setForm("fullName", e.currentTarget.value)} />
        </label>
        <label>
          Vai trò
          <select id="u-role" value={form.role} onChange={(e) => setForm("role", e.currentTarget.value as Role)}>
            <For each={GIVABLE}>{(r) => <option value={r}>{ROLE_LABELS_VI[r]}</option>}</For>
          </select>
        </label>
        <label>
          Mật khẩu tạm (ít nhất {MIN_PASSWORD_LENGTH} ký tự)
          <input
            id="u-password"
            type="password"
            autocomplete="new-password"
            value={form.password}
            onInput={(e) => setForm("password", e.currentTarget.value)}
          />
        </label>
        <div style={{ "grid-column": "1 / -1" }}>
          <button
            type="submit"
            disabled={!online() || busy() || !form.username.trim() || !form.fullName.trim() || [...form.password].length < MIN_PASSWORD_LENGTH}
          >
            Tạo tài khoản
          </button>
        </div>
      </form>
      <Show when={users.error}>
        <p class="alert bad">{messageOf(users.error)}</p>
      </Show>
      <table class="register responsive" data-testid="user-table">
        <thead>
          <tr>
            <th>Tên đăng nhập</th>
            <th>Họ và tên</th>
            <th>Cơ quan</th>
            <th>Vai trò</th>
            <th>Trạng thái</th>
            <th />
          </tr>
        </thead>
        <tbody>
          <For each={users()}>
            {(u) => (
              <tr data-testid={`user-${u.username}`}>
                <td>{u.username}</td>
                <td>{u.fullName}</td>
                <td>{u.officeName}</td>
                <td>{u.roles.map((r) => ROLE_LABELS_VI[r] ?? r).join(", ")}</td>
                <td>
                  {u.disabled ? "Đã khóa" : u.mustChangePassword ? "Chờ đổi mật khẩu" : "Đang dùng"}
                  {u.passwordChangedAt ? <span class="muted"> · đổi mật khẩu {formatDateTimeVi(u.passwordChangedAt)}</span> : null}
                </td>
                <td>
                  <Show
                    when={u.disabled}
                    fallback={
                      <button
                        class="secondary"
                        disabled={!online() || busy()}
                        onClick={() =>
                          void act(
                            () => post(`/api/admin/users/${encodeURIComponent(u.id)}/disable`),
                            `Đã khóa ${u.username}; mọi phiên đăng nhập đã kết thúc.`,
                          )
                        }
                      >
                        Khóa
                      </button>
                    }
                  >
                    <button
                      class="secondary"
                      disabled={!online() || busy()}
                      onClick={() => void act(() => post(`/api/admin/users/${encodeURIComponent(u.id)}/enable`), `Đã mở khóa ${u.username}.`)}
                    >
                      Mở khóa
                    </button>
                  </Show>{" "}
                  <button class="secondary" disabled={!online() || busy()} onClick={() => reset(u)}>
                    Đặt lại mật khẩu
                  </button>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </section>
  );
}
