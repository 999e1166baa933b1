import { Show, lazy } from "solid-js";
import { toast } from "../ui/signals.ts";
import { UpdatePrompt } from "../ui/update-prompt.tsx";
import { SignInView } from "./sign-in-view.tsx";

const FirstPasswordView = lazy(() => import("./password-change.tsx").then((m) => ({ default: m.FirstPasswordView })));

/**
 * The screen of a device nobody is signed in on: the sign-in, nothing else (no office data, no
 * database code); or, for an account that must first choose its own password, that form.
 */
export function SignedOut(props: { onSignedIn?: () => void; firstPassword?: boolean }) {
  const startSync = () => void import("./sync-view.tsx").then((m) => m.runSync());
  return (
    <div class="shell">
      <header class="top">
        <span class="brand">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>Văn thư số</span>
        </span>
      </header>
      <UpdatePrompt />
      <main class="main">
        <Show
          when={props.firstPassword}
          fallback={
            <SignInView
              onSignedIn={() => {
                props.onSignedIn?.();
                startSync();
              }}
            />
          }
        >
          <FirstPasswordView onChanged={startSync} />
        </Show>
      </main>
      <footer class="foot muted">Văn thư số · phiên bản {__VANTHU_VERSION__}</footer>
      <Show when={toast()}>
        {(t) => (
          <div class={`toast ${t().kind}`} role={t().kind === "error" ? "alert" : "status"}>
            {t().text}
          </div>
        )}
      </Show>
    </div>
  );
}
