/**
 * Whether a session is kept on this device, read with IndexedDB itself rather than Dexie: the
 * answer decides the first screen, and Dexie (30 KB) is only needed once someone is signed in.
 * A device that never opened the app has no database, and this does not create one (the
 * upgrade is aborted), so Dexie later creates it with its own schema.
 */
export function hasSession(name = "vanthu"): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onupgradeneeded = () => req.transaction?.abort();
    req.onerror = () => (req.error?.name === "AbortError" ? resolve(false) : reject(req.error));
    req.onsuccess = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains("meta")) {
        db.close();
        return resolve(false);
      }
      const get = db.transaction("meta").objectStore("meta").get("session");
      get.onsuccess = () => {
        db.close();
        resolve(get.result !== undefined);
      };
      get.onerror = () => {
        db.close();
        reject(get.error);
      };
    };
  });
}
