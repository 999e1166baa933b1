import "fake-indexeddb/auto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDraft, emptyDraftFields, localDraftFromServer } from "../db/drafts.ts";
import { openVanthuDb, type VanthuDb } from "../db/schema.ts";
import { submitForSigning } from "../drafts/workflow.ts";
import { vietnamYear } from "../../../shared/sync/time.ts";
import { reservedBlock, takeReservedNumber } from "./reserved-numbers.ts";

let db: VanthuDb;
let n = 0;
beforeEach(async () => {
  db = openVanthuDb(`reserved-${n++}`);
  await db.open();
});
afterEach(async () => {
  await db.delete();
});

const by = { id: "u-1", name: "Trần Thị Bình" };
const official = { id: "u-2", fullName: "Nguyễn Văn Thử" };
const pdf = { bytes: new TextEncoder().encode("%PDF-1.7\n%%EOF\n"), name: "du-thao.pdf" };

async function draft() {
  return createDraft(db, pdf, {
    ...emptyDraftFields(),
    summary: "Về việc phối hợp",
    signerName: "Nguyễn Văn Thử",
    signerTitle: "Chủ tịch",
    recipients: ["UBND xã An Hưng"],
  });
}
const submitted = async () =>
  (await db.outbox.toArray()).map((m) => (m.payload as { mutation: Record<string, unknown> }).mutation).find((x) => x.type === "draft.submit")!;

describe("số giữ trước: a draft submitted offline takes a number this device reserved", () => {
  it("offline, the lowest reserved number of the year goes with the submission and shows as provisional", async () => {
    const year = vietnamYear(new Date());
    await db.meta.put({ key: "reservedNumbers", value: { registerId: "vb-di", year, numbers: [6, 7, 8] } });
    const d = await draft();
    await submitForSigning(db, d, { official, note: "", issuerSymbol: "UBND", by, offline: true });
    expect(await submitted()).toMatchObject({ type: "draft.submit", reservedNumber: { year, number: 6 } });
    const w = (await db.workflow.get(d.id))!;
    expect(w.number).toMatchObject({ number: 6, numberAndSymbol: "06/UBND-VP", source: "reserved" });
    expect(w.pending?.some((p) => p.step === "submit")).toBe(true);
    expect((await reservedBlock(db))!.numbers).toEqual([7, 8]);
  });

  it("online, the server numbers it: the reserved block is kept for when the network fails", async () => {
    await db.meta.put({ key: "reservedNumbers", value: { registerId: "vb-di", year: vietnamYear(new Date()), numbers: [6] } });
    const d = await draft();
    await submitForSigning(db, d, { official, note: "", issuerSymbol: "UBND", by, offline: false });
    expect((await submitted()).reservedNumber).toBeUndefined();
    expect((await db.workflow.get(d.id))!.number).toBeNull();
    expect((await reservedBlock(db))!.numbers).toEqual([6]);
  });

  it("a block of last year is not used (the register numbers again from 01 each year)", async () => {
    await db.meta.put({ key: "reservedNumbers", value: { registerId: "vb-di", year: 2025, numbers: [40, 41] } });
    expect(await takeReservedNumber(db, new Date("2026-01-02T03:00:00Z"))).toBeUndefined();
    const d = await draft();
    await submitForSigning(db, d, { official, note: "", issuerSymbol: "UBND", by, offline: true });
    expect((await submitted()).reservedNumber).toBeUndefined();
    expect((await db.workflow.get(d.id))!.number).toBeNull();
  });
});

describe("another văn thư's signed draft, rebuilt from the server's record", () => {
  it("keeps who signs and to whom it goes, so this device can issue and send it", async () => {
    const d = await draft();
    await submitForSigning(db, d, { official, note: "", issuerSymbol: "UBND", by, offline: false });
    const create = (await db.outbox.toArray())
      .map((m) => (m.payload as { mutation: Record<string, unknown> }).mutation)
      .find((x) => x.type === "draft.create")!;
    const w = (await db.workflow.get(d.id))!;
    const at = "2026-11-30T09:00:00+07:00";
    const server = {
      ...w,
      particulars: create.particulars as never,
      state: "signed" as const,
      number: {
        registerId: "vb-di",
        year: 2026,
        number: 1,
        numberAndSymbol: "01/UBND-VP",
        issueDate: "2026-11-30",
        assignedAt: at,
        source: "register" as const,
      },
      revisions: [...w.revisions, { n: 2, sha256: "c".repeat(64), name: "01-UBND-VP-2026-ky.pdf", kind: "signed" as const, by, at }],
    };
    const rebuilt = localDraftFromServer(server)!;
    expect(rebuilt).toMatchObject({
      id: d.id,
      status: "signed",
      signedSha256: ["c".repeat(64)],
      numberAndSymbol: "01/UBND-VP",
      recipients: ["UBND xã An Hưng"],
      signerName: "Nguyễn Văn Thử",
      signerTitle: "Chủ tịch",
      summary: "Về việc phối hợp",
      documentSha256: d.documentSha256,
    });
    expect(localDraftFromServer({ ...server, particulars: undefined })).toBeUndefined();
  });
});
