import type { SessionInfo } from "../../../shared/sync/schemas.ts";
import type { VanthuDb } from "../db/schema.ts";
import { logout } from "../sync/client.ts";

/**
 * Signing out on a shared computer. The local session is forgotten first, so the sign-in screen
 * shows at once — offline, on a line that hangs, with a session the server already ended, or
 * when the person navigates away right after the click. Then the Cache Storage entries other
 * than the app's own precache are dropped (runtime copies of API answers or documents), and the
 * server is told to end the session: a keepalive request, which outlives this page, and whose
 * answer's Clear-Site-Data empties this origin's HTTP cache (documents fetched before blobs were
 * sent no-store). When the server cannot be reached the token is gone from this device anyway and
 * the server's session ends at its expiry.
 * The office's archive in IndexedDB stays: it holds work not yet sent and the registers the
 * office keeps offline (R15, R18); the next person signs in to the same office's computer.
 */
export async function signOut(db: VanthuDb): Promise<void> {
  const session = (await db.meta.get("session"))?.value as SessionInfo | undefined;
  await logout(db);
  if (session) {
    void fetch("/api/auth/logout", { method: "POST", keepalive: true, headers: { authorization: `Bearer ${session.token}` } }).catch(() => undefined);
  }
  if (typeof caches !== "undefined") {
    for (const name of await caches.keys()) if (!name.startsWith("workbox-precache")) await caches.delete(name);
  }
}
