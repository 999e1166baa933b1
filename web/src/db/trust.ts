import type { VanthuDb } from "./schema.ts";

/** A root published by the sync server for every device of the offices (sync-server/trust), as DER. */
export interface PublishedAnchor {
  der: Uint8Array;
  labelVi: string;
}

/**
 * The roots this device trusts besides the bundled government ones: those the server publishes
 * (district IT's list; the demo CA in `npm start`) and those imported on this device in Cài đặt.
 */
export async function trustAnchorsOf(db: VanthuDb): Promise<Uint8Array[]> {
  const own = ((await db.meta.get("trustAnchors"))?.value as Uint8Array[] | undefined) ?? [];
  const published = ((await db.meta.get("publishedTrustAnchors"))?.value as PublishedAnchor[] | undefined) ?? [];
  return [...published.map((p) => p.der), ...own];
}

export async function publishedAnchors(db: VanthuDb): Promise<PublishedAnchor[]> {
  return ((await db.meta.get("publishedTrustAnchors"))?.value as PublishedAnchor[] | undefined) ?? [];
}

/** Keeps the server's list; true when it changed (documents waiting for the clerk are then judged again). */
export async function keepPublishedAnchors(db: VanthuDb, anchors: PublishedAnchor[]): Promise<boolean> {
  const before = await publishedAnchors(db);
  const key = (l: PublishedAnchor[]) => l.map((a) => Array.from(a.der.slice(-32)).join(",") + a.der.length).join("|");
  if (key(before) === key(anchors)) return false;
  await db.meta.put({ key: "publishedTrustAnchors", value: anchors });
  return true;
}
