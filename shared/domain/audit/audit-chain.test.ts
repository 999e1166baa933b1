import { describe, expect, it } from "vitest";
import {
  AUDIT_GENESIS_HASH,
  AuditChain,
  appendAuditEntry,
  effectiveAuditTimes,
  hashAuditEntry,
  verifyAuditChain,
  type AuditEntry,
  type AuditEntryInput,
} from "./audit-chain.ts";
import { canonicalJson } from "./canonical.ts";
import { VanthuError } from "../../errors.ts";

const clerk = { id: "u-vt", name: "Trần Thị Bình", title: "Văn thư" };
const head = { id: "u-ct", name: "Nguyễn Văn An", title: "Chủ tịch" };

function input(n: number, over: Partial<AuditEntryInput> = {}): AuditEntryInput {
  const actions = ["signing", "verification", "acceptance", "refusal", "custody-change", "request", "incident"] as const;
  return {
    id: `01JAUDIT${String(n).padStart(4, "0")}`,
    officeId: "ubnd-hong-bang",
    action: actions[n % actions.length]!,
    actor: n % 2 ? clerk : head,
    time: { at: `2026-11-${String(10 + (n % 15)).padStart(2, "0")}T09:${String(n % 60).padStart(2, "0")}:00+07:00`, source: n % 3 ? "qlvb" : "provisional" },
    summary: `Mục nhật ký số ${n}: ký số văn bản 12${n}/UBND-VP`,
    subject: { kind: "document", id: `sha256-${n}`, label: `12${n}/UBND-VP` },
    details: { n, ok: true, list: [1, "hai", null] },
    ...over,
  };
}

async function chainOf(n: number): Promise<AuditEntry[]> {
  const c = new AuditChain();
  for (let i = 1; i <= n; i++) await c.append(input(i));
  return [...c.entries];
}

describe("canonical JSON", () => {
  it("sorts keys, drops undefined, refuses what JSON cannot carry", () => {
    expect(canonicalJson({ b: 1, a: [true, null, "x"], c: undefined, á: { z: 1, y: 2 } })).toBe('{"a":[true,null,"x"],"b":1,"á":{"y":2,"z":1}}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: new Date() })).toThrow(TypeError);
  });
});

describe("audit chain (R23)", () => {
  it("links each entry to the previous by SHA-256, from the genesis hash", async () => {
    const entries = await chainOf(5);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[0]!.prevHash).toBe(AUDIT_GENESIS_HASH);
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
    expect(entries[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await hashAuditEntry(entries[2]!)).toBe(entries[2]!.hash);
    const report = await verifyAuditChain(entries);
    expect(report).toEqual({ ok: true, count: 5, head: { seq: 5, hash: entries[4]!.hash }, problems: [] });
  });

  it("the hash is the same whatever the key order or Unicode form the entry arrives in", async () => {
    const [e] = await chainOf(1);
    const reverseKeys = (v: unknown): unknown =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(
            Object.entries(v)
              .reverse()
              .map(([k, x]) => [k, reverseKeys(x)]),
          )
        : v;
    const reordered = JSON.parse(JSON.stringify(reverseKeys(e))) as AuditEntry;
    expect(Object.keys(reordered)[0]).toBe("hash");
    expect(await hashAuditEntry(reordered)).toBe(e!.hash);
    // Typed in decomposed form (NFD), stored normalised.
    const nfd = await appendAuditEntry(null, input(1, { summary: input(1).summary.normalize("NFD") }));
    expect(nfd.hash).toBe(e!.hash);
  });

  it("detects a changed entry, at its position", async () => {
    const entries = await chainOf(6);
    const tampered = entries.map((e) => ({ ...e }));
    tampered[3] = { ...tampered[3]!, summary: "Mục nhật ký đã bị sửa" };
    const r = await verifyAuditChain(tampered);
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ kind: "changed", position: 4, seq: 4 });
    expect(r.problems[0]!.messageVi).toBe("Mục thứ 4 (số 4) đã bị sửa: nội dung không còn khớp với mã băm.");
  });

  it("detects a changed actor, time source or detail, not only the text", async () => {
    const entries = await chainOf(4);
    for (const change of [
      (e: AuditEntry) => ({ ...e, actor: { ...e.actor, name: "Người khác" } }),
      (e: AuditEntry) => ({ ...e, time: { ...e.time, source: "qlvb" as const, at: "2026-11-01T08:00:00+07:00" } }),
      (e: AuditEntry) => ({ ...e, details: { ...e.details, n: 99 } }),
    ]) {
      const t = entries.map((e, i) => (i === 1 ? change(e) : e));
      expect((await verifyAuditChain(t)).problems.map((p) => [p.kind, p.position])).toEqual([["changed", 2]]);
    }
  });

  it("detects an entry rewritten with a recomputed hash, by the broken link after it", async () => {
    const entries = await chainOf(5);
    const forged = { ...entries[1]!, summary: "Không có gì xảy ra" };
    forged.hash = await hashAuditEntry(forged);
    const r = await verifyAuditChain([entries[0]!, forged, ...entries.slice(2)]);
    expect(r.problems.map((p) => [p.kind, p.position, p.seq])).toEqual([["changed", 2, 2]]);
    expect(r.problems[0]!.messageVi).toMatch(/tính lại mã băm/);
  });

  it("detects a removed entry and says which numbers are missing and where", async () => {
    const entries = await chainOf(7);
    const r = await verifyAuditChain([...entries.slice(0, 3), ...entries.slice(5)]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ kind: "removed", position: 4, seq: 4, seqTo: 5 });
    expect(r.problems[0]!.messageVi).toBe("Mất các mục số 4–5 (bị xóa) trước vị trí 4.");
    // The first entry removed.
    expect((await verifyAuditChain(entries.slice(1))).problems[0]).toMatchObject({ kind: "removed", position: 1, seq: 1, seqTo: 1 });
  });

  it("detects reordered entries", async () => {
    const entries = await chainOf(5);
    const swapped = [entries[0]!, entries[2]!, entries[1]!, entries[3]!, entries[4]!];
    const r = await verifyAuditChain(swapped);
    expect(r.problems.map((p) => [p.kind, p.position, p.seq])).toEqual([["reordered", 3, 2]]);
  });

  it("detects an inserted duplicate", async () => {
    const entries = await chainOf(4);
    const extra = await appendAuditEntry(entries[1]!, input(99));
    // A forged entry numbered 3, placed before the real entry 3.
    const r = await verifyAuditChain([entries[0]!, entries[1]!, extra, ...entries.slice(2)]);
    expect(r.problems.map((p) => [p.kind, p.position, p.seq])).toEqual([["inserted", 3, 3]]);
    // Placed after it, it is still the forged one that is named.
    const r2 = await verifyAuditChain([...entries.slice(0, 3), extra, entries[3]!]);
    expect(r2.problems.map((p) => [p.kind, p.position, p.seq])).toEqual([["inserted", 4, 3]]);
  });

  it("detects a truncated or rewritten chain against an anchor kept elsewhere", async () => {
    const entries = await chainOf(6);
    const anchor = { seq: 6, hash: entries[5]!.hash };
    expect((await verifyAuditChain(entries, { anchors: [anchor] })).ok).toBe(true);
    const cut = await verifyAuditChain(entries.slice(0, 4), { anchors: [anchor] });
    expect(cut.problems).toEqual([expect.objectContaining({ kind: "truncated", position: 5, seq: 5, seqTo: 6 })]);
    // Rewritten from entry 3 on with every hash recomputed: the chain is consistent in itself…
    const rewritten = entries.slice(0, 2);
    for (let i = 3; i <= 6; i++) rewritten.push(await appendAuditEntry(rewritten.at(-1)!, input(i, { summary: `Viết lại ${i}` })));
    expect((await verifyAuditChain(rewritten)).ok).toBe(true);
    // …but not with the anchor.
    expect((await verifyAuditChain(rewritten, { anchors: [anchor] })).problems).toEqual([expect.objectContaining({ kind: "anchor-mismatch", position: 6 })]);
  });

  it("verifies an extract of a period from the hash before it", async () => {
    const entries = await chainOf(8);
    const extract = entries.slice(3, 6);
    expect((await verifyAuditChain(extract, { startAfter: { seq: 3, hash: entries[2]!.hash } })).ok).toBe(true);
    expect((await verifyAuditChain(extract, { startAfter: { seq: 3, hash: entries[1]!.hash } })).problems[0]).toMatchObject({
      kind: "broken-link",
      position: 1,
    });
  });

  it("refuses bad input with a Vietnamese message and leaves the chain as it was", async () => {
    const c = new AuditChain();
    await c.append(input(1));
    await expect(c.append(input(2, { time: { at: "25/11/2026", source: "qlvb" } }))).rejects.toBeInstanceOf(VanthuError);
    await expect(c.append(input(2, { actor: { id: "", name: "" } }))).rejects.toMatchObject({
      code: "audit.bad-entry",
      messageVi: "Mục nhật ký không hợp lệ: thiếu người thực hiện",
    });
    await expect(c.append(input(2, { details: { when: new Date() as never } }))).rejects.toMatchObject({ code: "audit.bad-entry" });
    await expect(c.append(input(2, { officeId: "ubnd-khac" }))).rejects.toMatchObject({ code: "audit.other-office" });
    expect(c.entries).toHaveLength(1);
    expect((await verifyAuditChain(c.entries)).ok).toBe(true);
  });

  it("shows the QLVB time confirmed later by a time-confirmation entry, without touching the first entry", async () => {
    const c = new AuditChain();
    const signed = await c.append(input(3)); // provisional
    expect(signed.time.source).toBe("provisional");
    await c.append({
      id: "01JCONFIRM",
      officeId: "ubnd-hong-bang",
      action: "time-confirmation",
      actor: { id: "server", name: "Hệ thống QLVB" },
      time: { at: "2026-11-13T09:04:11+07:00", source: "qlvb" },
      summary: "Xác nhận thời gian QLVB của mục 1",
      details: { entryId: signed.id, qlvbTime: "2026-11-13T09:04:11+07:00" },
    });
    expect(effectiveAuditTimes(c.entries).get(signed.id)).toEqual({ at: "2026-11-13T09:04:11+07:00", source: "qlvb" });
    expect((await verifyAuditChain(c.entries)).ok).toBe(true);
  });
});
