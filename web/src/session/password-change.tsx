import { createSignal } from "solid-js";
import type { SessionInfo } from "../../../shared/sync/schemas.ts";
import { db, messageOf, notify, online } from "../state.ts";
import { apiCall } from "../sync/api.ts";

/** The server's rule, said before sending: at least 12 characters (it also refuses common and patterned passwords). */
export const MIN_PASSWORD_LENGTH = 12;

/**
 * A person changes her own password: in Cài đặt, and at the first sign-in (or after district
 * IT reset it), when the server accepts nothing else until it is done. Her other sessions end.
 */
export function PasswordChangeForm(props: { onChanged?: () => void }) {
  const [current, setCurrent] = createSignal("");
  const [next, setNext] = createSignal("");
  const [again, setAgain] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const problem = () =>
    next() && [...next()].length < MIN_PASSWORD_LENGTH
      ? `Mật khẩu mới cần ít nhất ${MIN_PASSWORD_LENGTH} ký tự.`
      : again() && next() !== again()
        ? "Hai lần nhập mật khẩu mới không giống nhau."
        : "";
  async function submit(e: Event) {
    e.preventDefault();
    if (problem()) return;
    setBusy(true);
    try {
      await apiCall(db, "/api/auth/password", { method: "POST", body: JSON.stringify({ currentPassword: current(), newPassword: next() }) });
      const row = await db.meta.get("session");
      if (row) await db.meta.put({ key: "session", value: { ...(row.value as SessionInfo), mustChangePassword: false } });
      setCurrent("");
      setNext("");
      setAgain("");
      notify("ok", "Đã đổi mật khẩu. Các máy khác đang đăng nhập bằng tài khoản này phải đăng nhập lại.");
      props.onChanged?.();
    } catch (err) {
      notify("error", messageOf(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="card grid" onSubmit={submit} data-testid="password-change">
      <h2 style={{ "grid-column": "1 / -1" }}>Đổi mật khẩu</h2>
      <p class="muted" style={{ "grid-column": "1 / -1" }}>
        Ít nhất {MIN_PASSWORD_LENGTH} ký tự; nên dùng một câu dài dễ nhớ. Mật khẩu phổ biến, lặp ký tự hay giống tên đăng nhập sẽ bị từ chối.
      </p>
      <label>
        Mật khẩu hiện tại
        <input id="pw-current" type="password" autocomplete="current-password" value={current()} onInput={(e) => setCurrent(e.currentTarget.value)} />
      </label>
      <label>
        Mật khẩu mới
        <input id="pw-new" type="password" autocomplete="new-password" value={next()} onInput={(e) => setNext(e.currentTarget.value)} />
      </label>
      <label>
        Nhập lại mật khẩu mới
        <input id="pw-again" type="password" autocomplete="new-password" value={again()} onInput={(e) => setAgain(e.currentTarget.value)} />
      </label>
      {problem() ? (
        <p class="alert warn" style={{ "grid-column": "1 / -1" }}>
          {problem()}
        </p>
      ) : null}
      <div style={{ "grid-column": "1 / -1" }}>
        <button type="submit" disabled={!online() || busy() || !current() || !next() || next() !== again() || Boolean(problem())}>
          Đổi mật khẩu
        </button>
        {!online() ? <span class="muted"> Cần có mạng để đổi mật khẩu.</span> : null}
      </div>
    </form>
  );
}

/** The whole screen after a sign-in with a first or reset password: nothing else until it is changed. */
export function FirstPasswordView(props: { onChanged: () => void }) {
  return (
    <section class="signin" data-testid="first-password">
      <h1>Đặt mật khẩu của riêng bạn</h1>
      <p class="alert info">
        Mật khẩu này do người khác đặt (lần đăng nhập đầu tiên, hoặc vừa được cán bộ CNTT đặt lại). Hãy đổi sang mật khẩu chỉ bạn biết trước khi làm việc.
      </p>
      <PasswordChangeForm onChanged={props.onChanged} />
    </section>
  );
}
