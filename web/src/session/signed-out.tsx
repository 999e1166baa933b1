import { Show } from "solid-js";
import { toast } from "../ui/signals.ts";
import { UpdatePrompt } from "../ui/update-prompt.tsx";
import { SignInView } from "./sign-in-view.tsx";

/** The screen of a device nobody is signed in on: the sign-in, nothing else (no office data, no database code). */
export function SignedOut(props: { onSignedIn?: () => void }) {
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
        <SignInView
          onSignedIn={() => {
            props.onSignedIn?.();
            void import("./sync-view.tsx").then((m) => m.runSync());
          }}
        />
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
