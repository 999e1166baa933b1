import { Show, Suspense, createSignal, lazy, onMount } from "solid-js";
import { hasSession } from "./session/has-session.ts";
import { SignedOut } from "./session/signed-out.tsx";

// The office's screens (and the database code they need) load only once a session is known:
// a new device's first screen is the sign-in alone, small enough for a slow line (issue 17).
const OfficeShell = lazy(() => import("./office-shell.tsx").then((m) => ({ default: m.OfficeShell })));

export function App() {
  const [signedIn, setSignedIn] = createSignal<boolean>();
  onMount(() => void hasSession().then(setSignedIn, () => setSignedIn(true)));
  return (
    <Show when={signedIn() !== undefined}>
      <Show when={signedIn()} fallback={<SignedOut onSignedIn={() => setSignedIn(true)} />}>
        <Suspense>
          <OfficeShell />
        </Suspense>
      </Show>
    </Show>
  );
}
