import type { SessionInfo } from "../../../shared/sync/schemas.ts";
import type { VanthuDb } from "../db/schema.ts";
import { logout } from "../sync/client.ts";

/**
 * Signing out on a shared computer: the server ends the session (and its answer's
 * Clear-Site-Data empties this origin's HTTP cache, where documents fetched before blobs were
 * sent no-store could remain), the Cache Storage entries other than the app's own precache are
 * dropped (runtime copies of API answers or documents), then the local session is forgotten.
 * The office's archive in IndexedDB stays: it holds work not yet sent and the registers the
 * office keeps offline (R15, R18); the next person signs in to the same office's computer.
 */
export async function signOut(db: VanthuDb): Promise<void> {
  const session = (await db.meta.get("session"))?.value as SessionInfo | undefined;
  if (session) {
    await fetch("/api/auth/logout", { method: "POST", headers: { authorization: `Bearer ${session.token}` } }).catch(() => undefined);
  }
  if (typeof caches !== "undefined") {
    for (const name of await caches.keys()) if (!name.startsWith("workbox-precache")) await caches.delete(name);
  }
  await logout(db);
}
