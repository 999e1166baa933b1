/** Storage for offline work: persistent storage, usage and the warning before it runs short. */
export interface StorageFigures {
  usage: number;
  quota: number;
  persisted: boolean;
}

export type StorageLevel = "ok" | "low" | "critical";

/** Warn when less than 20 % or 500 MB is left, critical under 5 % or 100 MB. */
export function storageLevel(f: { usage: number; quota: number }): StorageLevel {
  if (!f.quota) return "ok";
  const left = f.quota - f.usage;
  if (left < 100 * 1024 ** 2 || left / f.quota < 0.05) return "critical";
  if (left < 500 * 1024 ** 2 || left / f.quota < 0.2) return "low";
  return "ok";
}

export function formatBytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toLocaleString("vi-VN", { maximumFractionDigits: 1 })} ${units[i]}`;
}

export async function readStorage(): Promise<StorageFigures> {
  const est = navigator.storage?.estimate ? await navigator.storage.estimate() : { usage: 0, quota: 0 };
  const persisted = navigator.storage?.persisted ? await navigator.storage.persisted() : false;
  return { usage: est.usage ?? 0, quota: est.quota ?? 0, persisted };
}

export async function askPersistence(): Promise<boolean> {
  if (!navigator.storage?.persist) return false;
  return navigator.storage.persist();
}
