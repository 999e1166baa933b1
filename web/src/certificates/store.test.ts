import "fake-indexeddb/auto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CertificateInventoryEntry } from "../../../shared/domain/certificates/index.ts";
import type { Role } from "../../../shared/sync/schemas.ts";
import { pendingMutations } from "../db/outbox.ts";
import { openVanthuDb, type VanthuDb } from "../db/schema.ts";
import { saveDerivedCertRecord } from "./store.ts";

let db: VanthuDb;
let n = 0;
beforeEach(async () => {
  db = openVanthuDb(`cert-store-${n++}`);
  await db.open();
});
afterEach(async () => {
  await db.delete();
});

async function signedInAs(roles: Role[]) {
  await db.meta.put({
    key: "session",
    value: { token: "t", expiresAt: "2026-12-01T00:00:00+07:00", user: { id: "u1", username: "u", fullName: "Người thử", roles }, office: { id: "o1" } },
  });
}

/** Only the fields the store reads: the record is kept as given. */
const revoked = {
  id: "c1",
  officeId: "o1",
  holder: "Phạm Văn Nam",
  revocation: { revokedAt: "2026-11-30T09:00:00+07:00" },
} as unknown as CertificateInventoryEntry;

describe("records derived from the Sở's answer", () => {
  it("a văn thư's device keeps the record and queues it for the server", async () => {
    await signedInAs(["clerk"]);
    await saveDerivedCertRecord(db, "certInventory", revoked);
    expect(await db.certInventory.get("c1")).toMatchObject({ holder: "Phạm Văn Nam" });
    expect((await pendingMutations(db, 10)).map((m) => m.kind)).toEqual(["cert.put"]);
  });

  it("a leader's device keeps it too, but queues nothing the server would refuse", async () => {
    await signedInAs(["leader"]);
    await saveDerivedCertRecord(db, "certInventory", revoked);
    await saveDerivedCertRecord(db, "certInventory", { ...revoked, holder: "Phạm Văn Nam (đã thu hồi)" });
    expect(await db.certInventory.get("c1")).toMatchObject({ holder: "Phạm Văn Nam (đã thu hồi)" });
    expect(await pendingMutations(db, 10)).toEqual([]);
  });
});
