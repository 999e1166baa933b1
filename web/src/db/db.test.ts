import "fake-indexeddb/auto";
import { PDFDocument } from "pdf-lib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VanthuError } from "../../../shared/errors.ts";
import { createDraft, emptyDraftFields, recordSignedRevision, updateDraft } from "./drafts.ts";
import { getDocument, putDocument, sha256Hex } from "./documents.ts";
import { pendingMutations } from "./outbox.ts";
import { applyQlvbReceiveTime, receiveDocument, saveReport } from "./received.ts";
import { incomingDuplicates, issueOutgoing, refuseReceived, registerIncoming, searchRegister } from "./registers.ts";
import { openVanthuDb, type VanthuDb } from "./schema.ts";

let db: VanthuDb;
let n = 0;
beforeEach(async () => {
  db = openVanthuDb(`test-${n++}`);
  await db.open();
});
afterEach(async () => {
  await db.delete();
});

async function pdf(text: string): Promise<Uint8Array> {
  const d = await PDFDocument.create();
  d.addPage().drawText(text);
  return d.save();
}

const office = { name: "Ủy ban nhân dân xã An Lão", symbol: "UBND" };
const declared = {
  issuer: "Ủy ban nhân dân phường Hồng Bàng",
  numberAndSymbol: "15/QĐ-UBND",
  documentDate: "2026-11-20",
  typeCode: "QĐ",
  summary: "Về việc ban hành kế hoạch tiêm chủng",
  urgency: "none" as const,
};

describe("documents (R15)", () => {
  it("keeps bytes exactly, once per SHA-256, and refuses a non-PDF", async () => {
    const bytes = await pdf("a");
    const sha = await putDocument(db, bytes, "a.pdf");
    expect(await putDocument(db, bytes, "again.pdf")).toBe(sha);
    expect(await db.documents.count()).toBe(1);
    const doc = await getDocument(db, sha);
    expect(doc.bytes).toEqual(bytes);
    expect(sha).toBe(await sha256Hex(bytes));
    await expect(putDocument(db, new TextEncoder().encode("hello"), "x.txt")).rejects.toThrow(/not a PDF/);
  });
  it("detects a kept document whose bytes changed", async () => {
    const sha = await putDocument(db, await pdf("a"), "a.pdf");
    const row = (await db.documents.get(sha))!;
    const bad = row.bytes.slice();
    bad[bad.length - 10]! ^= 1;
    await db.documents.put({ ...row, bytes: bad });
    await expect(getDocument(db, sha)).rejects.toMatchObject({ code: "web.document-corrupt" });
  });
});

describe("drafts (R9, R18)", () => {
  it("refuses a classified draft and stores nothing", async () => {
    const f = { ...emptyDraftFields(), secrecy: "Tối mật" as const, summary: "x" };
    await expect(createDraft(db, { bytes: await pdf("m"), name: "m.pdf" }, f)).rejects.toBeInstanceOf(VanthuError);
    expect(await db.drafts.count()).toBe(0);
    expect(await db.documents.count()).toBe(0);
  });
  it("creates, updates and refuses a later change to Mật", async () => {
    const d = await createDraft(db, { bytes: await pdf("d"), name: "d.pdf" }, { ...emptyDraftFields(), summary: "Về việc họp" });
    const u = await updateDraft(db, d.id, { summary: "Về việc họp giao ban" });
    expect(u.summary).toBe("Về việc họp giao ban");
    await expect(updateDraft(db, d.id, { secrecy: "Mật" })).rejects.toMatchObject({ code: "domain.classified" });
    expect((await db.drafts.get(d.id))!.secrecy).toBe("none");
    await expect(updateDraft(db, d.id, { capacity: "KT." })).rejects.toMatchObject({ code: "web.principal-missing" });
  });
});

describe("outgoing register", () => {
  it("numbers per year from 01 and formats the symbol", async () => {
    const d1 = await createDraft(db, { bytes: await pdf("1"), name: "1.pdf" }, { ...emptyDraftFields(), typeCode: "QĐ", summary: "Quyết định một" });
    const d2 = await createDraft(
      db,
      { bytes: await pdf("2"), name: "2.pdf" },
      { ...emptyDraftFields(), typeCode: "CV", unitSymbol: "VP", summary: "Công văn hai" },
    );
    const d3 = await createDraft(db, null, { ...emptyDraftFields(), typeCode: "TB", summary: "Thông báo năm sau" });
    await recordSignedRevision(db, d1.id, await pdf("1 signed"));
    const e1 = await issueOutgoing(db, d1.id, office, { now: new Date("2026-03-01T03:00:00Z") });
    const e2 = await issueOutgoing(db, d2.id, office, { now: new Date("2026-03-02T03:00:00Z") });
    const e3 = await issueOutgoing(db, d3.id, office, { now: new Date("2026-12-31T18:00:00Z") });
    expect([e1.numberAndSymbol, e2.numberAndSymbol, e3.numberAndSymbol]).toEqual(["01/QĐ-UBND", "02/UBND-VP", "01/TB-UBND"]);
    expect(e3.year).toBe(2027);
    expect(e1.sentAtProvisional).toBe(true);
    expect(e1.documentSha256).toBe((await db.drafts.get(d1.id))!.signedSha256![0]);
    await expect(issueOutgoing(db, d1.id, office)).rejects.toMatchObject({ code: "web.already-issued" });
    expect((await pendingMutations(db)).map((m) => m.kind)).toEqual(["outgoing.issue", "outgoing.issue", "outgoing.issue"]);
  });
});

describe("incoming register, refusal, duplicates, search", () => {
  async function receivedAndVerified(name: string, decl = declared, verdict: "valid" | "invalid" = "valid") {
    const r = await receiveDocument(db, { bytes: await pdf(name), name }, decl, "file");
    await saveReport(db, r.id, { documentSha256: r.documentSha256, verdict, summaryVi: verdict, report: {} });
    return r;
  }
  it("refuses to register before verification, or when invalid", async () => {
    const r = await receiveDocument(db, { bytes: await pdf("nv"), name: "nv.pdf" }, declared, "file");
    await expect(registerIncoming(db, r.id, { handler: "Chủ tịch" })).rejects.toMatchObject({ code: "web.not-verified" });
    const bad = await receivedAndVerified("bad.pdf", { ...declared, numberAndSymbol: "99/QĐ-UBND" }, "invalid");
    await expect(registerIncoming(db, bad.id, { handler: "Chủ tịch" })).rejects.toMatchObject({ code: "web.invalid-document" });
    await refuseReceived(db, bad.id, "Chữ ký số không hợp lệ: nội dung bị sửa sau khi ký");
    expect((await db.received.get(bad.id))!.status).toBe("refused");
    const m = (await pendingMutations(db)).find((x) => x.kind === "incoming.refuse")!;
    expect(m.payload).toMatchObject({ reason: "Chữ ký số không hợp lệ: nội dung bị sửa sau khi ký" });
    await expect(refuseReceived(db, r.id, "  ")).rejects.toMatchObject({ code: "web.reason-missing" });
  });
  it("registers with số đến, flags duplicates, finds without diacritics, applies QLVB time", async () => {
    const r1 = await receivedAndVerified("a.pdf");
    const e1 = await registerIncoming(db, r1.id, { handler: "Văn phòng", now: new Date("2026-11-21T02:00:00Z") });
    expect(e1.number).toBe(1);
    const r2 = await receivedAndVerified("b.pdf", {
      ...declared,
      numberAndSymbol: "015/qđ-ubnd",
      issuer: "UBND PHƯỜNG HỒNG BÀNG".replace("UBND", "Ủy ban nhân dân"),
    });
    expect((await incomingDuplicates(db, r2.id)).map((d) => d.reason)).toEqual(["same-number-symbol-issuer"]);
    await expect(registerIncoming(db, r2.id, { handler: "Văn phòng" })).rejects.toMatchObject({ code: "web.duplicate" });
    const e2 = await registerIncoming(db, r2.id, { handler: "Văn phòng", acceptDuplicate: true, now: new Date("2026-11-21T03:00:00Z") });
    expect(e2.number).toBe(2);
    const r3 = await receivedAndVerified("c.pdf", {
      ...declared,
      numberAndSymbol: "20/KH-UBND",
      typeCode: "KH",
      summary: "Kế hoạch phòng chống lụt bão",
      issuer: "Sở Nội vụ",
    });
    await registerIncoming(db, r3.id, { handler: "Phó Chủ tịch", now: new Date("2026-11-22T03:00:00Z") });

    // The very same file again, under another number: flagged as the same file.
    const again = await receiveDocument(
      db,
      { bytes: (await db.documents.get(r1.documentSha256))!.bytes, name: "a-again.pdf" },
      { ...declared, numberAndSymbol: "99/TB-UBND" },
      "file",
    );
    expect((await incomingDuplicates(db, again.id)).map((d) => [d.reason, d.entry.number])).toEqual([["same-file", 1]]);
    expect((await searchRegister(db, "incoming", { query: "uy ban nhan dan" })).map((e) => e.number)).toEqual([2, 1]);
    expect((await searchRegister(db, "incoming", { query: "lut bao" })).map((e) => e.number)).toEqual([3]);
    expect((await searchRegister(db, "incoming", { year: 2026, typeCode: "KH" })).map((e) => e.number)).toEqual([3]);
    expect((await searchRegister(db, "incoming", { issuer: "so noi vu" })).map((e) => e.number)).toEqual([3]);
    expect((await searchRegister(db, "incoming", { year: 2026 })).map((e) => e.number)).toEqual([3, 2, 1]);
    expect(await searchRegister(db, "incoming", { year: 2025 })).toEqual([]);
    expect(await searchRegister(db, "incoming", { query: "khong co" })).toEqual([]);

    expect(e1.arrivedAtProvisional).toBe(true);
    await applyQlvbReceiveTime(db, r1.id, "2026-11-21T09:01:02+07:00");
    const after = (await db.incoming.get(e1.id))!;
    expect(after.arrivedAt).toBe("2026-11-21T09:01:02+07:00");
    expect(after.arrivedAtProvisional).toBe(false);
  });
});

describe("schema v2: per-year search tokens", () => {
  it("upgrades a v1 database and keeps the derived tokens right on every write", async () => {
    const name = `upgrade-${n++}`;
    const { Dexie } = await import("dexie");
    const v1 = new Dexie(name);
    v1.version(1).stores({
      incoming: "id, &[year+number], year, arrivedAt, documentDate, typeCode, issuer, status, *searchTokens, documentSha256, documentId",
      outgoing: "id, &[year+number], year, documentDate, typeCode, status, *searchTokens, documentSha256",
    });
    await v1.table("incoming").add({
      id: "01A",
      year: 2025,
      number: 7,
      issuer: "Sở Nội vụ",
      numberAndSymbol: "7/KH-SNV",
      documentDate: "2025-05-05",
      typeCode: "KH",
      summary: "Kế hoạch",
      status: "registered",
      searchTokens: ["so", "noi", "vu"],
    });
    v1.close();
    const v2 = openVanthuDb(name);
    try {
      expect((await v2.incoming.get("01A")) as unknown).toMatchObject({ yearTokens: ["2025:so", "2025:noi", "2025:vu"] });
      expect((await searchRegister(v2, "incoming", { year: 2025, query: "noi vu" })).map((e) => e.id)).toEqual(["01A"]);
      // A server number moving the entry to another year re-derives the tokens.
      const e = (await v2.incoming.get("01A"))!;
      await v2.incoming.put({ ...e, year: 2026 });
      expect(await searchRegister(v2, "incoming", { year: 2025, query: "noi vu" })).toEqual([]);
      expect((await searchRegister(v2, "incoming", { year: 2026, query: "noi vu" })).map((x) => x.id)).toEqual(["01A"]);
      await v2.incoming.update("01A", { searchTokens: ["so", "tai", "chinh"] });
      expect((await searchRegister(v2, "incoming", { year: 2026, query: "tai chinh" })).map((x) => x.id)).toEqual(["01A"]);
    } finally {
      await v2.delete();
    }
  });
});
