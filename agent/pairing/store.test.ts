import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PairingStore } from "./store.ts";

const dir = mkdtempSync(join(tmpdir(), "vanthu-pairings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const h = (c: string) => c.repeat(64);

describe("PairingStore", () => {
  it("remembers paired origins across restarts, keeping only token hashes", () => {
    const file = join(dir, "pairings.json");
    const a = new PairingStore(file);
    const p = a.add({ origin: "http://127.0.0.1:8080", appName: "Văn thư số", tokenHash: h("a"), pairedAt: "2026-11-25T09:00:00+07:00" });
    a.add({ origin: "https://vanthu.example", appName: "x", tokenHash: h("b"), pairedAt: "2026-11-25T09:00:00+07:00" });
    const b = new PairingStore(file);
    expect(b.isPaired("http://127.0.0.1:8080")).toBe(true);
    expect(b.pairingsFor("https://vanthu.example")).toHaveLength(1);
    expect(readFileSync(file, "utf8")).not.toMatch(/token"/);
    b.remove(p.id);
    expect(new PairingStore(file).isPaired("http://127.0.0.1:8080")).toBe(false);
  });

  it("refuses to start on a damaged file rather than forgetting pairings silently", () => {
    const file = join(dir, "damaged.json");
    writeFileSync(file, JSON.stringify({ version: 1, pairings: [{ origin: 1 }] }));
    expect(() => new PairingStore(file)).toThrow(/damaged/);
  });
});
