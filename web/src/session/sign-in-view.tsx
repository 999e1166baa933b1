import { createSignal } from "solid-js";
import { messageOf, notify, online } from "../ui/signals.ts";

/**
 * The first screen: nobody works in Văn thư số before the server says who they are and for
 * which office (the account decides the role; nothing on this device can).
 */
export function SignInView(props: { onSignedIn?: () => void }) {
  const [user, setUser] = createSignal("");
  const [pass, setPass] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    try {
      // The sync client (and its schemas) load on the first sign-in, not with the first screen.
      const [{ login }, { db }] = await Promise.all([import("../sync/client.ts"), import("../state.ts")]);
      await login(db, user().trim(), pass());
      setPass("");
      notify("ok", "Đã đăng nhập. Từ nay có thể làm việc cả khi không có mạng.");
      props.onSignedIn?.();
    } catch (err) {
      notify("error", messageOf(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section class="card signin" data-testid="sign-in">
      <h1>Đăng nhập</h1>
      <p class="muted">Dùng tài khoản do quản trị viên cấp. Lần đăng nhập đầu tiên trên máy này cần có mạng.</p>
      <form onSubmit={submit}>
        <label>
          Tên đăng nhập
          <input id="login-user" autocomplete="username" autocapitalize="none" value={user()} onInput={(e) => setUser(e.currentTarget.value)} />
        </label>
        <label>
          Mật khẩu
          <input id="login-pass" type="password" autocomplete="current-password" value={pass()} onInput={(e) => setPass(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={!online() || busy() || !user().trim() || !pass()}>
          Đăng nhập
        </button>
        {!online() ? <p class="alert warn">Máy đang ngoại tuyến: cần có mạng để đăng nhập lần đầu.</p> : null}
      </form>
    </section>
  );
}
